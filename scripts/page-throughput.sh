#!/usr/bin/env bash
# Page throughput: local-api serving a 250-event month page from its embedded store, against nginx
# serving the same bytes as a static file, side by side on loopback, same wrk settings, no
# Accept-Encoding (wrk sends none). Prints both rates and their ratio.
#
#   scripts/page-throughput.sh            # DURATION=10s CONNECTIONS=32 THREADS=1 by default
#
# Installs nginx-light and wrk with apt when missing. Request logs are off on both sides
# (RUST_LOG=warn, access_log off): the figure is the serving path, not the log writer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi
cargo build --release --bin local-api >&2
bin=${CARGO_TARGET_DIR:-target}/release/local-api

# shellcheck source=scripts/loopback.sh
source scripts/loopback.sh

api_port=$(free_port)
RUST_LOG=warn "$bin" --addr "127.0.0.1:$api_port" --memory >"$work/local-api.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$api_port/healthz" >/dev/null && break; sleep 0.1; done

token=$("$bin" token --user kim --email kim@example.com --group contoso)
python3 scripts/rota-body.py 250 >"$work/body.json"
id=$(curl -fs -X POST "http://127.0.0.1:$api_port/shares" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data-binary @"$work/body.json" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
page_path="/s/$id?view=month&date=2026-12-01"
mkdir -p "$work/www/s"
curl -fs "http://127.0.0.1:$api_port$page_path" -o "$work/www/s/$id"
bytes=$(wc -c <"$work/www/s/$id")

nginx_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type text/html;
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$nginx_port/s/$id" >/dev/null && break; sleep 0.1; done

rate() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | awk '/^Requests\/sec:/ {print $2}'
}
echo "page: $bytes bytes (250-event month view), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores" >&2
local_rate=$(rate "http://127.0.0.1:$api_port$page_path")
nginx_rate=$(rate "http://127.0.0.1:$nginx_port/s/$id")
ratio=$(python3 -c "print(f'{$local_rate / $nginx_rate:.2f}')")
printf 'local-api: %s req/s\nnginx:     %s req/s\nratio:     %sx\n' "$local_rate" "$nginx_rate" "$ratio"
