//! `share-seal < publish-body.json`: seals a publish body for a sealed share. Reads it as the
//! service does (every source format), minimises its events at its `detail` as the service would
//! store them, and encrypts them with a fresh key (docs/sharing.md, "Sealed shares"); prints
//! `{"body": {…}, "key": "…", "fragment": "#k=…"}`, where `body` is what to `POST /shares` (the
//! envelope in the clear, the rest sealed) and the link to hand out is the share's `url` followed by
//! `fragment`. A body the service would refuse: exit status 1 and its problem+json on stderr.
//! `--label TEXT` keeps TEXT as the share's title for the owner's lists (never shown on the page).

use local_api::seal::seal_body;
use share_core::seal::{KEY_BYTES, NONCE_BYTES};
use std::io::{Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let label = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => None,
        [flag, label] if flag == "--label" => Some(label.clone()),
        _ => {
            eprintln!("usage: share-seal [--label TEXT] < publish-body.json");
            return ExitCode::from(2);
        }
    };
    let mut raw = Vec::new();
    let limit = share_core::http::MAX_BODY_BYTES as u64 + 1;
    if let Err(error) = std::io::stdin().take(limit).read_to_end(&mut raw) {
        eprintln!("share-seal: reading the body: {error}");
        return ExitCode::from(2);
    }
    let (mut key, mut nonce) = ([0u8; KEY_BYTES], [0u8; NONCE_BYTES]);
    if let Err(error) = getrandom::getrandom(&mut key).and_then(|()| getrandom::getrandom(&mut nonce)) {
        eprintln!("share-seal: no random bytes from the system: {error}");
        return ExitCode::from(2);
    }
    match seal_body(&raw, label, &key, &nonce) {
        Ok(sealed) => {
            println!("{sealed}");
            ExitCode::SUCCESS
        }
        Err(refusal) => {
            let response = refusal.into_response();
            let body = match response.body() {
                lambda_http::Body::Text(text) => text.clone(),
                lambda_http::Body::Binary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                _ => String::new(),
            };
            let _ = writeln!(std::io::stderr(), "{body}");
            ExitCode::FAILURE
        }
    }
}
