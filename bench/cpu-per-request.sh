#!/usr/bin/env bash
# Server CPU time per download (utime+stime of the server process over a wrk run), for a 4 KiB file through the
# native API with an API key and through the SpeechExec dialect, and for 1 MiB and 1 GiB files; each plain
# (Kestrel sends the bytes) and, when nginx is present, in X-Accel-Redirect mode behind nginx.
# Each workload is warmed up first by an unmeasured wrk run (WARM_SECONDS, default 15; 0 for none), so that the figure
# is the steady state and not the JIT compiling and re-compiling the code (tiered compilation) during the measurement;
# 5 s was too short after a restart on a busy 2-core machine.
# Usage: bench/cpu-per-request.sh [seconds-per-run]     (default 10; loopback only; stops what it starts)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
WARM_SECONDS=${WARM_SECONDS:-15}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
WORK=$(mktemp -d /tmp/attache-cpu.XXXXXX)
SERVER_PID= NGINX_PID=
cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# ATTACHE_SERVER_DIR: an already published server to measure (e.g. an older build), instead of publishing this tree.
SERVER_DIR=${ATTACHE_SERVER_DIR:-$WORK/server}
[ -n "${ATTACHE_SERVER_DIR:-}" ] || dotnet publish src/Attache.Server -c Release -o "$SERVER_DIR" -v q --nologo >/dev/null
ADMIN=bench-admin-key-0123456789
SPS=bench-server-key-0123456789
PORT=18431 FRONT=18432
TICKS=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_server() { # $1: accel prefix or empty
  mkdir -p "$WORK/data"
  Attache__DataPath="$WORK/data" Attache__AdminApiKey=$ADMIN Urls="http://127.0.0.1:$PORT" \
  Attache__Downloads__AccelRedirect__Prefix="$1" Attache__Audit__QueueCapacity=1000000 \
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    dotnet "$SERVER_DIR/Attache.Server.dll" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && return; sleep 0.2; done
  echo "server did not start"; cat "$WORK/server.log"; exit 1
}

stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }

start_nginx() {
  cat >"$WORK/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on;
  client_body_temp_path $WORK/nb; proxy_temp_path $WORK/np; fastcgi_temp_path $WORK/nf; uwsgi_temp_path $WORK/nu; scgi_temp_path $WORK/ns;
  upstream attache { server 127.0.0.1:$PORT; keepalive 64; }
  server { listen 127.0.0.1:$FRONT;
    location / { proxy_pass http://attache; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
    location /_attache/blobs/ { internal; alias $WORK/data/blobs/; etag off; if_modified_since off;
      add_header ETag \$upstream_http_etag; add_header Last-Modified \$upstream_http_last_modified;
      add_header X-Content-Type-Options \$upstream_http_x_content_type_options; add_header x-sps-cri \$upstream_http_x_sps_cri; }
  }
}
CONF
  nginx -p "$WORK/" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" & NGINX_PID=$!
  sleep 0.5
}

seed() { # creates the files once; the data folder survives server restarts
  local api="http://127.0.0.1:$PORT"
  head -c 4096 /dev/urandom >"$WORK/small"; head -c $((1024*1024)) /dev/urandom >"$WORK/medium"
  head -c $((1024*1024*1024)) /dev/urandom >"$WORK/big"
  curl -fs -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' "$api/v1/principals" \
    -d '{"name":"reader","password":"reader-password-1"}' >/dev/null
  USER_KEY=$(curl -fs -X POST -H "Authorization: Bearer $ADMIN" "$api/v1/principals/reader/api-keys" | sed 's/.*"key":"\([^"]*\)".*/\1/')
  for name in small medium big; do
    curl -fs -H "Authorization: Bearer $USER_KEY" -H 'Content-Type: application/json' "$api/v1/documents" -d "{\"id\":\"$name\"}" >/dev/null
    local id; id=$(curl -fs -T "$WORK/$name" -H "Authorization: Bearer $USER_KEY" \
      "$api/v1/documents/$name/files/file?fileName=$name.bin" | sed 's/.*"id":"\([^"]*\)".*/\1/')
    eval "${name^^}_ID=$id"
  done
  local text; text=$(head -c 3072 /dev/urandom | base64 -w0)
  curl -fs -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' "$api/v1/import" -d "{
    \"principals\":[{\"name\":\"sarah\",\"groups\":[\"enterprise\"]}], \"serverApiKeys\":[\"$SPS\"],
    \"documents\":[{\"id\":\"1ea29334-6008-41e4-8db5-0c88c14f6ac0\",\"kind\":\"dictation\",\"owner\":\"sarah\",
      \"state\":\"TranscriptionFinished\",\"folder\":\"archive\",\"deleted\":false,\"properties\":{},
      \"files\":[{\"slot\":\"attachment\",\"fileName\":\"a.wav.rtf\",\"mediaType\":\"application/rtf\",\"content\":{\"base64\":\"$text\"}}]}]}" >/dev/null
}

# run <label> <connections> <threads> <url> <header>
run() {
  local before after out requests
  curl -fs -o /dev/null -H "$5" "$4" || { echo "$1: request failed: $4"; return; }
  [ "$WARM_SECONDS" -gt 0 ] && wrk -t"$3" -c"$2" -d"${WARM_SECONDS}s" -H "$5" "$4" >/dev/null
  before=$(cpu_ticks "$SERVER_PID")
  out=$(wrk -t"$3" -c"$2" -d"${SECONDS_PER_RUN}s" -H "$5" "$4")
  after=$(cpu_ticks "$SERVER_PID")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  local rate; rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  local transfer; transfer=$(echo "$out" | awk '/Transfer\/sec/ {print $2}')
  # wrk counts a request when it completes; bytes read count partial ones too, so big files are judged per GiB.
  local gib; gib=$(echo "$out" | awk '/requests in/ { v = $5; u = substr(v, length(v) - 1); v += 0;
    f = (u == "KB") ? 1 / 1048576 : (u == "MB") ? 1 / 1024 : (u == "GB") ? 1 : (u == "TB") ? 1024 : 1 / 1073741824; print v * f }')
  echo "$1: $requests requests, $rate req/s, $transfer/s, server CPU $(awk -v t=$((after-before)) -v n="$requests" -v g="$gib" -v hz="$TICKS" \
    'BEGIN { printf "%s µs/request, %.2f s/GiB", (n > 0 ? sprintf("%.1f", t * 1e6 / hz / n) : "-"), (g > 0 ? t / hz / g : 0) }')"
}

start_server ""
seed
NATIVE="/v1/files/$SMALL_ID/content"
SPEECHEXEC="/SEEAppInterface/dms/dictations/sarah/1ea29334-6008-41e4-8db5-0c88c14f6ac0/attachment"
for mode in plain accel; do
  if [ "$mode" = accel ]; then
    command -v nginx >/dev/null || break
    stop_server; start_server /_attache/blobs/; start_nginx; BASE="http://127.0.0.1:$FRONT"
  else
    BASE="http://127.0.0.1:$PORT"
  fi
  run "$mode native 4 KiB, 64 conns" 64 2 "$BASE$NATIVE" "Authorization: Bearer $USER_KEY"
  run "$mode SpeechExec 4 KiB, 64 conns" 64 2 "$BASE$SPEECHEXEC" "x-sps-api-key: $SPS"
  run "$mode 1 MiB, 64 conns" 64 2 "$BASE/v1/files/$MEDIUM_ID/content" "Authorization: Bearer $USER_KEY"
  run "$mode 1 GiB, 4 conns" 4 2 "$BASE/v1/files/$BIG_ID/content" "Authorization: Bearer $USER_KEY"
done
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER_PID/status)"
