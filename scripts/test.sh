#!/usr/bin/env bash
# The whole test suite in one command, fresh machine included: system packages (Java, Chromium),
# the npm and Python test tools, an in-memory DynamoDB Local, the Rust tests, then the browser tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=false
apt_install() {
  if [ "$apt_updated" = false ]; then
    as_root apt-get update
    apt_updated=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

step "system packages (Java for DynamoDB Local, Chromium and OpenSSL for the browser tests)"
if ! command -v java >/dev/null; then
  apt_install --no-install-recommends default-jre-headless
fi
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
# The embed test serves two https sites on loopback with a certificate it makes.
if ! command -v openssl >/dev/null; then
  apt_install --no-install-recommends openssl
fi
for tool in cargo node npm python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: this machine cannot run the suite" >&2; exit 1; }
done
echo "java: $(java -version 2>&1 | head -n1)"
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
echo "node: $(node --version)"

step "npm test tools (npm ci)"
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules is up to date with package-lock.json"
fi

step "Python test tools (tests/browser/requirements.txt)"
# Installed once; offline, an installed copy is enough. Where pip may not install (a system Python
# managed by apt), Debian's own package of the parser does.
if python3 -c 'import icalendar' 2>/dev/null; then
  echo "icalendar $(python3 -c 'import icalendar; print(icalendar.__version__)') is installed"
elif ! python3 -m pip install --user --quiet -r tests/browser/requirements.txt; then
  apt_install python3-icalendar
fi
# The QR decoder (and Pillow, which hands it the screenshots): pip only, as Debian packages neither.
if python3 -c 'import zxingcpp, PIL' 2>/dev/null; then
  echo "zxing-cpp is installed"
else
  python3 -m pip install --user --quiet "zxing-cpp==3.1.1" "pillow==13.0.0" ||
    python3 -m pip install --quiet --break-system-packages "zxing-cpp==3.1.1" "pillow==13.0.0" ||
    echo "zxing-cpp could not be installed: recipient_files.test.mjs will fail its QR test" >&2
fi

# The functions read their keys from Secrets Manager at init; the tests give them one on loopback.
if python3 -c 'import moto' 2>/dev/null && command -v moto_server >/dev/null; then
  echo "moto $(python3 -c 'import moto; print(moto.__version__)') is installed (Secrets Manager on loopback)"
else
  python3 -m pip install --quiet "moto[server]==5.2.6" ||
    python3 -m pip install --quiet --break-system-packages "moto[server]==5.2.6"
fi

step "DynamoDB Local"
export DDB_STATE_DIR=${DDB_STATE_DIR:-target/dynamodb-local}
trap 'scripts/dynamodb-local.sh stop || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
DYNAMODB_ENDPOINT=$(scripts/dynamodb-local.sh start)
export DYNAMODB_ENDPOINT
# DynamoDB Local accepts any credentials; these keep the AWS SDK from looking for real ones
# (profile files, instance metadata) when none are set.
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-local}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-local}
export AWS_REGION=${AWS_REGION:-us-east-1}
export AWS_EC2_METADATA_DISABLED=true
echo "DYNAMODB_ENDPOINT=$DYNAMODB_ENDPOINT"

# Not --all-targets: that would also build the benchmarks, which `cargo bench` runs.
step "Rust tests (cargo test --workspace)"
mkdir -p target
cargo test --workspace 2>&1 | tee target/rust-tests.log
rust_passed=$(grep -Eo '^test result: ok\. [0-9]+ passed' target/rust-tests.log | awk '{sum += $4} END {print sum + 0}')

step "browser tests (node --test tests/browser/*.test.mjs)"
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
case $target_dir in /*) ;; *) target_dir=$PWD/$target_dir ;; esac
shopt -s nullglob
browser_tests=(tests/browser/*.test.mjs)
shopt -u nullglob
if [ "${#browser_tests[@]}" -eq 0 ]; then
  echo "no tests/browser/*.test.mjs yet: skipping the browser tests"
else
  # The sealing module for seal-module.test.mjs (next to the runner, in the same target directory).
  scripts/build-seal-wasm.sh
  # The runner, and share-seal for the sealed-page tests.
  cargo build --bins
  # The files by name: Node 20 searches a folder argument, later versions read it as a glob.
  LOCAL_API_BIN=$target_dir/debug/local-api CHROMIUM=/usr/bin/chromium node --test "${browser_tests[@]}" 2>&1 |
    tee target/browser-tests.log
  browser_passed=$(grep -Eo '^# pass [0-9]+' target/browser-tests.log | awk '{sum += $3} END {print sum + 0}')
fi

step "all tests passed"
# The plain closing line CI reads: every Rust and browser test that ran, none failed.
echo "tests: $((rust_passed + ${browser_passed:-0})) passed, 0 failed" | tee target/test-summary.txt
