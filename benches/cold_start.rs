//! Cold start of the view function as Lambda runs it: the release binary, spawned with the
//! environment Lambda gives, polling a Runtime API emulator of ours (2018-06-01) on loopback, with
//! DynamoDB Local reached directly or through a proxy that charges a delay per new connection (a
//! stand-in for the TLS handshake). Beside it, in the same run, the user's alternative: a minimal
//! Lambda doing one GetItem with the SDK's default build (`benches/baseline-getitem`).
//!
//! `DYNAMODB_ENDPOINT=$(scripts/dynamodb-local.sh start) cargo bench --bench cold_start`
//! (`CONNECT_DELAY_MS`, default 300, is the proxy's charge per connection.)

mod support;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use local_api::event::ApiGatewayEvent;
use serde_json::Value;
use share_core::ServiceConfig;
use share_core::store::DynamoStore;
use std::collections::HashMap;
use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Cold starts per function and route, interleaved so a busy machine slows all of them alike.
const ROUNDS: usize = 15;
const WARM_INVOCATIONS: usize = 50;
const INVOCATION_TIMEOUT: Duration = Duration::from_secs(30);
const FUNCTION_TIMEOUT_MS: u64 = 10_000;
const WORKSPACE: &str = env!("CARGO_MANIFEST_DIR");

/// Accepts loopback connections and forwards each to `upstream` after `delay`, the time a new
/// TLS connection costs whoever opens it.
async fn start_delay_proxy(upstream: String, delay: Duration) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let upstream = upstream.clone();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                    // Without these, Nagle's algorithm holds small writes for the peer's delayed ACK.
                    let _ = (inbound.set_nodelay(true), outbound.set_nodelay(true));
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    address
}

/// One event waiting for the function's next poll.
struct Invocation {
    request_id: String,
    event: Bytes,
}

/// What the function posted back.
enum Report {
    Answer { handed_out: Instant, answered: Instant, body: Bytes },
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
                let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                let answered = Instant::now();
                let Some(handed_out) = self.handed_out.lock().unwrap().remove(*request_id) else {
                    return reply(StatusCode::BAD_REQUEST, "unknown request id");
                };
                let _ = self.reports.send(Report::Answer { handed_out, answered, body });
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
            .header("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:123456789012:function:cold-start")
            .header(
                "lambda-runtime-trace-id",
                format!("Root=1-{:08x}-{};Parent={};Sampled=0", now_ms / 1000, &trace[..24], &trace[16..]),
            )
            .body(Full::new(invocation.event))
            .unwrap()
    }
}

/// A Runtime API on a loopback port, for one execution environment.
struct RuntimeApiEmulator {
    address: SocketAddr,
    api: Arc<RuntimeApi>,
    queue: mpsc::UnboundedSender<Invocation>,
    reports: mpsc::UnboundedReceiver<Report>,
    server: JoinHandle<()>,
}

impl RuntimeApiEmulator {
    async fn start() -> Self {
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

    fn queue(&self, event: &Bytes) {
        let invocation = Invocation { request_id: uuid::Uuid::new_v4().to_string(), event: event.clone() };
        self.queue.send(invocation).unwrap();
    }

    /// How long the function took from receiving the event to posting a 200 page back.
    async fn answer(&mut self, function: &mut Child, log: &Path) -> Duration {
        let report = tokio::select! {
            report = self.reports.recv() => report.expect("the emulator stopped"),
            status = function.wait() => panic!("the function exited ({status:?}); see {}", log.display()),
            _ = tokio::time::sleep(INVOCATION_TIMEOUT) => panic!("no answer in time; see {}", log.display()),
        };
        match report {
            Report::Answer { handed_out, answered, body } => {
                let response: Value = serde_json::from_slice(&body).unwrap_or_default();
                assert_eq!(response["statusCode"], 200, "unexpected response; see {}", log.display());
                answered - handed_out
            }
            Report::InvocationError(body) | Report::InitError(body) => {
                panic!("the function reported {}; see {}", String::from_utf8_lossy(&body), log.display())
            }
        }
    }

    fn first_poll(&self) -> Instant {
        *self.api.first_poll.get().expect("the function has polled")
    }
}

impl Drop for RuntimeApiEmulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A function under test: its name in the table and the release binary.
struct Function {
    name: &'static str,
    binary: PathBuf,
}

/// Where the function reaches DynamoDB.
struct Route {
    name: String,
    endpoint: String,
}

/// One execution environment, from exec to its last warm invocation.
struct ColdStart {
    init: Duration,
    first: Duration,
    warm: Vec<Duration>,
}

impl ColdStart {
    fn exec_to_first_page(&self) -> Duration {
        self.init + self.first
    }
}

/// The environment Lambda sets for a `provided.al2023` function, aimed at the emulator and `endpoint`.
fn lambda_environment(function: &str, runtime_api: SocketAddr, endpoint: &str, table: &str) -> Vec<(String, String)> {
    [
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_string()),
        ("AWS_LAMBDA_FUNCTION_NAME", function.to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{function}")),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[$LATEST]cold-start".to_owned()),
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
    .map(|(name, value)| (name.to_owned(), value))
    .collect()
}

/// Spawns the function with the first event already queued (as Lambda does for an on-demand cold
/// start), then invokes it warm.
async fn cold_start(function: &Function, route: &Route, table: &str, event: &Bytes, log: &Path) -> ColdStart {
    let mut emulator = RuntimeApiEmulator::start().await;
    emulator.queue(event);
    let output = File::options().create(true).append(true).open(log).unwrap();
    let exec = Instant::now();
    let mut child = Command::new(&function.binary)
        .env_clear()
        .envs(lambda_environment(function.name, emulator.address, &route.endpoint, table))
        .stdin(Stdio::null())
        .stdout(output.try_clone().unwrap())
        .stderr(output)
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let first = emulator.answer(&mut child, log).await;
    let init = emulator.first_poll() - exec;
    let mut warm = Vec::with_capacity(WARM_INVOCATIONS);
    for _ in 0..WARM_INVOCATIONS {
        emulator.queue(event);
        warm.push(emulator.answer(&mut child, log).await);
    }
    child.kill().await.unwrap();
    ColdStart { init, first, warm }
}

/// Builds `binary` in release (a no-op when fresh) and returns its path.
fn build(binary: &str, cargo_arguments: &[&str]) -> PathBuf {
    eprintln!("cold_start: building {binary} (release)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    // What cargo sets for the running bench would reach the build scripts that watch it (ring's
    // watches CARGO_PKG_NAME) as a change, and rebuild the TLS stack under every function.
    for (name, _) in std::env::vars() {
        if name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_MANIFEST_")
            || ["CARGO_CRATE_NAME", "CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "OUT_DIR"].contains(&name.as_str())
        {
            command.env_remove(name);
        }
    }
    let output = command
        .current_dir(WORKSPACE)
        .args(["build", "--release", "--message-format=json-render-diagnostics"])
        .args(cargo_arguments)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(output.status.success(), "building {binary} failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact" && message["target"]["name"] == binary)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo reported no executable for {binary}"))
}

fn median(mut durations: Vec<Duration>) -> Duration {
    durations.sort();
    durations[durations.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Publishes a 250-event rota through the handler, returns its id.
async fn publish_share(store: &DynamoStore) -> String {
    let request = support::api_gateway_event("POST /shares", "/shares", &[], Some(&support::rota_body(250, "limited")))
        .into_request();
    let created = publish_share::handle(store, &ServiceConfig::default(), request).await;
    assert_eq!(created.status(), 201);
    let share: Value = match created.body() {
        lambda_http::Body::Binary(bytes) => serde_json::from_slice(bytes).unwrap(),
        lambda_http::Body::Text(text) => serde_json::from_str(text).unwrap(),
        _ => unreachable!(),
    };
    share["id"].as_str().unwrap().to_owned()
}

fn view_event(id: &str) -> ApiGatewayEvent {
    let path = format!("/s/{id}");
    ApiGatewayEvent::new("GET /s/{id}", &path)
        .path_parameters([("id", id)])
        .header("host", "share.example.com")
        .header("accept", "text/html")
        .header("user-agent", "cold-start-bench")
}

#[tokio::main]
async fn main() {
    let Ok(endpoint) = std::env::var("DYNAMODB_ENDPOINT") else {
        eprintln!("cold_start: set DYNAMODB_ENDPOINT to a DynamoDB Local (scripts/dynamodb-local.sh start)");
        return;
    };
    let delay_ms: u64 = std::env::var("CONNECT_DELAY_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let upstream = endpoint.trim_start_matches("http://").trim_end_matches('/').to_owned();

    let functions = [
        Function { name: "view-share", binary: build("view-share", &["-p", "view-share"]) },
        Function {
            name: "baseline-getitem",
            binary: build(
                "baseline-getitem",
                &[
                    "--locked",
                    "--manifest-path",
                    "benches/baseline-getitem/Cargo.toml",
                    "--target-dir",
                    "target/baseline-getitem",
                ],
            ),
        },
    ];

    let table = format!("cold-start-{}", uuid::Uuid::new_v4().simple());
    let store = DynamoStore::connect(&endpoint, table.as_str()).await;
    store.create_table_if_missing().await.unwrap();
    let id = publish_share(&store).await;
    // DynamoDB Local is a JVM: let it compile the read path before anything is timed.
    for _ in 0..50 {
        assert_eq!(
            view_share::handle(&store, &view_share::ViewCache::new(), view_event(&id).into_request()).await.status(),
            200
        );
    }
    let event = Bytes::from(view_event(&id).into_json().to_string());

    let proxy = start_delay_proxy(upstream, Duration::from_millis(delay_ms)).await;
    let routes = [
        Route { name: "direct".into(), endpoint: endpoint.clone() },
        Route { name: format!("+{delay_ms} ms/conn"), endpoint: format!("http://{proxy}") },
    ];
    let logs = Path::new(WORKSPACE).join("target/cold-start");
    std::fs::create_dir_all(&logs).unwrap();

    let mut runs: HashMap<(usize, usize), Vec<ColdStart>> = HashMap::new();
    for round in 0..ROUNDS {
        eprintln!("cold_start: round {}/{ROUNDS}", round + 1);
        for (r, route) in routes.iter().enumerate() {
            for (f, function) in functions.iter().enumerate() {
                let log = logs.join(format!("{}.log", function.name));
                let run = cold_start(function, route, &table, &event, &log).await;
                runs.entry((f, r)).or_default().push(run);
            }
        }
    }

    println!(
        "{:<17} {:<16} {:>9} {:>9} {:>9} {:>11} {:>12}",
        "function", "DynamoDB", "init ms", "first ms", "warm ms", "first/warm", "exec->page"
    );
    let mut summary = HashMap::new();
    for (r, route) in routes.iter().enumerate() {
        for (f, function) in functions.iter().enumerate() {
            let starts = &runs[&(f, r)];
            let init = median(starts.iter().map(|s| s.init).collect());
            let first = median(starts.iter().map(|s| s.first).collect());
            let warm = median(starts.iter().flat_map(|s| s.warm.iter().copied()).collect());
            let exec_to_page = median(starts.iter().map(ColdStart::exec_to_first_page).collect());
            let ratio = ms(first) / ms(warm);
            println!(
                "{:<17} {:<16} {:>9.1} {:>9.1} {:>9.1} {:>11.2} {:>12.1}",
                function.name,
                route.name,
                ms(init),
                ms(first),
                ms(warm),
                ratio,
                ms(exec_to_page)
            );
            summary.insert((f, r), (ratio, exec_to_page));
        }
    }
    let (ratio, _) = summary[&(0, 1)];
    let (_, ours) = summary[&(0, 0)];
    let (_, baseline) = summary[&(1, 0)];
    println!(
        "medians of {ROUNDS} cold starts ({WARM_INVOCATIONS} warm invocations each); 250-event share, GET /s/{{id}}"
    );
    println!(
        "view-share first/warm through the proxy: {ratio:.2} (target <= 1.5: {})",
        if ratio <= 1.5 { "met" } else { "MISSED" }
    );
    println!(
        "cold view exec->page, direct: view-share {:.1} ms, baseline {:.1} ms (target: no slower: {})",
        ms(ours),
        ms(baseline),
        if ours <= baseline { "met" } else { "MISSED" }
    );
}
