//! Embeds the console's files (`web/`): each as it is and gzipped, with an entity tag of its content.
//! `index.html` is served at `/console`, every other file at `/console/<name>`.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets it"));
    let web = manifest.join("web");
    println!("cargo::rerun-if-changed={}", web.display());
    let mut names: Vec<String> = fs::read_dir(&web)
        .expect("web/")
        .map(|entry| entry.expect("a file of web/").file_name().into_string().expect("an ASCII name"))
        .collect();
    names.sort();
    let mut table = String::from("const FILES: &[ConsoleFile] = &[\n");
    for name in names {
        let source = web.join(&name);
        println!("cargo::rerun-if-changed={}", source.display());
        let bytes = fs::read(&source).expect("a readable file");
        let content_type = match name.rsplit_once('.').map(|(_, extension)| extension) {
            Some("html") => "text/html; charset=utf-8",
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("svg") => "image/svg+xml",
            other => panic!("web/{name}: no content type for {other:?}"),
        };
        let digest: String = Sha256::digest(&bytes)[..12].iter().map(|b| format!("{b:02x}")).collect();
        let gzipped = out.join(format!("{name}.gz"));
        fs::write(&gzipped, gzip(&bytes)).expect("OUT_DIR is writable");
        let path = if name == "index.html" { "/console".to_owned() } else { format!("/console/{name}") };
        table.push_str(&format!(
            "    ConsoleFile {{ path: {path:?}, content_type: {content_type:?}, etag: \"\\\"{digest}\\\"\", \
             bytes: include_bytes!({source:?}), gzipped: include_bytes!({gzipped:?}) }},\n",
        ));
    }
    table.push_str("];\n");
    fs::write(out.join("files.rs"), table).expect("OUT_DIR is writable");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}
