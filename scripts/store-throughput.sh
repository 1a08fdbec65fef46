#!/usr/bin/env bash
# The runner's stores side by side: publish and page-view throughput and latency (p50/p99) of
# local-api on its file store and on its memory store, in the same run, same wrk settings, loopback.
#
#   scripts/store-throughput.sh            # DURATION=10s CONNECTIONS=8 THREADS=1 by default
#
# Builds local-api with the bench profile (no fat LTO: minutes shorter than --release; the figure is
# the stores' difference). Installs wrk with apt when missing. Request logs off (RUST_LOG=warn).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-1}

if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --profile bench --bin local-api >&2
bin=${CARGO_TARGET_DIR:-target}/release/local-api

# shellcheck source=scripts/loopback.sh
source scripts/loopback.sh
token=$("$bin" token --user kim --email kim@example.com --group contoso)
python3 scripts/rota-body.py 250 >"$work/body.json"
python3 - "$work/body.json" "$token" >"$work/publish.lua" <<'PY'
import json, sys
body = open(sys.argv[1]).read()
print('wrk.method = "POST"')
print(f'wrk.body = {json.dumps(body)}')
print('wrk.headers["Content-Type"] = "application/json"')
print(f'wrk.headers["Authorization"] = "Bearer {sys.argv[2]}"')
PY

measure() {
  local name=$1
  shift
  local port
  port=$(free_port)
  RUST_LOG=warn "$bin" --addr "127.0.0.1:$port" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local id
  id=$(curl -fs -X POST "http://127.0.0.1:$port/shares" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' --data-binary @"$work/body.json" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  echo "== $name: publish (POST /shares, 250 events each)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/publish.lua" "http://127.0.0.1:$port/shares" |
    grep -E 'Requests/sec|Non-2xx|^ +(50|99)%'
  echo "== $name: view (GET /s/{id}, the month page)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/s/$id?view=month&date=2026-12-01" |
    grep -E 'Requests/sec|Non-2xx|^ +(50|99)%'
}

measure memory --memory
measure file --data "$work/file/shares.db"
echo "file store on disk after the run: $(du -sh "$work/file" | cut -f1)"
