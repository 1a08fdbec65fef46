#!/usr/bin/env bash
# Builds the browser's sealing module (browser/seal: share-seal's Rust as WebAssembly, which
# browser/seal/seal.mjs loads) for size, and prints the .wasm's path (its size, raw and gzipped, on
# stderr). Installs the wasm32 target with rustup if it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
  rustup target add wasm32-unknown-unknown >&2
fi
# The browser profile (Cargo.toml): release's LTO, every crate at opt-level "z".
cargo build --profile browser --target wasm32-unknown-unknown -p share-seal-wasm >&2
target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir=$PWD/$target_dir ;; esac
wasm=$target_dir/wasm32-unknown-unknown/browser/share_seal_wasm.wasm
echo "share_seal_wasm.wasm: $(wc -c <"$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) gzipped" >&2
echo "$wasm"
