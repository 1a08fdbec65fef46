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
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
    let mut runner = tokio::process::Command::new(env!("CARGO_BIN_EXE_local-api"))
        .args(["--addr", "127.0.0.1:0", "--data"])
        .arg(data)
        .env_remove("LOCAL_API_SECRET")
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
    stream.read_to_end(&mut answer).await.expect("answer");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status line");
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
