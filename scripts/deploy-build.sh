#!/usr/bin/env bash
# The deploy build, as `sam deploy` will ship it: installs the pinned tools if missing (AWS SAM CLI,
# cargo-lambda with its Zig, the arm64 Rust standard library), lints the template with
# `sam validate --lint`, builds every function with `sam build` (cargo lambda build --release --arm64),
# then prints each function's bootstrap size in bytes. Safe to run again: installed tools are reused.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SAM_CLI_VERSION=1.170.0
CARGO_LAMBDA_VERSION=1.9.2
ZIG_VERSION=0.17.1
RUST_TARGET=aarch64-unknown-linux-gnu

# One virtualenv per set of versions, outside the work tree so that clones and CI runs share it.
TOOLS_DIR=${DEPLOY_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/share-service/deploy-tools}
STAMP="sam=$SAM_CLI_VERSION cargo-lambda=$CARGO_LAMBDA_VERSION zig=$ZIG_VERSION"

step() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

step "tools: SAM CLI $SAM_CLI_VERSION, cargo-lambda $CARGO_LAMBDA_VERSION, Zig $ZIG_VERSION, Rust target $RUST_TARGET"
for tool in cargo rustup python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: install Rust (rustup) and Python 3 first" >&2; exit 1; }
done
if [ "$(cat "$TOOLS_DIR/versions" 2>/dev/null)" != "$STAMP" ]; then
  rm -rf "$TOOLS_DIR"
  mkdir -p "$(dirname "$TOOLS_DIR")"
  if ! python3 -m venv "$TOOLS_DIR"; then
    # Debian's python3 keeps venv in a package of its own.
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
    rm -rf "$TOOLS_DIR"
    python3 -m venv "$TOOLS_DIR"
  fi
  "$TOOLS_DIR/bin/pip" install --quiet --disable-pip-version-check \
    "aws-sam-cli==$SAM_CLI_VERSION" "cargo-lambda==$CARGO_LAMBDA_VERSION" "ziglang==$ZIG_VERSION"
  echo "$STAMP" >"$TOOLS_DIR/versions"
else
  echo "reusing $TOOLS_DIR"
fi
if ! rustup target list --installed | grep -x "$RUST_TARGET" >/dev/null; then
  rustup target add "$RUST_TARGET"
fi
# sam finds cargo-lambda on PATH, cargo finds it as its `lambda` subcommand, cargo-lambda finds Zig.
export PATH="$TOOLS_DIR/bin:$PATH"
export SAM_CLI_TELEMETRY=0
echo "$(sam --version); $(cargo lambda --version); zig $(python -m ziglang version)"

step "sam validate --lint"
# Linting needs no account, but the SAM CLI wants a region to resolve the template's pseudo parameters.
AWS_REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}} sam validate --lint

step "sam build"
sam build

step "bootstrap sizes (bytes)"
shopt -s nullglob
bootstraps=(.aws-sam/build/*/bootstrap)
if [ "${#bootstraps[@]}" -eq 0 ]; then
  echo "sam build left no bootstrap in .aws-sam/build" >&2
  exit 1
fi
for bootstrap in "${bootstraps[@]}"; do
  function=$(basename "$(dirname "$bootstrap")")
  printf '%-24s %10s\n' "$function" "$(stat -c %s "$bootstrap")"
done
