//! A Lambda Runtime API (2018-06-01) emulator on loopback, for one execution environment: it hands
//! queued events to whatever polls `/next` (a function binary, or `lambda_runtime` in a test process)
//! and reports what comes back. Used by the log-privacy test and, via `#[path]`, the cold-start bench.

// Each user takes the parts it needs (the bench its timings, the test the answers).
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Instant, SystemTime};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The deadline the emulator gives each invocation, as a function's `Timeout` would.
pub const FUNCTION_TIMEOUT_MS: u64 = 10_000;

/// One event waiting for the function's next poll.
struct Invocation {
    request_id: String,
    event: Bytes,
}

/// What the function posted back.
pub enum Report {
    Answer { request_id: String, handed_out: Instant, answered: Instant, body: Bytes },
    InvocationError(Bytes),
    InitError(Bytes),
}

/// The Runtime API's side of one execution environment.
struct RuntimeApi {
    queued: tokio::sync::Mutex<mpsc::UnboundedReceiver<Invocation>>,
    handed_out: Mutex<HashMap<String, Instant>>,
    first_poll: OnceLock<Instant>,
    reports: mpsc::UnboundedSender<Report>,
}

fn reply(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response
}

impl RuntimeApi {
    async fn serve(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let path = request.uri().path().to_owned();
        let Some(route) = path.strip_prefix("/2018-06-01/runtime/") else {
            return reply(StatusCode::NOT_FOUND, "unknown path");
        };
        let segments: Vec<&str> = route.split('/').collect();
        match (request.method(), segments.as_slice()) {
            (&Method::GET, ["invocation", "next"]) => self.next_invocation().await,
            (&Method::POST, ["invocation", request_id, "response"]) => {
                let request_id = (*request_id).to_owned();
                let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                let answered = Instant::now();
                let Some(handed_out) = self.handed_out.lock().unwrap().remove(&request_id) else {
                    return reply(StatusCode::BAD_REQUEST, "unknown request id");
                };
                let _ = self.reports.send(Report::Answer { request_id, handed_out, answered, body });
                reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
            }
            (&Method::POST, ["invocation", _, "error"]) => {
                let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                let _ = self.reports.send(Report::InvocationError(body));
                reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
            }
            (&Method::POST, ["init", "error"]) => {
                let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                let _ = self.reports.send(Report::InitError(body));
                reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
            }
            _ => reply(StatusCode::NOT_FOUND, "unknown route"),
        }
    }

    /// Long-polls: answers when an event is queued, with the headers Lambda sends.
    async fn next_invocation(&self) -> Response<Full<Bytes>> {
        self.first_poll.get_or_init(Instant::now);
        let Some(invocation) = self.queued.lock().await.recv().await else {
            return reply(StatusCode::GONE, "shutting down");
        };
        self.handed_out.lock().unwrap().insert(invocation.request_id.clone(), Instant::now());
        let now_ms = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_millis() as u64;
        let trace = uuid::Uuid::new_v4().simple().to_string();
        Response::builder()
            .header("content-type", "application/json")
            .header("lambda-runtime-aws-request-id", &invocation.request_id)
            .header("lambda-runtime-deadline-ms", (now_ms + FUNCTION_TIMEOUT_MS).to_string())
            .header("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:123456789012:function:emulated")
            .header(
                "lambda-runtime-trace-id",
                format!("Root=1-{:08x}-{};Parent={};Sampled=0", now_ms / 1000, &trace[..24], &trace[16..]),
            )
            .body(Full::new(invocation.event))
            .unwrap()
    }
}

/// A Runtime API on a loopback port, for one execution environment.
pub struct RuntimeApiEmulator {
    pub address: SocketAddr,
    api: Arc<RuntimeApi>,
    queue: mpsc::UnboundedSender<Invocation>,
    pub reports: mpsc::UnboundedReceiver<Report>,
    server: JoinHandle<()>,
}

impl RuntimeApiEmulator {
    pub async fn start() -> Self {
        let (queue, queued) = mpsc::unbounded_channel();
        let (report, reports) = mpsc::unbounded_channel();
        let api = Arc::new(RuntimeApi {
            queued: tokio::sync::Mutex::new(queued),
            handed_out: Mutex::default(),
            first_poll: OnceLock::new(),
            reports: report,
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let serving = api.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let api = serving.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let api = api.clone();
                        async move { Ok::<_, std::convert::Infallible>(api.serve(request).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { address, api, queue, reports, server }
    }

    /// Queues an event for the function's next poll; returns the invocation's request id.
    pub fn queue(&self, event: &Bytes) -> String {
        let request_id = uuid::Uuid::new_v4().to_string();
        self.queue.send(Invocation { request_id: request_id.clone(), event: event.clone() }).unwrap();
        request_id
    }

    /// When the function first polled for an event (the end of its init).
    pub fn first_poll(&self) -> Instant {
        *self.api.first_poll.get().expect("the function has polled")
    }
}

impl Drop for RuntimeApiEmulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The environment Lambda sets for a `provided.al2023` function, aimed at the emulator and at
/// DynamoDB at `endpoint` (`AWS_ENDPOINT_URL_DYNAMODB`, which the functions' store honours).
pub fn lambda_environment(
    function: &str,
    runtime_api: SocketAddr,
    endpoint: &str,
    table: &str,
) -> Vec<(String, String)> {
    [
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_string()),
        ("AWS_LAMBDA_FUNCTION_NAME", function.to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{function}")),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[$LATEST]emulated".to_owned()),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".to_owned()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_DEFAULT_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "local".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "local".to_owned()),
        ("AWS_SESSION_TOKEN", "local".to_owned()),
        ("AWS_ENDPOINT_URL_DYNAMODB", endpoint.to_owned()),
        ("TABLE_NAME", table.to_owned()),
        ("PATH", "/usr/local/bin:/usr/bin/:/bin".to_owned()),
        ("LANG", "en_US.UTF-8".to_owned()),
        ("TZ", ":UTC".to_owned()),
    ]
    .into_iter()
    // As template.yaml gives it (from Secrets Manager), to the publish function only.
    .chain((function == "publish-share").then(|| ("SOURCE_ID_KEY", "emulated-secret-".repeat(4))))
    .chain(
        matches!(function, "view-share" | "unlock-share")
            .then(|| ("SHARE_COOKIE_KEY", "emulated-cookie-key-".repeat(3))),
    )
    .map(|(name, value)| (name.to_owned(), value))
    .collect()
}
