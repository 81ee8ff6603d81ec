#!/usr/bin/env bash
# Renders a generated three-hour deposition (30,000 words, 2,000 monologues) to txt, docx and pdf, and converts our
# own DOCX to PDF with LibreOffice in the same run for comparison; renders page 2 of our PDF to PNG.
# Usage: bench/render.sh [output-folder]   (default: a temporary folder, removed at the end)
# Installs what it lacks from Debian (fonts, libreoffice-writer, poppler-utils); every step has a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "$out" ] || out="$work/out"
mkdir -p "$out"

need() { # package, file or command that shows it is there
  if [ ! -e "$2" ] && ! command -v "$2" >/dev/null 2>&1; then
    echo "== installing $1"
    timeout 900 apt-get install -y -qq --no-install-recommends "$1" >/dev/null
  fi
}
need fonts-dejavu-core /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
need fonts-wqy-microhei /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
need poppler-utils pdftoppm
need libreoffice-writer libreoffice

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 600 dotnet build bench/render -c Release -v q -nologo >/dev/null
timeout 600 dotnet artifacts/bin/RenderBench/release/RenderBench.dll "$out" 7

# LibreOffice: the first conversion also creates its profile; the second is the warm figure used for the ratio.
lo() {
  local start end
  start=$(date +%s.%N)
  timeout 300 libreoffice -env:UserInstallation="file://$work/lo-profile" --headless --convert-to pdf \
    --outdir "$work/lo" "$out/deposition.docx" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", (e - s) * 1000 }'
}
lo_cold=$(lo)
lo_warm=$(lo)
lo_pages=$(pdfinfo "$work/lo/deposition.pdf" | awk '/^Pages:/ {print $2}')
our_pages=$(pdfinfo "$out/deposition.pdf" | awk '/^Pages:/ {print $2}')
timeout 60 pdftoppm -f 2 -l 2 -r 100 -png "$out/deposition.pdf" "$out/page"

awk -F'\t' -v cold="$lo_cold" -v warm="$lo_warm" -v lp="$lo_pages" -v op="$our_pages" '
  { median[$1] = $2 }
  END {
    printf "libreoffice --convert-to pdf of our docx: %d ms (first, with profile creation), %d ms (second); %d pages (ours: %d)\n", cold, warm, lp, op
    split("txt 50 docx 300 pdf 1000", g, " ")
    for (i = 1; i <= 5; i += 2) printf "%-4s median %7.1f ms   goal <= %4d ms   %s\n", g[i], median[g[i]], g[i+1], ((median[g[i]] + 0 <= g[i+1] + 0) ? "met" : "MISSED")
    ratio = warm / median["pdf"]
    printf "pdf is %.0fx faster than libreoffice (goal >= 10x): %s\n", ratio, ((ratio >= 10) ? "met" : "MISSED")
  }' "$out/results.tsv"
echo "outputs: $out ($(ls "$out" | tr '\n' ' '))"
