#!/usr/bin/env bash
# Peak resident memory of the server across a 1 GiB streaming upload and download through Kestrel.
# Usage: bench/rss-1gib.sh [size-in-MiB]   (default 1024). Traffic stays on 127.0.0.1; the server it starts, it stops.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
port=18089
key=bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build src/Attache.Server -c Release -v q -nologo >/dev/null
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/input.bin"
expected=$(sha256sum "$work/input.bin" | cut -d' ' -f1)

Attache__AdminApiKey=$key Attache__DataPath="$work/data" \
  dotnet artifacts/bin/Attache.Server/release/Attache.Server.dll --urls "http://127.0.0.1:$port" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
idle=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")

auth="Authorization: Bearer $key"
curl -sf -H "$auth" -H 'Content-Type: application/json' -d '{"id":"bench"}' "http://127.0.0.1:$port/v1/documents" >/dev/null
start=$(date +%s.%N)
curl -sf -H "$auth" -H "x-attache-sha256: $expected" -T "$work/input.bin" \
  "http://127.0.0.1:$port/v1/documents/bench/files/file?fileName=input.bin" > "$work/upload.json"
mid=$(date +%s.%N)
after_upload=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
file_id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$work/upload.json")
actual=$(curl -sf -H "$auth" "http://127.0.0.1:$port/v1/files/$file_id/content" | sha256sum | cut -d' ' -f1)
end=$(date +%s.%N)
peak=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")

[ "$actual" = "$expected" ] || { echo "download does not match upload: $actual vs $expected"; exit 1; }
awk -v s="$size_mib" -v i="$idle" -v u="$after_upload" -v p="$peak" -v a="$start" -v m="$mid" -v e="$end" 'BEGIN {
  printf "size %d MiB: upload %.0f MiB/s, download+hash %.0f MiB/s\n", s, s/(m-a), s/(e-m)
  printf "server RSS: idle %.1f MiB, peak after upload %.1f MiB, peak after download %.1f MiB\n", i/1024, u/1024, p/1024 }'
