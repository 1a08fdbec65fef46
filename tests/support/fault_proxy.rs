//! A loopback proxy in front of DynamoDB Local that breaks it on cue. It reads each HTTP/1.1
//! request whole (its `X-Amz-Target` names the operation), records the operation, and at the armed
//! k-th request of an operation either pauses the whole store or loses that request's response: the
//! faults whose outcome a client cannot know. A fault lasts until the test `release`s it (after the
//! service under test has answered), never for a time: a slow machine cannot end it early or late.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// The operations that change the table.
pub const WRITE_TARGETS: [&str; 5] = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// From the armed request on, every request (any operation, any connection) is held until the
    /// release, then forwarded in arrival order, and responses wait for it too: a SIGSTOPped store.
    Pause,
    /// The armed request is forwarded and applied; its response is held until the release, then the
    /// connection is dropped without it.
    LoseResponse,
}

#[derive(Debug)]
struct Armed {
    target: String,
    nth: usize,
    fault: Fault,
}

#[derive(Debug, Default)]
struct State {
    /// Every operation seen, in arrival order.
    seen: Vec<String>,
    /// Requests per operation since the last `arm`.
    counts: HashMap<String, usize>,
    armed: Option<Armed>,
    fired: bool,
    /// A fault fired and is not released yet.
    holding: bool,
    /// A pause holds every request while `holding`.
    paused: bool,
    /// Requests read and not yet answered (or dropped).
    in_flight: usize,
}

struct Shared {
    upstream: String,
    state: Mutex<State>,
    /// Taken by requests held in a pause, in arrival order (tokio's mutex is fair).
    turn: tokio::sync::Mutex<()>,
    released: tokio::sync::Notify,
}

pub struct FaultProxy {
    /// `http://127.0.0.1:PORT`: the endpoint to hand a store instead of DynamoDB Local's.
    pub url: String,
    shared: Arc<Shared>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.release();
        self.accept.abort();
    }
}

impl FaultProxy {
    /// A proxy to `upstream` (`http://HOST:PORT`) on a free loopback port.
    pub async fn start(upstream: &str) -> Self {
        let upstream = upstream.strip_prefix("http://").unwrap_or(upstream).trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("free port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let shared = Arc::new(Shared {
            upstream,
            state: Mutex::default(),
            turn: tokio::sync::Mutex::const_new(()),
            released: tokio::sync::Notify::new(),
        });
        let accepting = Arc::clone(&shared);
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(Arc::clone(&accepting), client));
            }
        });
        Self { url, shared, accept }
    }

    /// A proxy to the suite's DynamoDB Local (`DYNAMODB_ENDPOINT`).
    pub async fn to_dynamodb_local() -> Self {
        let endpoint = std::env::var("DYNAMODB_ENDPOINT").expect("DYNAMODB_ENDPOINT (DynamoDB Local)");
        Self::start(&endpoint).await
    }

    /// Arms `fault` at the `nth` (1-based) request of `target` (`"PutItem"`, …) from now on.
    pub fn arm(&self, target: &str, nth: usize, fault: Fault) {
        let mut state = self.state();
        state.counts.clear();
        state.fired = false;
        state.armed = Some(Armed { target: target.to_owned(), nth, fault });
    }

    pub fn fired(&self) -> bool {
        self.state().fired
    }

    /// Ends the fault that fired: held requests go on in arrival order, a lost response's connection
    /// is dropped.
    pub fn release(&self) {
        let mut state = self.state();
        state.holding = false;
        state.paused = false;
        drop(state);
        self.shared.released.notify_waiters();
    }

    /// Every operation the proxy has seen, in arrival order.
    pub fn seen(&self) -> Vec<String> {
        self.state().seen.clone()
    }

    /// Waits until the armed fault has fired.
    pub async fn until_fired(&self) {
        while !self.fired() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Releases the fault, then waits until every request read has been answered or dropped: then
    /// the table holds whatever the requests let through will ever make of it.
    pub async fn settled(&self) {
        self.release();
        loop {
            let quiet = self.state().in_flight == 0;
            if quiet {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.state.lock().expect("proxy state")
    }
}

impl Shared {
    /// Records a request of `target`; returns the fault it triggers, if it is the armed one.
    fn arrived(&self, target: &str) -> Option<Fault> {
        let mut state = self.state.lock().expect("proxy state");
        state.seen.push(target.to_owned());
        state.in_flight += 1;
        let count = state.counts.entry(target.to_owned()).or_default();
        *count += 1;
        let count = *count;
        let armed = state.armed.take_if(|armed| armed.target == target && armed.nth == count)?;
        state.fired = true;
        state.holding = true;
        state.paused = armed.fault == Fault::Pause;
        Some(armed.fault)
    }

    fn done(&self) {
        self.state.lock().expect("proxy state").in_flight -= 1;
    }

    fn paused(&self) -> bool {
        self.state.lock().expect("proxy state").paused
    }

    /// Returns once the fault is released (at once when none holds).
    async fn until_released(&self) {
        loop {
            let released = self.released.notified();
            if !self.state.lock().expect("proxy state").holding {
                return;
            }
            released.await;
        }
    }
}

/// Serves one client connection: each request is read whole, then forwarded on a connection of its
/// own to the upstream, unless a fault says otherwise.
async fn relay(shared: Arc<Shared>, client: TcpStream) {
    let (client_read, mut client_write) = client.into_split();
    let mut client_read = BufReader::new(client_read);
    while let Ok(Some(request)) = read_message(&mut client_read).await {
        let target = header(&request.head, "x-amz-target")
            .map(|target| target.rsplit('.').next().unwrap_or(target).to_owned())
            .unwrap_or_default();
        let fault = shared.arrived(&target);
        let response = exchange(&shared, &request.bytes).await;
        if fault == Some(Fault::LoseResponse) {
            shared.until_released().await;
            shared.done();
            return;
        }
        if shared.paused() {
            shared.until_released().await;
        }
        shared.done();
        match response {
            Ok(response) if client_write.write_all(&response.bytes).await.is_ok() => {}
            _ => return,
        }
    }
}

/// Forwards a request and reads its response; during a pause, waits for its turn and the end of
/// the pause first, and keeps the turn until answered, so held requests apply in arrival order.
async fn exchange(shared: &Shared, request: &[u8]) -> io::Result<Message> {
    let _turn = match shared.paused() {
        true => {
            let turn = shared.turn.lock().await;
            shared.until_released().await;
            Some(turn)
        }
        false => None,
    };
    let upstream = TcpStream::connect(&shared.upstream).await?;
    let (upstream_read, mut upstream_write) = upstream.into_split();
    upstream_write.write_all(request).await?;
    read_message(&mut BufReader::new(upstream_read)).await?.ok_or_else(|| io::ErrorKind::UnexpectedEof.into())
}

/// An HTTP/1.1 message as sent: its head (for reading headers) and all its bytes (for forwarding).
struct Message {
    head: String,
    bytes: Vec<u8>,
}

/// Reads one message framed by `Content-Length` or chunked encoding; `None` at a clean end of stream.
async fn read_message<R: AsyncBufRead + Unpin>(reader: &mut R) -> io::Result<Option<Message>> {
    let mut bytes = Vec::new();
    loop {
        let start = bytes.len();
        if reader.read_until(b'\n', &mut bytes).await? == 0 {
            return if bytes.is_empty() { Ok(None) } else { Err(io::ErrorKind::UnexpectedEof.into()) };
        }
        if &bytes[start..] == b"\r\n" {
            break;
        }
    }
    let head = String::from_utf8_lossy(&bytes).into_owned();
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    if let Some(length) = header(&head, "content-length") {
        let length: usize = length.parse().map_err(|_| invalid("Content-Length"))?;
        read_more(reader, &mut bytes, length).await?;
    } else if header(&head, "transfer-encoding").is_some_and(|coding| coding.eq_ignore_ascii_case("chunked")) {
        loop {
            let start = bytes.len();
            reader.read_until(b'\n', &mut bytes).await?;
            let line = String::from_utf8_lossy(&bytes[start..]);
            let size = line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size, 16).map_err(|_| invalid("chunk size"))?;
            if size == 0 {
                // Trailers, up to the empty line.
                while !bytes.ends_with(b"\r\n\r\n") && reader.read_until(b'\n', &mut bytes).await? > 0 {}
                break;
            }
            read_more(reader, &mut bytes, size + 2).await?;
        }
    }
    Ok(Some(Message { head, bytes }))
}

async fn read_more<R: AsyncBufRead + Unpin>(reader: &mut R, bytes: &mut Vec<u8>, length: usize) -> io::Result<()> {
    let start = bytes.len();
    bytes.resize(start + length, 0);
    reader.read_exact(&mut bytes[start..]).await.map(drop)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

mod self_test {
    use super::*;
    use aws_sdk_dynamodb::config::retry::RetryConfig;
    use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
    use aws_sdk_dynamodb::types::AttributeValue;
    use share_core::store::{DynamoStore, Patience};
    use std::time::Duration;

    const PATIENT: Patience = Patience {
        attempt: Duration::from_secs(10),
        call: Duration::from_secs(20),
        settle: Duration::from_secs(3),
        sweep_after: Duration::from_secs(60),
    };

    fn key(name: &str) -> HashMap<String, AttributeValue> {
        HashMap::from([
            ("pk".into(), AttributeValue::S(format!("SELF-TEST#{name}"))),
            ("sk".into(), AttributeValue::S("X".into())),
        ])
    }

    async fn put(store: &DynamoStore, name: &str) -> Result<(), String> {
        let put = store.client().put_item().table_name(store.table()).set_item(Some(key(name)));
        put.send().await.map(drop).map_err(|e| format!("{e:?}"))
    }

    async fn stored(store: &DynamoStore, name: &str) -> bool {
        let get = store.client().get_item().table_name(store.table()).set_key(Some(key(name))).consistent_read(true);
        get.send().await.expect("direct read").item.is_some()
    }

    /// A store on a fresh table, and a store on the same table through a new proxy.
    async fn through_proxy() -> (DynamoStore, DynamoStore, FaultProxy) {
        let direct = crate::support::dynamo_local::fresh_store().await;
        let proxy = FaultProxy::to_dynamodb_local().await;
        let proxied = DynamoStore::connect_with(&proxy.url, direct.table(), PATIENT).await;
        (direct, proxied, proxy)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records_each_operation_in_order_and_passes_it_through() {
        let (direct, proxied, proxy) = through_proxy().await;
        put(&proxied, "a").await.expect("put through the proxy");
        assert!(stored(&proxied, "a").await);
        assert!(stored(&direct, "a").await, "the put reached DynamoDB Local");
        assert_eq!(proxy.seen(), ["PutItem", "GetItem"]);
    }

    /// Held from the armed request on, whatever the operation or connection, and applied only after.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_pause_holds_every_request_then_forwards_them_in_order() {
        let (direct, proxied, proxy) = through_proxy().await;
        let other = DynamoStore::connect_with(&proxy.url, direct.table(), PATIENT).await;
        proxy.arm("PutItem", 2, Fault::Pause);
        put(&proxied, "first").await.expect("the first put is not held");
        let held_put = tokio::spawn(async move { put(&proxied, "second").await });
        proxy.until_fired().await;
        let held_read = tokio::spawn(async move { stored(&other, "first").await });
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!stored(&direct, "second").await, "a held put has not applied during the pause");
        assert!(!held_put.is_finished() && !held_read.is_finished(), "both wait for the release");
        proxy.release();
        held_put.await.unwrap().expect("the held put applies after the pause");
        assert!(held_read.await.unwrap(), "the held read answers after the pause");
        assert_eq!(proxy.seen(), ["PutItem", "PutItem", "GetItem"]);
        proxy.settled().await;
    }

    /// The request applies; the client hears nothing and times out.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lost_response_applies_the_request_and_times_the_client_out() {
        let (direct, proxied, proxy) = through_proxy().await;
        proxy.arm("PutItem", 1, Fault::LoseResponse);
        let once = aws_sdk_dynamodb::config::Builder::default()
            .retry_config(RetryConfig::disabled())
            .timeout_config(TimeoutConfig::builder().operation_attempt_timeout(Duration::from_millis(300)).build());
        let sent = proxied.client().put_item().table_name(direct.table()).set_item(Some(key("lost")));
        let error = sent.customize().config_override(once).send().await.expect_err("no response reaches the client");
        assert!(matches!(error, aws_sdk_dynamodb::error::SdkError::TimeoutError(_)), "{error:?}");
        assert!(proxy.fired());
        assert!(stored(&direct, "lost").await, "the put applied all the same");
        proxy.settled().await;
    }
}
