//! Builds the sealed page's renderer (`browser/page`) for the browser and names both assets by
//! their content: `/assets/sealed-page.<digest>.js` and `/assets/sealed-page.<digest>.wasm`. The
//! renderer is a crate of this workspace built for wasm32 by a nested cargo, in a target directory
//! of its own (the outer build holds this one's lock).

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let workspace = manifest.join("../..").canonicalize().expect("the workspace");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets it"));
    for input in ["browser/page", "shared/calendar", "templates", "Cargo.lock", "Cargo.toml"] {
        println!("cargo::rerun-if-changed={}", workspace.join(input).display());
    }
    let script = fs::read(workspace.join("browser/page/sealed-page.js")).expect("browser/page/sealed-page.js");
    let renderer = build_renderer(&workspace);
    let mut names = String::new();
    for (constant, bytes, extension) in [("SCRIPT", &script, "js"), ("RENDERER", &renderer, "wasm")] {
        let digest: String = Sha256::digest(bytes)[..8].iter().map(|b| format!("{b:02x}")).collect();
        let file = format!("sealed-page.{digest}.{extension}");
        fs::write(out.join(&file), bytes).expect("OUT_DIR is writable");
        fs::write(out.join(format!("{file}.gz")), gzip(bytes)).expect("OUT_DIR is writable");
        names.push_str(&format!(
            "pub const {constant}_PATH: &str = \"/assets/{file}\";\n\
             #[cfg(feature = \"function\")]\n\
             const {constant}_BYTES: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\"));\n\
             #[cfg(feature = \"function\")]\n\
             const {constant}_GZIPPED: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}.gz\"));\n"
        ));
    }
    fs::write(out.join("assets.rs"), names).expect("OUT_DIR is writable");
}

fn build_renderer(workspace: &Path) -> Vec<u8> {
    let target_dir = workspace.join("target/browser");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args(["build", "--package", "sealed-page", "--target", "wasm32-unknown-unknown", "--profile", "browser"])
        .arg("--target-dir")
        .arg(&target_dir);
    // The outer build's flags and target are for the function (cargo lambda sets some for arm64),
    // not for the browser: the nested build takes the workspace's own configuration.
    for variable in
        ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET"]
    {
        command.env_remove(variable);
    }
    let status = command.status().expect("cargo runs");
    assert!(status.success(), "building browser/page for wasm32-unknown-unknown failed ({status})");
    let wasm = target_dir.join("wasm32-unknown-unknown/browser/sealed_page.wasm");
    fs::read(&wasm).unwrap_or_else(|error| panic!("{}: {error}", wasm.display()))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}
