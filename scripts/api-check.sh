#!/usr/bin/env bash
# The API's description, checked by a tool nobody here wrote: Schemathesis generates requests for
# every operation of GET /openapi.json (valid and invalid bodies, parameters and headers, examples,
# boundary values, and chains that follow the document's links) and sends them to the local runner
# on its in-memory store, with an admin's token. It fails on any 5xx, any status, content type,
# header or body the document does not describe, and any crash.
#
#   scripts/api-check.sh                 # from a fresh clone too: builds, installs, runs, stops
#   API_CHECK_EXAMPLES=1000 scripts/api-check.sh  # more examples per operation (default 300)
#   API_CHECK_SEED=1234 scripts/api-check.sh      # replay a run (the seed is printed)
#
# Loopback only: the runner listens on 127.0.0.1, on a port the system picks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SCHEMATHESIS_VERSION=4.32.5
EXAMPLES=${API_CHECK_EXAMPLES:-300}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
WORK=$PWD/target/api-check
started=$SECONDS

say() { printf 'api-check: %s\n' "$*"; }

say "building local-api (debug)"
cargo build --quiet --bin local-api
runner=target/debug/local-api

# The console script may land outside PATH (pyenv shims, ~/.local/bin): call its entry point.
schemathesis() {
  python3 -c 'import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())' "$@"
}
installed=$(python3 -c 'import schemathesis; print(schemathesis.__version__)' 2>/dev/null || true)
if [ "$installed" != "$SCHEMATHESIS_VERSION" ]; then
  say "installing schemathesis $SCHEMATHESIS_VERSION (found: ${installed:-none})"
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
      "schemathesis==$SCHEMATHESIS_VERSION"
fi

rm -rf "$WORK"
mkdir -p "$WORK"
# The in-memory store: every run starts empty and leaves nothing behind (a runner without
# --memory keeps only memory anyway).
store=()
if "$runner" --help | grep -q -- '--memory'; then
  store=(--memory)
fi
"$runner" --addr 127.0.0.1:0 ${store[@]+"${store[@]}"} >"$WORK/runner.log" 2>&1 &
runner_pid=$!
stop_runner() {
  if kill -0 "$runner_pid" 2>/dev/null; then
    kill "$runner_pid" 2>/dev/null || true
    wait "$runner_pid" 2>/dev/null || true
  fi
}
trap stop_runner EXIT

base=""
for _ in $(seq 1 300); do
  base=$(sed -n 's/^local-api listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$WORK/runner.log")
  [ -n "$base" ] && break
  if ! kill -0 "$runner_pid" 2>/dev/null; then
    say "local-api did not start:"
    cat "$WORK/runner.log"
    exit 1
  fi
  sleep 0.1
done
if [ -z "$base" ]; then
  say "local-api did not say where it listens within 30 s"
  exit 1
fi
say "local-api on $base"

token=$("$runner" token --user kim --email kim@example.com --group contoso --admin)

seed=()
if [ -n "${API_CHECK_SEED:-}" ]; then
  seed=(--seed "$API_CHECK_SEED")
fi

# Two passes on one store: the shares' routes first, under the group's default policy (a random
# policy would refuse most publishes); then the policy's writes with the reads of the policy, the
# caller's standing and the share lists, which meet the shares the first pass left (paused or not)
# under whatever policy comes.
policy_writes='^putSettings'
run_pass() {
  local name=$1
  shift
  say "pass $name: schemathesis $SCHEMATHESIS_VERSION, $EXAMPLES examples per operation"
  # One worker: Python 3.11.7's ast.parse is not thread-safe (Hypothesis parses lambdas to name them).
  # Run from $WORK: Schemathesis and Hypothesis keep their caches in the working directory.
  (cd "$WORK" && schemathesis run "$base/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks "$CHECKS" \
    --max-examples "$EXAMPLES" \
    ${seed[@]+"${seed[@]}"} \
    --workers 1 \
    --request-timeout 20 \
    --generation-database none \
    --suppress-health-check too_slow,filter_too_much \
    --report junit --report-junit-path "$WORK/junit-$name.xml" \
    --no-color "$@")
}
status=0
run_pass shares --exclude-operation-id-regex "$policy_writes" || status=$?
# The shares pass's stateful phase follows a few of its many links at random, and a share must exist
# before a replace, patch or rotate can answer 2xx: a short stateful pass over one share's operations
# alone follows every link between them.
run_pass lifecycle --include-operation-id-regex '^(createShare|getShare|replaceShare|patchShare|rotateShare)$' \
  --phases stateful || status=$?
run_pass policy --include-operation-id-regex "$policy_writes|^list|^get(MySharing|Settings|OpenApi)$" || status=$?

if ! kill -0 "$runner_pid" 2>/dev/null; then
  say "local-api exited during the run (a crash):"
  tail -n 50 "$WORK/runner.log"
  status=1
elif grep -q 'panicked at' "$WORK/runner.log"; then
  say "a handler panicked (its connection dropped):"
  grep -A5 'panicked at' "$WORK/runner.log" | head -n 30
  status=1
fi
stop_runner
trap - EXIT

# What the runner answered, by route (its request log, colours stripped): how deep the run went.
# Errors alone would conform too (a token the runner stopped taking is 401 everywhere), so every
# operation of the document must have answered 2xx at least once.
say "answers by route (status×count):"
answers=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/runner.log" |
  sed -n 's/.* route="\([^"]*\)" status=\([0-9]*\) .*/\1|\2/p' | sort | uniq -c |
  awk '{ n = $1; $1 = ""; sub(/^ +/, ""); split($0, kv, "|"); counts[kv[1]] = counts[kv[1]] " " kv[2] "×" n }
       END { for (route in counts) printf "  %-32s%s\n", route, counts[route] }' | sort)
printf '%s\n' "$answers"
operations=$(python3 -c 'import json, sys
paths = json.load(open(sys.argv[1]))["paths"]
print("\n".join(sorted(f"{m.upper()} {p}" for p, item in paths.items() for m in item if m != "parameters")))
' shared/src/http/openapi.json | LC_ALL=C sort)
answered_2xx=$(printf '%s\n' "$answers" | grep ' 2[0-9][0-9]×' | sed 's/^  \([A-Z]* [^ ]*\).*/\1/' | LC_ALL=C sort || true)
never_2xx=$(comm -23 <(printf '%s\n' "$operations") <(printf '%s\n' "$answered_2xx"))
if [ -n "$never_2xx" ]; then
  say "FAILED: these operations never answered 2xx, so only their errors were checked:"
  printf '%s\n' "$never_2xx" | sed 's/^/  /'
  status=1
fi

elapsed=$((SECONDS - started))
if [ "$status" -eq 0 ]; then
  say "passed in ${elapsed}s: every answer of the local runner matches GET /openapi.json"
else
  say "FAILED (exit $status) after ${elapsed}s; the runner's log is in target/api-check/runner.log, JUnit reports beside it"
fi
exit "$status"
