//! What the functions log as Lambda runs them, at the most verbose level the template allows: each
//! function runs `run_in_lambda` (its whole `main`: the runtime's subscriber as Lambda's log
//! controls set it, the store, `lambda_runtime` polling a Runtime API emulator) in a process of its
//! own, against DynamoDB Local, and serves every kind of request. Its logs must hold no bearer
//! token, no request or response body text (a Graph body's meeting link included, whatever crate
//! reads it), and no share id. At TRACE `lambda_runtime` logs each raw event (token, body and all),
//! which is why the template allows at most DEBUG.

use crate::support::caller_events::{authenticated, on, recipient};
use crate::support::dynamo_local::fresh_store;
use crate::support::runtime_api::{Report, RuntimeApiEmulator, lambda_environment};
use base64::Engine;
use bytes::Bytes;
use local_api::event::ApiGatewayEvent;
use serde_json::{Value, json};
use serde_norway::Value as Yaml;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// Set in a function process: which function `function_process` runs.
const FUNCTION_VARIABLE: &str = "LAMBDA_LOGS_FUNCTION";
const LEVELS: [&str; 5] = ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"];
/// A password share's password: it must reach no log, nor its hash, feed key or cookie key.
const PASSWORD: &str = "Capybara-password-marker";
const TOKEN: &str = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJQYW5nb2xpblRva2VuTWFya2VyIjp0cnVlfQ.c2lnbmF0dXJlLW1hcmtlcg";

fn template() -> Yaml {
    let path = format!("{}/template.yaml", env!("CARGO_MANIFEST_DIR"));
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn is_ref(value: &Yaml, name: &str) -> bool {
    matches!(value, Yaml::Tagged(tagged) if tagged.tag == "Ref" && tagged.value.as_str() == Some(name))
}

/// The most verbose level `LogLevel` allows; both Lambda's log level and RUST_LOG follow it.
fn most_verbose_allowed_level(template: &Yaml) -> &'static str {
    let parameter = &template["Parameters"]["LogLevel"];
    let allowed: Vec<&str> =
        parameter["AllowedValues"].as_sequence().unwrap().iter().filter_map(Yaml::as_str).collect();
    assert!(allowed.contains(&parameter["Default"].as_str().unwrap()), "{allowed:?}");
    let function = &template["Globals"]["Function"];
    assert!(is_ref(&function["LoggingConfig"]["ApplicationLogLevel"], "LogLevel"));
    assert!(is_ref(&function["Environment"]["Variables"]["RUST_LOG"], "LogLevel"));
    assert_eq!(function["LoggingConfig"]["LogFormat"].as_str(), Some("JSON"));
    let index = |level: &str| LEVELS.iter().position(|known| *known == level).unwrap_or_else(|| panic!("{level}?"));
    LEVELS[allowed.iter().map(|level| index(level)).max().unwrap()]
}

/// The functions' plain environment variables from the template (claim names and the like).
fn template_environment(template: &Yaml) -> Vec<(String, String)> {
    let variables = template["Globals"]["Function"]["Environment"]["Variables"].as_mapping().unwrap();
    let plain = |value: &Yaml| match value {
        Yaml::String(value) => Some(value.clone()),
        _ => None,
    };
    variables.iter().filter_map(|(name, value)| Some((name.as_str()?.to_owned(), plain(value)?))).collect()
}

/// A function process started by the test below; does nothing in a normal test run.
#[test]
#[ignore = "a function process: `no_allowed_log_level_logs_a_token_a_body_or_a_share_id` starts it"]
fn function_process() {
    let Ok(function) = std::env::var(FUNCTION_VARIABLE) else { return };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let stopped = runtime.block_on(async {
        match function.as_str() {
            "publish-share" => publish_share::run_in_lambda().await,
            "view-share" => view_share::run_in_lambda().await,
            "share-settings" => share_settings::run_in_lambda().await,
            "unlock-share" => unlock_share::run_in_lambda().await,
            other => panic!("no function {other}"),
        }
    });
    panic!("{function} stopped: {stopped:?}");
}

/// One execution environment: a function process polling its own emulator, logging to a file.
struct FunctionProcess {
    emulator: RuntimeApiEmulator,
    child: Child,
    log: PathBuf,
}

impl FunctionProcess {
    async fn start(function: &str, level: &str, template: &Yaml, table: &str, dir: &Path) -> Self {
        Self::start_without(function, level, template, table, dir, None).await
    }

    /// As `start`, without the environment variable `missing`.
    async fn start_without(
        function: &str,
        level: &str,
        template: &Yaml,
        table: &str,
        dir: &Path,
        missing: Option<&str>,
    ) -> Self {
        Self::start_with(function, level, template, table, dir, missing.as_slice(), &[]).await
    }

    /// As `start`, without the environment variables `missing` and with `added`.
    async fn start_with(
        function: &str,
        level: &str,
        template: &Yaml,
        table: &str,
        dir: &Path,
        missing: &[&str],
        added: &[(&str, String)],
    ) -> Self {
        let endpoint = std::env::var("DYNAMODB_ENDPOINT").expect("DYNAMODB_ENDPOINT (DynamoDB Local)");
        let emulator = RuntimeApiEmulator::start().await;
        let log = dir.join(format!("{function}.log"));
        let output = std::fs::File::create(&log).unwrap();
        let child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "lambda_logs::function_process", "--ignored", "--nocapture", "--test-threads=1"])
            .env_clear()
            .envs(template_environment(template))
            .envs(
                lambda_environment(function, emulator.address, &endpoint, table)
                    .into_iter()
                    .filter(|(name, _)| !missing.contains(&name.as_str())),
            )
            .envs(added.iter().map(|(name, value)| (*name, value.as_str())))
            // What Lambda's advanced logging controls set from ApplicationLogLevel and LogFormat.
            .envs([("RUST_LOG", level), ("AWS_LAMBDA_LOG_LEVEL", level), ("AWS_LAMBDA_LOG_FORMAT", "JSON")])
            .env(FUNCTION_VARIABLE, function)
            .stdin(Stdio::null())
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        Self { emulator, child, log }
    }

    /// Invokes the function with `event`; returns the status and body it answered.
    async fn invoke(&mut self, event: ApiGatewayEvent) -> (u16, String) {
        self.emulator.queue(&Bytes::from(event.into_json().to_string()));
        let report = tokio::select! {
            report = self.emulator.reports.recv() => report.expect("the emulator stopped"),
            status = self.child.wait() => panic!("the function exited ({status:?}); see {}", self.log.display()),
            _ = tokio::time::sleep(Duration::from_secs(30)) => panic!("no answer; see {}", self.log.display()),
        };
        let Report::Answer { body, .. } = report else { panic!("the function failed; see {}", self.log.display()) };
        let response: Value = serde_json::from_slice(&body).unwrap();
        let body = response["body"].as_str().unwrap_or_default();
        let body = match response["isBase64Encoded"].as_bool() {
            Some(true) => {
                String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(body).unwrap()).into_owned()
            }
            _ => body.to_owned(),
        };
        (response["statusCode"].as_u64().unwrap() as u16, body)
    }

    async fn logs(mut self) -> String {
        self.child.kill().await.unwrap();
        std::fs::read_to_string(&self.log).unwrap()
    }
}

fn marked_share(title: &str) -> Value {
    json!({
        "title": format!("Zanzibar {title}"), "visibility": "public", "detail": "full", "view": "month",
        "timeZone": "America/New_York", "range": {"start": "2026-12-01", "end": "2027-01-01"},
        "events": [{
            "id": "okapi-source-id", "title": "Okapi event title", "location": "Quokka location",
            "description": "Narwhal description", "start": "2026-12-03T09:00:00-05:00", "end": "2026-12-03T10:00:00-05:00",
        }],
    })
}

fn as_caller(event: ApiGatewayEvent) -> ApiGatewayEvent {
    event.without_header("authorization").header("authorization", TOKEN)
}

fn id_of(answer: &(u16, String)) -> String {
    serde_json::from_str::<Value>(&answer.1).unwrap()["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_allowed_log_level_logs_a_token_a_body_or_a_share_id() {
    let template = template();
    let level = most_verbose_allowed_level(&template);
    let table = fresh_store().await.table().to_owned();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("lambda-logs-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut publish = FunctionProcess::start("publish-share", level, &template, &table, &dir).await;
    let mut view = FunctionProcess::start("view-share", level, &template, &table, &dir).await;
    let mut settings = FunctionProcess::start("share-settings", level, &template, &table, &dir).await;
    let mut unlock = FunctionProcess::start("unlock-share", level, &template, &table, &dir).await;

    let post = || as_caller(authenticated("POST /shares", "/shares"));
    let created = publish.invoke(post().header("idempotency-key", "Wallaby-key").json_body(&marked_share("one"))).await;
    assert_eq!(created.0, 201, "{}", created.1);
    let id = id_of(&created);
    let path = format!("/shares/{id}");
    assert_eq!(publish.invoke(as_caller(authenticated("GET /shares", "/shares"))).await.0, 200);
    assert_eq!(publish.invoke(as_caller(on("GET /shares/{id}", &path, ("id", &id)))).await.0, 200);
    let replace = as_caller(on("PUT /shares/{id}", &path, ("id", &id))).json_body(&marked_share("two"));
    assert_eq!(publish.invoke(replace).await.0, 200);
    let malformed = post().body(br#"{"title": "Kiwi malformed", "events": [{"title": "Kiwi event"#);
    assert_eq!(publish.invoke(malformed).await.0, 400);

    for (route, page) in
        [("GET /s/{id}", format!("/s/{id}")), ("GET /s/{id}/calendar.ics", format!("/s/{id}/calendar.ics"))]
    {
        let (status, body) = view.invoke(recipient(route, &page, &id)).await;
        assert!(status == 200 && body.contains("Okapi event title"), "{status}: {body}");
    }
    let unknown = "Kiwi0unknown0share0id0that0is0long0enough";
    assert_eq!(view.invoke(recipient("GET /s/{id}", &format!("/s/{unknown}"), unknown)).await.0, 404);

    let user = as_caller(on("PUT /settings/users/{userId}", "/settings/users/wombat", ("userId", "wombat")))
        .json_body(&json!({"email": "Wombat.Marker@example.com", "canShare": true, "admin": false}));
    assert_eq!(settings.invoke(user).await.0, 200);
    assert_eq!(settings.invoke(as_caller(authenticated("GET /settings/users", "/settings/users"))).await.0, 200);
    let audit = settings.invoke(as_caller(authenticated("GET /admin/shares", "/admin/shares"))).await;
    assert!(audit.0 == 200 && audit.1.contains(&id), "{audit:?}");

    let changed_event = json!({"id": "okapi-source-id", "title": "Okapi changed title",
        "start": "2026-12-04T09:00:00-05:00", "end": "2026-12-04T10:00:00-05:00"});
    let change = as_caller(authenticated("POST /me/changes", "/me/changes"))
        .header("idempotency-key", "Wallaby-change")
        .json_body(&json!({"changed": [changed_event], "removed": ["kiwi-removed-id"]}));
    let changed = publish.invoke(change).await;
    assert!(changed.0 == 200 && changed.1.contains(&id), "{changed:?}");

    let rotated =
        publish.invoke(as_caller(on("POST /shares/{id}/rotate", &format!("{path}/rotate"), ("id", &id)))).await;
    assert_eq!(rotated.0, 200, "{}", rotated.1);
    let new_id = id_of(&rotated);
    let delete = as_caller(on("DELETE /shares/{id}", &format!("/shares/{new_id}"), ("id", &new_id)));
    assert_eq!(publish.invoke(delete).await.0, 204);

    let mut locked_share = marked_share("locked");
    locked_share["password"] = json!(PASSWORD);
    let locked = publish.invoke(post().json_body(&locked_share)).await;
    assert_eq!(locked.0, 201, "{}", locked.1);
    let locked_id = id_of(&locked);
    let ics_url = serde_json::from_str::<Value>(&locked.1).unwrap()["icsUrl"].as_str().unwrap().to_owned();
    let feed_key = ics_url.split("?key=").nth(1).unwrap().to_owned();
    let unlock_path = format!("/s/{locked_id}/unlock");
    let form = |password: &str| {
        recipient("POST /s/{id}/unlock", &unlock_path, &locked_id)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("password={password}").as_bytes())
    };
    assert_eq!(unlock.invoke(form("Capybara-wrong-guess")).await.0, 401);
    assert_eq!(unlock.invoke(form(PASSWORD)).await.0, 303);
    let locked_page = format!("/s/{locked_id}");
    assert_eq!(view.invoke(recipient("GET /s/{id}", &locked_page, &locked_id)).await.0, 401);
    let feed = recipient("GET /s/{id}/calendar.ics", &format!("{locked_page}/calendar.ics"), &locked_id)
        .query(&format!("key={feed_key}"));
    assert_eq!(view.invoke(feed).await.0, 200);

    // A private Graph event with a Teams invitation in its body, published at availability: the body
    // is read (and sanitised) on the way, and no line of any crate may quote it.
    let graph_event = json!({
        "id": "AAMkAGKakapo", "subject": "Kakapo private subject", "sensitivity": "private", "showAs": "busy",
        "start": {"dateTime": "2026-12-05T09:00:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2026-12-05T10:00:00.0000000", "timeZone": "UTC"},
        "body": {"contentType": "html", "content": concat!(
            "<html><body><p>Kakapo body text</p><div>Microsoft Teams meeting<br>",
            "<a href=\"https://teams.microsoft.com/l/meetup-join/19%3ameeting_KakapoJoinToken%40thread.v2/0\">",
            "Join the meeting now</a><br>Meeting ID: 271 828 182 84<br>Passcode: KakapoPass42</div></body></html>")},
    });
    let mut private = marked_share("availability");
    private["detail"] = json!("availability");
    private["format"] = json!("msgraph");
    private["events"] = json!([graph_event]);
    assert_eq!(publish.invoke(post().json_body(&private)).await.0, 201);

    // A sealed share, published and fetched: its key and ciphertext reach no log either.
    let sealed = crate::sealed::share_seal(&marked_share("sealed"), &[]).expect("share-seal seals it");
    let created = publish.invoke(post().json_body(&sealed["body"])).await;
    assert_eq!(created.0, 201, "{}", created.1);
    let sealed_id = id_of(&created);
    let sealed_path = format!("/s/{sealed_id}/sealed");
    let fetched = view.invoke(recipient("GET /s/{id}/sealed", &sealed_path, &sealed_id)).await;
    assert_eq!(fetched.0, 200, "{}", fetched.1);
    let sealed_key = sealed["key"].as_str().unwrap().to_owned();
    let ciphertext_start: String = sealed["body"]["sealed"]["ciphertext"].as_str().unwrap().chars().take(40).collect();

    let logs = [publish.logs().await, view.logs().await, settings.logs().await, unlock.logs().await].concat();
    for secret in [sealed_key.as_str(), ciphertext_start.as_str(), sealed_id.as_str()] {
        assert!(!logs.contains(secret), "{secret} reached the logs at {level}; see {}", dir.display());
    }
    for marker in ["Kakapo", "KakapoJoinToken", "KakapoPass42", "271 828 182 84", "meetup-join"] {
        assert!(!logs.contains(marker), "{marker} reached the logs at {level}; see {}", dir.display());
    }
    assert!(logs.contains(r#""route":"POST /s/{id}/unlock""#), "no line for the unlock route:\n{logs}");
    for secret in [PASSWORD, "Capybara", locked_id.as_str(), feed_key.as_str(), "$argon2", "emulated-cookie-key"] {
        assert!(!logs.contains(secret), "{secret} reached the logs at {level}; see {}", dir.display());
    }
    assert!(logs.contains(&format!(r#""level":"{level}""#)), "nothing logged at {level}:\n{logs}");
    for route in ["POST /shares", "POST /me/changes", "DELETE /shares/{id}", "GET /s/{id}", "GET /admin/shares"] {
        assert!(logs.contains(&format!(r#""route":"{route}""#)), "no line for {route}:\n{logs}");
    }
    let token = TOKEN.trim_start_matches("Bearer ");
    let secrets =
        [token, &token[..30], "Zanzibar", "Okapi", "okapi", "Quokka", "Narwhal", "Kiwi", "kiwi", "Wombat", "Wallaby"];
    let source_id_key = "emulated-secret-";
    let people = ["AdeleV", "Adele Vance"];
    for secret in secrets.iter().chain(&people).copied().chain([id.as_str(), new_id.as_str(), source_id_key]) {
        assert!(!logs.contains(secret), "{secret} reached the logs at {level}; see {}", dir.display());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A deployed publish function keys source ids with its own secret: without `SOURCE_ID_KEY` it does
/// not start (an init error), rather than fall back to the public development secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_publish_function_does_not_start_without_its_source_id_key() {
    let template = template();
    let table = fresh_store().await.table().to_owned();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("no-key-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut publish =
        FunctionProcess::start_without("publish-share", "INFO", &template, &table, &dir, Some("SOURCE_ID_KEY")).await;
    let exited = tokio::time::timeout(Duration::from_secs(30), publish.child.wait()).await;
    let status = exited.expect("the function stops at init").unwrap();
    let log = std::fs::read_to_string(&publish.log).unwrap();
    assert!(
        !status.success() && log.contains("neither SOURCE_ID_KEY_ARN nor SOURCE_ID_KEY is set"),
        "{status:?}: {log}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Each function logs to a group of its own that the stack declares, kept `LogRetentionDays`
/// (default 30), not to one Lambda creates on first write and keeps forever.
#[test]
fn every_function_logs_to_a_declared_group_with_a_retention() {
    let template = template();
    let retention = &template["Parameters"]["LogRetentionDays"];
    assert_eq!(retention["Default"].as_u64(), Some(30));
    let resources = template["Resources"].as_mapping().unwrap();
    let functions = resources.values().filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"));
    let mut count = 0;
    for function in functions {
        let group = &function["Properties"]["LoggingConfig"]["LogGroup"];
        let Yaml::Tagged(reference) = group else { panic!("no declared log group: {function:?}") };
        let group = &template["Resources"][reference.value.as_str().unwrap()];
        assert_eq!(group["Type"].as_str(), Some("AWS::Logs::LogGroup"));
        assert!(is_ref(&group["Properties"]["RetentionInDays"], "LogRetentionDays"), "{group:?}");
        count += 1;
    }
    assert_eq!(count, 6);
}

/// The view and unlock functions check unlock cookies with their own key: without
/// `SHARE_COOKIE_KEY` neither starts, rather than fall back to the public development key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_view_and_unlock_functions_do_not_start_without_their_cookie_key() {
    let template = template();
    let table = fresh_store().await.table().to_owned();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("no-cookie-key-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for function in ["view-share", "unlock-share"] {
        let mut process =
            FunctionProcess::start_without(function, "INFO", &template, &table, &dir, Some("SHARE_COOKIE_KEY")).await;
        let exited = tokio::time::timeout(Duration::from_secs(30), process.child.wait()).await;
        let status = exited.expect("the function stops at init").unwrap();
        let log = std::fs::read_to_string(&process.log).unwrap();
        let unset = "neither SHARE_COOKIE_KEY_ARN nor SHARE_COOKIE_KEY is set";
        assert!(!status.success() && log.contains(unset), "{function} {status:?}: {log}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A Secrets Manager on loopback (moto's server, from PyPI), killed when dropped.
struct SecretsManager {
    endpoint: String,
    _server: Child,
    client: aws_sdk_secretsmanager::Client,
}

impl SecretsManager {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let server = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("moto_server (pip install \"moto[server]\"; scripts/test.sh installs it)");
        let endpoint = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let config = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
            .region(aws_sdk_secretsmanager::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new("local", "local", None, None, "t"))
            .http_client(share_core::aws::https_client())
            .endpoint_url(&endpoint)
            .build();
        Self { endpoint, _server: server, client: aws_sdk_secretsmanager::Client::from_conf(config) }
    }

    /// A new secret holding `value`; its ARN.
    async fn create(&self, name: &str, value: &str) -> String {
        let created = self.client.create_secret().name(name).secret_string(value).send().await.unwrap();
        created.arn.unwrap()
    }
}

/// As deployed, the functions get their keys' ARNs, never the values, and read them at init from
/// Secrets Manager; with the CDN on, the view and unlock functions also read the CDN's origin
/// header and refuse every request without it. An ARN that cannot be read stops the function at
/// init, saying which variable, never printing a value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_functions_read_their_keys_from_secrets_manager() {
    let template = template();
    let table = fresh_store().await.table().to_owned();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("secrets-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let secrets = SecretsManager::start().await;
    let source_id_key = secrets.create("source-id-key", &"Jacaranda-source-id-key-".repeat(3)).await;
    let cookie_key = secrets.create("cookie-key", &"Jacaranda-cookie-key-".repeat(3)).await;
    let origin_value = "Jacaranda-origin-header-value-0123456789";
    let origin = secrets.create("origin", origin_value).await;
    let endpoint = ("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint.clone());

    let publish_env = [("SOURCE_ID_KEY_ARN", source_id_key), endpoint.clone()];
    let mut publish =
        FunctionProcess::start_with("publish-share", "INFO", &template, &table, &dir, &["SOURCE_ID_KEY"], &publish_env)
            .await;
    let post = || as_caller(authenticated("POST /shares", "/shares"));
    let created = publish.invoke(post().json_body(&marked_share("from secrets"))).await;
    assert_eq!(created.0, 201, "{}", created.1);
    let id = id_of(&created);

    let view_env = [("SHARE_COOKIE_KEY_ARN", cookie_key), ("ORIGIN_SECRET_ARN", origin), endpoint.clone()];
    let mut view =
        FunctionProcess::start_with("view-share", "INFO", &template, &table, &dir, &["SHARE_COOKIE_KEY"], &view_env)
            .await;
    let page = format!("/s/{id}");
    let around = view.invoke(recipient("GET /s/{id}", &page, &id)).await;
    assert_eq!(around.0, 403, "a request around the CDN: {}", around.1);
    let wrong = recipient("GET /s/{id}", &page, &id).header("x-origin-verify", "Jacaranda-a-guess");
    assert_eq!(view.invoke(wrong).await.0, 403);
    let through = recipient("GET /s/{id}", &page, &id).header("x-origin-verify", origin_value);
    let (status, body) = view.invoke(through).await;
    assert!(status == 200 && body.contains("Okapi event title"), "{status}: {body}");

    let missing = [
        ("SOURCE_ID_KEY_ARN", format!("{}-gone", "arn:aws:secretsmanager:us-east-1:123456789012:secret:nothing")),
        endpoint,
    ];
    let mut broken =
        FunctionProcess::start_with("publish-share", "INFO", &template, &table, &dir, &["SOURCE_ID_KEY"], &missing)
            .await;
    let exited = tokio::time::timeout(Duration::from_secs(30), broken.child.wait()).await;
    let status = exited.expect("the function stops at init").unwrap();
    let logs = [std::fs::read_to_string(&broken.log).unwrap(), publish.logs().await, view.logs().await].concat();
    assert!(!status.success() && logs.contains("SOURCE_ID_KEY_ARN"), "{status:?}: {logs}");
    assert!(!logs.contains("Jacaranda"), "a secret's value reached the logs");
    std::fs::remove_dir_all(&dir).unwrap();
}
