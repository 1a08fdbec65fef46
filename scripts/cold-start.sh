#!/usr/bin/env bash
# Cold start of the view function against the one-GetItem baseline, under two Runtime API emulators:
# ours in Rust (benches/cold_start.rs) and a plain one in Python (scripts/cold-start.py), run
# interleaved RUNS times each (default 3), every run printed. Builds both release binaries, starts a
# DynamoDB Local of its own (state in target/cold-start/dynamodb-local, stopped on exit), and seeds one
# 250-event share that the Python runs view (the Rust runs seed their own, alike).
#
#   scripts/cold-start.sh                      3 runs of each harness
#   RUNS=5 scripts/cold-start.sh               5 of each
#   VIEW_SHARE_BIN=path scripts/cold-start.sh  time that view-share binary (e.g. an older build)
#   PY_ARGS="--cold-starts 15 --rounds 2 --warm 20" are cold-start.py's options (these are its defaults)
#
# Output: target/cold-start/run-N-{rust,python}.txt beside the terminal's copy; the functions' logs in
# target/cold-start/*.log.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=${RUNS:-3}
TARGET=${CARGO_TARGET_DIR:-target}
OUT=$TARGET/cold-start
mkdir -p "$OUT"
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export DDB_STATE_DIR=$OUT/dynamodb-local # relative to the repository root, or absolute

step() { printf '\n==> %s (load %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

step "building view-share and the baseline (release), and the Rust bench"
if [ -n "${VIEW_SHARE_BIN:-}" ]; then
  view_share=$VIEW_SHARE_BIN
else
  cargo build --release -p view-share
  view_share=$TARGET/release/view-share
fi
cargo build --release --locked --manifest-path benches/baseline-getitem/Cargo.toml \
  --target-dir "$TARGET/baseline-getitem"
baseline=$TARGET/baseline-getitem/release/baseline-getitem
cargo bench --bench cold_start --no-run
export COLD_START_VIEW_SHARE=$view_share
ls -l "$view_share" "$baseline"

step "DynamoDB Local"
endpoint=$(scripts/dynamodb-local.sh start)
trap 'scripts/dynamodb-local.sh stop' EXIT
export DYNAMODB_ENDPOINT=$endpoint

step "seeding a 250-event share (benches/cold_start.rs, COLD_START_SEED_ONLY)"
COLD_START_SEED_FILE=$OUT/seed.json COLD_START_SEED_ONLY=1 cargo bench --bench cold_start
table=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["table"])' "$OUT/seed.json")
share=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["share"])' "$OUT/seed.json")

read -r -a py_args <<<"${PY_ARGS:-}"
for run in $(seq "$RUNS"); do
  step "run $run/$RUNS: benches/cold_start.rs"
  cargo bench --bench cold_start 2>&1 | grep -v '^cold_start: round' | tee "$OUT/run-$run-rust.txt"
  step "run $run/$RUNS: scripts/cold-start.py"
  python3 scripts/cold-start.py --endpoint "$endpoint" --table "$table" --share "$share" \
    --function "view-share=$view_share" --function "baseline-getitem=$baseline" \
    --json "$OUT/run-$run-python.json" "${py_args[@]}" 2>&1 | tee "$OUT/run-$run-python.txt"
done
step "done: every run above, and in $OUT/run-*.txt"
