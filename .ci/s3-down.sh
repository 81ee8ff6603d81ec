#!/usr/bin/env bash
# Stops what .ci/s3-up.sh DIR started, by the pids it wrote (radosgw first, the monitor last), and removes DIR.
set -uo pipefail
dir=${1:?usage: s3-down.sh DIR}
[ -f "$dir/pids" ] || exit 0
pids=$(tac "$dir/pids")
for pid in $pids; do
  kill "$pid" 2>/dev/null || continue
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
done
rm -rf "$dir"
