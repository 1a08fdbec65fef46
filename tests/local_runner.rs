//! The local runner as a team would run it: what it refuses to start with.

use local_api::{DEFAULT_SECRET, LocalApi};
use share_core::ServiceConfig;
use share_core::domain::{SecretKey, SourceIdSecret, UnlockCookieKey};
use share_core::store::EmbeddedStore;
use std::net::SocketAddr;

fn runner(secret: &str, config: ServiceConfig) -> LocalApi<EmbeddedStore> {
    LocalApi::new(EmbeddedStore::new(), config, secret.to_owned(), Vec::new())
}

fn key(text: &str) -> SecretKey {
    SecretKey::new(text.as_bytes()).expect("a long enough key")
}

#[test]
fn off_loopback_the_runner_refuses_every_public_development_key() {
    let network: SocketAddr = "0.0.0.0:3000".parse().unwrap();
    let loopback: SocketAddr = "127.0.0.1:3000".parse().unwrap();
    let own_secret = "a token secret of this team's own";
    assert!(runner(DEFAULT_SECRET, ServiceConfig::default()).check_address(&loopback).is_ok());

    let refused = runner(DEFAULT_SECRET, ServiceConfig::default()).check_address(&network).unwrap_err();
    assert!(refused.contains("LOCAL_API_SECRET"), "{refused}");
    let refused = runner(own_secret, ServiceConfig::default()).check_address(&network).unwrap_err();
    assert!(refused.contains("SHARE_COOKIE_KEY and SOURCE_ID_KEY"), "{refused}");

    let cookie_key = UnlockCookieKey::from(key("a cookie key of this team's own, 32+ bytes"));
    let with_cookie_key = ServiceConfig { unlock_cookie_key: cookie_key.clone(), ..ServiceConfig::default() };
    let refused = runner(own_secret, with_cookie_key).check_address(&network).unwrap_err();
    assert!(refused.contains("SOURCE_ID_KEY") && !refused.contains("SHARE_COOKIE_KEY"), "{refused}");

    let source_id_secret = SourceIdSecret::from(key("a source id key of this team's own, 32+ bytes"));
    let own_keys = ServiceConfig { unlock_cookie_key: cookie_key, source_id_secret, ..ServiceConfig::default() };
    assert!(runner(own_secret, own_keys).check_address(&network).is_ok());
}

/// A runner process on the store file `data`; its URL once it listens, or what it said on failing.
async fn start_on(data: &std::path::Path) -> Result<(tokio::process::Child, String), String> {
    start_with(data, &[]).await
}

async fn start_with(data: &std::path::Path, env: &[(&str, String)]) -> Result<(tokio::process::Child, String), String> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
    let mut runner = tokio::process::Command::new(env!("CARGO_BIN_EXE_local-api"))
        .args(["--addr", "127.0.0.1:0", "--data"])
        .arg(data)
        .env_remove("LOCAL_API_SECRET")
        .envs(env.iter().map(|(name, value)| (*name, value.as_str())))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("local-api starts");
    let mut lines = BufReader::new(runner.stdout.take().expect("stdout")).lines();
    while let Ok(Ok(Some(line))) = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line()).await {
        if let Some(url) = line.strip_prefix("local-api listening on ") {
            return Ok((runner, url.to_owned()));
        }
        assert!(line.starts_with("local-api store: "), "{line}");
    }
    let mut said = String::new();
    runner.stderr.take().expect("stderr").read_to_string(&mut said).await.expect("stderr");
    Err(said)
}

/// One HTTP/1.1 exchange by hand: the status and the body.
async fn exchange(base: &str, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.expect("connect");
    let authorization = token.map(|token| format!("Authorization: Bearer {token}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{authorization}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("request");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    // No status line: the runner died before it answered.
    let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (status, body)
}

/// The README's first command as a user meets it: publish, stop the runner (as hard as a crash), start
/// it again on the same file, open the link. The file and its folder are the owner's alone; a second
/// runner on the file refuses to start, saying why; a backup taken while it serves is whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_keeps_shares_across_a_restart_on_its_file() {
    use std::os::unix::fs::PermissionsExt;
    let folder =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("runner-{}", uuid::Uuid::new_v4().simple()));
    let data = folder.join("data").join("shares.db");
    let token = local_api::issue_token(
        DEFAULT_SECRET,
        "kim",
        Some("kim@example.com"),
        "contoso",
        false,
        Some("Shares.ReadWrite"),
    );
    let (mut runner, base) = start_on(&data).await.expect("the runner starts on a new file");
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(data.parent().unwrap()), mode(&data)), (0o700, 0o600), "owner-only");

    let body = crate::support::share_body("Kept", 3).to_string();
    let (status, created) = exchange(&base, "POST", "/shares", Some(&token), &body).await;
    assert_eq!(status, 201, "{created}");
    let id = serde_json::from_str::<serde_json::Value>(&created).unwrap()["id"].as_str().unwrap().to_owned();
    let (status, before) = exchange(&base, "GET", &format!("/s/{id}/calendar.ics"), None, "").await;
    assert_eq!(status, 200, "{before}");

    let second = start_on(&data).await.expect_err("a second runner on the same file");
    assert!(second.contains("another runner serves"), "{second}");
    let copy = folder.join("backup.db");
    let backup = std::process::Command::new(env!("CARGO_BIN_EXE_local-api"))
        .arg("backup")
        .arg(&copy)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let restore = std::process::Command::new(env!("CARGO_BIN_EXE_local-api"))
        .arg("restore")
        .arg(&copy)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(!restore.status.success(), "restore is refused while a runner serves the file");

    runner.start_kill().expect("kill -9");
    runner.wait().await.expect("the runner ends");
    let (_runner, base) = start_on(&data).await.expect("the runner starts again on its file");
    let (status, after) = exchange(&base, "GET", &format!("/s/{id}/calendar.ics"), None, "").await;
    assert_eq!((status, after), (200, before), "the same share, whole, after the restart");
    let (status, listed) = exchange(&base, "GET", "/shares", Some(&token), "").await;
    assert!(status == 200 && listed.contains(&id), "{listed}");
    let (_, health) = exchange(&base, "GET", "/healthz", None, "").await;
    assert_eq!(health, r#"{"status":"ok","store":"file"}"#);

    let restored_on = folder.join("restored.db");
    let (_from_backup, base) = {
        let restore = std::process::Command::new(env!("CARGO_BIN_EXE_local-api"))
            .arg("restore")
            .arg(&copy)
            .arg("--data")
            .arg(&restored_on)
            .output()
            .unwrap();
        assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
        start_on(&restored_on).await.expect("a runner on the restored file")
    };
    let (status, _) = exchange(&base, "GET", &format!("/s/{id}"), None, "").await;
    assert_eq!(status, 200, "the backup holds the share");
    std::fs::remove_dir_all(&folder).unwrap();
}

/// The operations a runner may be killed in the middle of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Publish,
    /// A `PUT` of 10,000 events over a share of 300.
    Replace,
    Rotate,
    Revoke,
    /// `POST /me/changes` removing one event.
    Change,
}

/// A share whose every event title carries `tag`, so a mix of two snapshots shows.
fn tagged_share(tag: &str, events: usize) -> String {
    let events: Vec<serde_json::Value> = (0..events)
        .map(|i| {
            let day = 1 + i % 28;
            serde_json::json!({"id": format!("ev-{i}"), "title": format!("{tag}#{i}"), "location": format!("Room {i} of the east wing"),
                "start": format!("2026-12-{day:02}T09:00:00Z"), "end": format!("2026-12-{day:02}T10:00:00Z")})
        })
        .collect();
    serde_json::json!({"title": tag, "visibility": "public", "detail": "limited", "timeZone": "UTC",
        "range": {"start": "2026-12-01", "end": "2027-01-01"}, "events": events})
    .to_string()
}

/// What a recipient's feed of `id` holds: `None` when it does not serve, else its one tag and how
/// many events; a mix of snapshots fails the test.
async fn served(base: &str, id: &str) -> Option<(String, usize)> {
    let (status, feed) = exchange(base, "GET", &format!("/s/{id}/calendar.ics"), None, "").await;
    if status == 404 {
        return None;
    }
    assert_eq!(status, 200, "{feed}");
    let titles: Vec<&str> = feed.lines().filter_map(|line| line.strip_prefix("SUMMARY:")).collect();
    let tags: std::collections::BTreeSet<&str> = titles.iter().filter_map(|t| t.split('#').next()).collect();
    assert!(tags.len() <= 1, "one snapshot, not a mix: {tags:?}");
    Some((tags.into_iter().next().unwrap_or_default().to_owned(), titles.len()))
}

/// `kill -9` at every write step of each kind of write, before the step's transaction commits and
/// after it (before the answer), then a restart on the same file: every write answered 2xx is there,
/// every share is whole (the old snapshot or the new one), and what no commit claimed is marked for
/// the TTL sweep.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runner_killed_at_any_write_step_restarts_whole() {
    let token = local_api::issue_token(DEFAULT_SECRET, "kim", None, "contoso", false, Some("Shares.ReadWrite"));
    let token = token.as_str();
    let mut cases = 0;
    for write in [Write::Publish, Write::Replace, Write::Rotate, Write::Revoke, Write::Change] {
        for after_commit in [false, true] {
            for step in 1.. {
                let folder = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                    .join(format!("crash-{}", uuid::Uuid::new_v4().simple()));
                let data = folder.join("shares.db");
                let old = match write {
                    Write::Publish => None,
                    _ => {
                        let (mut runner, base) = start_on(&data).await.unwrap();
                        let (status, body) =
                            exchange(&base, "POST", "/shares", Some(token), &tagged_share("old", 300)).await;
                        assert_eq!(status, 201, "{body}");
                        runner.start_kill().unwrap();
                        runner.wait().await.unwrap();
                        Some(
                            serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
                                .as_str()
                                .unwrap()
                                .to_owned(),
                        )
                    }
                };
                let crash = [
                    ("LOCAL_API_CRASH_AT_WRITE", step.to_string()),
                    ("LOCAL_API_CRASH_AFTER_COMMIT", if after_commit { "1" } else { "0" }.to_owned()),
                ];
                let (mut runner, base) = start_with(&data, &crash).await.unwrap();
                let path = format!("/shares/{}", old.as_deref().unwrap_or_default());
                let (status, body) = match write {
                    Write::Publish => exchange(&base, "POST", "/shares", Some(token), &tagged_share("new", 300)).await,
                    Write::Replace => exchange(&base, "PUT", &path, Some(token), &tagged_share("new", 10_000)).await,
                    Write::Rotate => exchange(&base, "POST", &format!("{path}/rotate"), Some(token), "").await,
                    Write::Revoke => exchange(&base, "DELETE", &path, Some(token), "").await,
                    Write::Change => {
                        exchange(&base, "POST", "/me/changes", Some(token), r#"{"removed": ["ev-0"]}"#).await
                    }
                };
                let crashed = tokio::time::timeout(std::time::Duration::from_secs(5), runner.wait()).await.is_ok();
                runner.start_kill().ok();
                runner.wait().await.unwrap();
                let case =
                    format!("{write:?}, killed at write {step}{}", if after_commit { " after its commit" } else { "" });
                assert!(crashed || (200..300).contains(&status), "{case}: {status} {body}");
                assert!(!(crashed && status != 0), "{case}: the runner answered {status} and died after");

                let store = share_core::store::EmbeddedStore::open(&data).unwrap();
                // A write killed before its commit may leave pieces no record lists (the next sweep's).
                assert_eq!(store.findings(false), Vec::<String>::new(), "{case}");
                drop(store);
                let (_runner, base) = start_on(&data).await.unwrap();
                let answered = (200..300).contains(&status);
                let answered_id =
                    || serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_owned();
                let old_share = Some(("old".to_owned(), 300));
                match (write, old.as_deref()) {
                    (Write::Publish, _) => {
                        let (_, listed) = exchange(&base, "GET", "/shares", Some(token), "").await;
                        let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
                        let ids: Vec<&str> =
                            listed["shares"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
                        assert!(ids.len() <= 1 && (!answered || ids == [answered_id().as_str()]), "{case}: {ids:?}");
                        for id in ids {
                            assert_eq!(served(&base, id).await, Some(("new".to_owned(), 300)), "{case}");
                        }
                    }
                    (Write::Replace, Some(id)) => {
                        let now = served(&base, id).await;
                        let new_share = Some(("new".to_owned(), 10_000));
                        assert!(now == new_share || (!answered && now == old_share), "{case}: {now:?}");
                    }
                    (Write::Rotate, Some(id)) => {
                        let before = served(&base, id).await;
                        match answered {
                            true => {
                                assert_eq!(before, None, "{case}: the old link is dead");
                                assert_eq!(served(&base, &answered_id()).await, old_share, "{case}");
                            }
                            false => {
                                let (_, listed) = exchange(&base, "GET", "/shares", Some(token), "").await;
                                let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
                                let ids: Vec<&str> = listed["shares"]
                                    .as_array()
                                    .unwrap()
                                    .iter()
                                    .map(|s| s["id"].as_str().unwrap())
                                    .collect();
                                assert_eq!(ids.len(), 1, "{case}: one share under one id: {ids:?}");
                                assert_eq!(served(&base, ids[0]).await, old_share, "{case}");
                            }
                        }
                    }
                    (Write::Revoke, Some(id)) => {
                        let now = served(&base, id).await;
                        assert!(now.is_none() || (!answered && now == old_share), "{case}: {now:?}");
                    }
                    (Write::Change, Some(id)) => {
                        let now = served(&base, id).await;
                        let changed = Some(("old".to_owned(), 299));
                        assert!(now == changed || (!answered && now == old_share), "{case}: {now:?}");
                    }
                    (write, None) => unreachable!("{write:?} starts from a share"),
                }
                std::fs::remove_dir_all(&folder).unwrap();
                cases += 1;
                if !crashed {
                    eprintln!(
                        "{write:?}: {} write steps, each killed {}",
                        step - 1,
                        if after_commit { "after its commit" } else { "before it" }
                    );
                    break; // the write needs fewer steps: every one of them was tried
                }
            }
        }
    }
    assert!(cases >= 20, "every kind of write has several steps: {cases} cases");
}

/// A small OpenID Connect issuer on loopback: its discovery document and its key set, whose keys
/// (made by the test) can be rotated.
struct Issuer {
    url: String,
    keys: std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
    _server: tokio::task::JoinHandle<()>,
}

impl Issuer {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let keys = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (served_keys, issuer) = (keys.clone(), url.clone());
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (keys, issuer) = (served_keys.clone(), issuer.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                        let body = match request.uri().path() {
                            "/.well-known/openid-configuration" => {
                                serde_json::json!({"issuer": issuer, "jwks_uri": format!("{issuer}/keys")})
                            }
                            _ => serde_json::json!({"keys": *keys.lock().unwrap()}),
                        };
                        async move {
                            Ok::<_, std::convert::Infallible>(hyper::Response::new(http_body_util::Full::new(
                                bytes::Bytes::from(body.to_string()),
                            )))
                        }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
        Self { url, keys, _server: server }
    }
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A P-256 key: what signs (ES256) and its public JWK under `kid`.
fn es256_key(kid: &str) -> (jsonwebtoken::EncodingKey, serde_json::Value) {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
    let point = pair.public_key().as_ref().to_vec(); // 0x04 ‖ x ‖ y
    let jwk = serde_json::json!({"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
        "x": base64url(&point[1..33]), "y": base64url(&point[33..65])});
    (jsonwebtoken::EncodingKey::from_ec_der(pair.to_pkcs8v1().unwrap().as_ref()), jwk)
}

/// An RSA key: what signs (RS256) and its public JWK under `kid`.
fn rs256_key(kid: &str) -> (jsonwebtoken::EncodingKey, serde_json::Value) {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::KeyPair;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    // RFC 8017 RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }, read by hand.
    let der = pair.public_key().as_ref();
    let mut at = 0;
    let read_length = |der: &[u8], at: &mut usize| {
        let first = der[*at] as usize;
        *at += 1;
        if first < 0x80 {
            return first;
        }
        let bytes = first & 0x7f;
        let length = der[*at..*at + bytes].iter().fold(0, |length, byte| length << 8 | *byte as usize);
        *at += bytes;
        length
    };
    at += 1; // SEQUENCE
    read_length(der, &mut at);
    let integer = |at: &mut usize| {
        *at += 1; // INTEGER
        let length = read_length(der, at);
        let value = &der[*at..*at + length];
        *at += length;
        value.strip_prefix(&[0]).unwrap_or(value).to_vec()
    };
    let (n, e) = (integer(&mut at), integer(&mut at));
    let jwk = serde_json::json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": base64url(&n), "e": base64url(&e)});
    let pkcs8 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, pair.as_der().unwrap().as_ref());
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{pkcs8}\n-----END PRIVATE KEY-----\n");
    (jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(), jwk)
}

/// The runner with `--oidc-issuer`; its URL once it listens.
async fn start_signing_in_with(issuer: &str) -> (tokio::process::Child, String) {
    use tokio::io::AsyncBufReadExt;
    let mut runner = tokio::process::Command::new(env!("CARGO_BIN_EXE_local-api"))
        .args(["--addr", "127.0.0.1:0", "--memory", "--audience", "api://shares", "--oidc-refetch-seconds", "0"])
        .args(["--oidc-issuer", issuer])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(runner.stdout.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(url) = line.strip_prefix("local-api listening on ") {
            return (runner, url.to_owned());
        }
    }
    panic!("the runner did not start with the issuer");
}

/// `--oidc-issuer` checks tokens as API Gateway's JWT authorizer does: the issuer's keys by `kid`,
/// RS256 or ES256 only, `iss`, `aud`, `exp`, `nbf`; a key the issuer rotates in is picked up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_sign_in_accepts_only_the_issuers_tokens() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    let issuer = Issuer::start().await;
    let (es_key, es_jwk) = es256_key("ec-1");
    let (rs_key, rs_jwk) = rs256_key("rsa-1");
    *issuer.keys.lock().unwrap() = vec![es_jwk.clone(), rs_jwk];
    let (_runner, base) = start_signing_in_with(&issuer.url).await;

    let now = jiff::Timestamp::now().as_second();
    let claims = |changes: serde_json::Value| {
        let mut claims = serde_json::json!({"sub": "kim", "tid": "contoso", "scp": "Shares.ReadWrite",
            "iss": issuer.url, "aud": "api://shares", "iat": now, "nbf": now, "exp": now + 600});
        claims.as_object_mut().unwrap().extend(changes.as_object().unwrap().clone());
        claims
    };
    let sign = |alg: Algorithm, kid: &str, key: &EncodingKey, changes: serde_json::Value| {
        let header = Header { kid: Some(kid.to_owned()), ..Header::new(alg) };
        jsonwebtoken::encode(&header, &claims(changes), key).unwrap()
    };
    let status = |token: String| {
        let base = base.clone();
        async move { exchange(&base, "GET", "/me/sharing", Some(&token), "").await.0 }
    };
    let none = serde_json::json!({});
    assert_eq!(status(sign(Algorithm::ES256, "ec-1", &es_key, none.clone())).await, 200, "ES256");
    assert_eq!(status(sign(Algorithm::RS256, "rsa-1", &rs_key, none.clone())).await, 200, "RS256");
    for (case, changes) in [
        ("another audience", serde_json::json!({"aud": "api://other"})),
        ("another issuer", serde_json::json!({"iss": "https://issuer.example"})),
        ("expired", serde_json::json!({"exp": now - 3600})),
        ("not valid yet", serde_json::json!({"nbf": now + 3600})),
    ] {
        assert_eq!(status(sign(Algorithm::ES256, "ec-1", &es_key, changes)).await, 401, "{case}");
    }
    assert_eq!(status(sign(Algorithm::ES256, "ec-unknown", &es_key, none.clone())).await, 401, "an unknown kid");
    let unsigned = format!(
        "{}.{}.",
        base64url(br#"{"alg":"none","kid":"ec-1"}"#),
        base64url(claims(none.clone()).to_string().as_bytes())
    );
    assert_eq!(status(unsigned).await, 401, "alg none");
    let public_pem = es_jwk.to_string();
    let hs256 = sign(Algorithm::HS256, "ec-1", &EncodingKey::from_secret(public_pem.as_bytes()), none.clone());
    assert_eq!(status(hs256).await, 401, "HS256 with the public key");
    let good = sign(Algorithm::ES256, "ec-1", &es_key, none.clone());
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[1] = base64url(claims(serde_json::json!({"sub": "mallory"})).to_string().as_bytes());
    assert_eq!(status(parts.join(".")).await, 401, "a tampered payload");
    let with_own_key = Header {
        kid: Some("ec-1".into()),
        jwk: Some(serde_json::from_value(es256_key("ec-1").1).unwrap()),
        ..Header::new(Algorithm::ES256)
    };
    let (forged_key, _) = es256_key("ec-1");
    let forged = jsonwebtoken::encode(&with_own_key, &claims(none.clone()), &forged_key).unwrap();
    assert_eq!(status(forged).await, 401, "a key carried in the token is never used");
    let local = local_api::issue_token(DEFAULT_SECRET, "kim", None, "contoso", false, Some("Shares.ReadWrite"));
    assert_eq!(status(local).await, 401, "the runner's own tokens no longer open it");

    let (rotated_key, rotated_jwk) = es256_key("ec-2");
    *issuer.keys.lock().unwrap() = vec![rotated_jwk];
    assert_eq!(status(sign(Algorithm::ES256, "ec-2", &rotated_key, none.clone())).await, 200, "a rotated key");
}
