//! The runner dies (kill -9) in the middle of a PUT, after it wrote chunks of the new snapshot and
//! before the commit: the old snapshot is whole and serves, what was written is marked for TTL, and
//! a DELETE of the share leaves nothing.

use super::audit::TableAudit;
use super::{HASTY, Rig, multi_chunk_body};
use crate::support::fault_proxy::Fault;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// `local-api` on a free port over `table` through `endpoint`, with the fault tests' patience;
/// returns the process and its URL once it listens.
async fn start_runner(endpoint: &str, table: &str) -> (Child, String) {
    let mut runner = Command::new(env!("CARGO_BIN_EXE_local-api"))
        .args(["--addr", "127.0.0.1:0", "--dynamodb-endpoint", endpoint, "--table", table])
        .envs([
            ("STORE_ATTEMPT_TIMEOUT_MS", HASTY.attempt.as_millis().to_string()),
            ("STORE_CALL_TIMEOUT_MS", HASTY.call.as_millis().to_string()),
            ("STORE_SETTLE_MS", HASTY.settle.as_millis().to_string()),
        ])
        .env_remove("LOCAL_API_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("local-api starts");
    let mut lines = BufReader::new(runner.stdout.take().expect("stdout")).lines();
    let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await;
    let line = ready.expect("local-api is ready in time").expect("stdout").expect("a line");
    let url = line.strip_prefix("local-api listening on ").unwrap_or_else(|| panic!("unexpected: {line}"));
    (runner, url.to_owned())
}

/// Sends a PUT by hand and reads until the connection ends: the answer, if the runner gave one.
async fn put_raw(base: &str, path: &str, token: &str, body: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.expect("connect");
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("request head");
    stream.write_all(body).await.expect("request body");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runner_killed_mid_write_leaves_the_old_share_whole() {
    let rig = Rig::new().await;
    let id = rig.published("old", 300).await;
    let before = TableAudit::of(&rig.store).await.records[&id].clone();
    let (mut runner, base) = start_runner(&rig.proxy.url, rig.store.table()).await;

    // The runner's batch of new pieces is held at the proxy; the runner dies while it waits.
    rig.proxy.arm("BatchWriteItem", 1, Fault::Pause);
    let body = serde_json::to_vec(&multi_chunk_body("new", 400)).expect("json");
    let token = rig.owner.token.clone().expect("token");
    let path = format!("/shares/{id}");
    let put = tokio::spawn(async move { put_raw(&base, &path, &token, &body).await });
    tokio::time::timeout(Duration::from_secs(30), rig.proxy.until_fired()).await.expect("the pieces are written");
    runner.start_kill().expect("kill -9");
    let status = runner.wait().await.expect("the runner ends");
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");
    let answer = put.await.expect("the PUT task");
    assert!(!answer.starts_with("HTTP/1.1 2"), "the runner died before answering: {answer}");

    let audit = rig.settled_audit().await;
    assert_eq!(audit.findings, Vec::<String>::new(), "only whole shares and leftover pieces");
    assert_eq!(audit.records.get(&id), Some(&before), "the record still points at the old snapshot");
    let leftovers = audit.leftovers_of(&id);
    assert!(
        leftovers.len() >= 2,
        "the new pieces (held, then applied after the kill), listed by no record: {leftovers:?}"
    );
    assert_eq!(rig.served_as_owner_sees(&id).await, Some(("old".to_owned(), 300)), "the old share serves whole");
    let delete = rig.patient.delete(&format!("/shares/{id}"), &rig.owner).await;
    assert_eq!(delete.status, hyper::StatusCode::NO_CONTENT, "{}", delete.text());
    assert_eq!(TableAudit::of(&rig.store).await.items_under(&id), Vec::<String>::new(), "DELETE leaves nothing");
}
