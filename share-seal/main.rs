//! `share-seal < publish-body.json`: seals a publish body for a sealed share. Reads it as the
//! service does (every source format), minimises its events at its `detail` as the service would
//! store them, and encrypts them with a fresh key (docs/sharing.md, "Sealed shares"); prints
//! `{"body": {…}, "key": "…", "fragment": "#k=…"}`, where `body` is what to `POST /shares` (the
//! envelope in the clear, the rest sealed) and the link to hand out is the share's `url` followed by
//! `fragment`. A body the service would refuse: exit status 1 and its problem+json on stderr.
//! `--label TEXT` keeps TEXT as the share's title for the owner's lists (never shown on the page).
//! The work is share-calendar's `seal_body`, which the browser's sealing module runs too.

use share_core::seal::{SealingSecrets, seal_body};
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
    let mut secrets = SealingSecrets { key: [0; 32], nonce: [0; 12], uid_secret: [0; 32] };
    let drawn = getrandom::getrandom(&mut secrets.key)
        .and_then(|()| getrandom::getrandom(&mut secrets.nonce))
        .and_then(|()| getrandom::getrandom(&mut secrets.uid_secret));
    if let Err(error) = drawn {
        eprintln!("share-seal: no random bytes from the system: {error}");
        return ExitCode::from(2);
    }
    match seal_body(&raw, label, jiff::Timestamp::now(), &secrets) {
        Ok(sealed) => {
            println!("{sealed}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            let _ = writeln!(std::io::stderr(), "{}", String::from_utf8_lossy(&problem.to_json()));
            ExitCode::FAILURE
        }
    }
}
