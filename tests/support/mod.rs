//! The test app: the local runner on a free port over a fresh store (embedded or DynamoDB Local),
//! with a small HTTP client and helpers for the contract's bodies.

pub mod caller_events;
pub mod dynamo_local;
pub mod dynamo_process;
pub mod fault_proxy;
pub mod instrumented_store;
pub mod operation_recorder;
pub mod runtime_api;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode, header};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use local_api::{DEFAULT_SECRET, LocalApi, issue_token};
use serde_json::{Value, json};
use share_core::ServiceConfig;
use share_core::config::DEFAULT_SCOPE;
use share_core::store::{DynamoStore, EmbeddedKey, EmbeddedStore, Store};

/// Which store a test app runs on; kept so tests can look at what is stored.
#[derive(Clone)]
pub enum Backend {
    /// The embedded store, in memory or kept in a file.
    Memory(EmbeddedStore),
    Dynamo(DynamoStore),
}

/// A store kept in a file of its own under the test's target folder.
pub fn file_store() -> EmbeddedStore {
    let folder = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("file-stores");
    let path = folder.join(format!("{}.db", uuid::Uuid::new_v4().simple()));
    EmbeddedStore::open(&path).expect("a store file")
}

pub struct TestApp {
    pub base: String,
    pub backend: Backend,
    client: Client<HttpConnector, Full<Bytes>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Someone calling the API: a bearer token for a user of a group, or nobody.
#[derive(Clone, Debug)]
pub struct Principal {
    pub token: Option<String>,
}

impl From<EmbeddedStore> for Backend {
    fn from(store: EmbeddedStore) -> Self {
        Self::Memory(store)
    }
}

impl From<DynamoStore> for Backend {
    fn from(store: DynamoStore) -> Self {
        Self::Dynamo(store)
    }
}

impl TestApp {
    /// The app over a store, kept as its backend.
    pub async fn over<S: Store + Clone + Into<Backend> + 'static>(store: S) -> Self {
        Self::spawn(store.clone(), store.into()).await
    }

    pub async fn spawn<S: Store + 'static>(store: S, backend: Backend) -> Self {
        Self::spawn_with_lockout(store, backend, share_core::domain::LockoutRule::default()).await
    }

    /// The app with another lockout rule for the unlock route (a window short enough to wait out).
    pub async fn over_with_lockout<S: Store + Clone + Into<Backend> + 'static>(
        store: S,
        lockout: share_core::domain::LockoutRule,
    ) -> Self {
        Self::spawn_with_lockout(store.clone(), store.into(), lockout).await
    }

    async fn spawn_with_lockout<S: Store + 'static>(
        store: S,
        backend: Backend,
        lockout: share_core::domain::LockoutRule,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("free port");
        let base = format!("http://{}", listener.local_addr().expect("bound"));
        let config = ServiceConfig::default();
        let api = LocalApi::new(store, config, DEFAULT_SECRET.to_owned(), vec!["https://app.example.com".into()])
            .with_lockout(lockout);
        let server = tokio::spawn(async move {
            api.serve(listener).await.expect("server runs");
        });
        let client = Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
        Self { base, backend, client, server }
    }

    pub fn member(&self, user: &str, group: &str) -> Principal {
        let token =
            issue_token(DEFAULT_SECRET, user, Some(&format!("{user}@example.com")), group, false, Some(DEFAULT_SCOPE));
        Principal { token: Some(token) }
    }

    /// A member whose token carries the ShareAdmin role.
    pub fn role_admin(&self, user: &str, group: &str) -> Principal {
        let token =
            issue_token(DEFAULT_SECRET, user, Some(&format!("{user}@example.com")), group, true, Some(DEFAULT_SCOPE));
        Principal { token: Some(token) }
    }

    pub fn anonymous(&self) -> Principal {
        Principal { token: None }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        who: &Principal,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let bytes = body.map(|b| serde_json::to_vec(b).expect("json")).unwrap_or_default();
        self.send_raw(method, path, who, bytes, headers).await
    }

    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        who: &Principal,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(format!("{}{path}", self.base));
        if let Some(token) = &who.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let typed = headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        if !body.is_empty() && !typed {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response =
            self.client.request(request.body(Full::new(Bytes::from(body))).expect("request")).await.expect("response");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        TestResponse { status: parts.status, headers: parts.headers, body }
    }

    pub async fn get(&self, path: &str, who: &Principal) -> TestResponse {
        self.send(Method::GET, path, who, None, &[]).await
    }

    pub async fn post(&self, path: &str, who: &Principal, body: &Value) -> TestResponse {
        self.send(Method::POST, path, who, Some(body), &[]).await
    }

    pub async fn put(&self, path: &str, who: &Principal, body: &Value) -> TestResponse {
        self.send(Method::PUT, path, who, Some(body), &[]).await
    }

    pub async fn delete(&self, path: &str, who: &Principal) -> TestResponse {
        self.send(Method::DELETE, path, who, None, &[]).await
    }

    /// Publishes and returns the share object, asserting 201.
    pub async fn publish(&self, who: &Principal, body: &Value) -> Value {
        let response = self.post("/shares", who, body).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
        response.json()
    }

    /// The ids of the caller's shares.
    pub async fn share_ids(&self, who: &Principal) -> Vec<String> {
        let response = self.get("/shares", who).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        response.json()["shares"]
            .as_array()
            .expect("list")
            .iter()
            .map(|s| s["id"].as_str().expect("id").to_owned())
            .collect()
    }

    /// Sets the group's policy as an admin of it.
    pub async fn set_policy(&self, admin: &Principal, policy: Value) {
        let response = self.put("/settings", admin, &policy).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    }

    pub async fn set_user(&self, admin: &Principal, user: &str, can_share: bool, is_admin: bool) {
        let body = json!({"email": format!("{user}@example.com"), "canShare": can_share, "admin": is_admin});
        let response = self.put(&format!("/settings/users/{user}"), admin, &body).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    }
}

/// A valid publish body with `n` timed events in December 2026 (New York).
pub fn share_body(title: &str, n: usize) -> Value {
    let events: Vec<Value> = (0..n)
        .map(|i| {
            let day = 1 + (i % 28);
            json!({
                "id": format!("ev-{i}"),
                "title": format!("{title} event {i}"),
                "start": format!("2026-12-{day:02}T09:00:00-05:00"),
                "end": format!("2026-12-{day:02}T10:00:00-05:00"),
                "location": format!("Room {i}"),
                "description": format!("Notes {i}"),
                "resource": if i % 2 == 0 { "Tier 1" } else { "Tier 2" },
                "status": "Confirmed",
                "showAs": "busy",
            })
        })
        .collect();
    json!({
        "title": title,
        "visibility": "public",
        "detail": "limited",
        "view": "month",
        "timeZone": "America/New_York",
        "range": {"start": "2026-12-01", "end": "2027-01-01"},
        "events": events,
    })
}

/// Instantiates each async test function once per store, as `memory::name` and `dynamodb::name`,
/// each on a fresh store: `per_store!(store: a, b)` hands the tests the store itself,
/// `per_store!(app: a, b)` a `TestApp` over it.
#[macro_export]
macro_rules! per_store {
    ($given:ident: $($name:ident),+ $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let store = share_core::store::EmbeddedStore::new();
                    super::$name($crate::per_store!(@$given store)).await
                }
            )+
        }
        mod file {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let store = $crate::support::file_store();
                    super::$name($crate::per_store!(@$given store)).await
                }
            )+
        }
        mod dynamodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let store = $crate::support::dynamo_local::fresh_store().await;
                    super::$name($crate::per_store!(@$given store)).await
                }
            )+
        }
    };
    (@store $store:ident) => {
        $store
    };
    (@app $store:ident) => {
        $crate::support::TestApp::over($store).await
    };
}

impl TestApp {
    /// The share's record as stored (to compare its chunk count with what is actually there).
    pub async fn record(&self, id: &str) -> Option<share_core::domain::ShareRecord> {
        use share_core::store::ShareReads;
        let id = share_core::domain::ShareId::parse(id)?;
        match &self.backend {
            Backend::Memory(store) => store.share(&id).await.expect("read"),
            Backend::Dynamo(store) => store.share(&id).await.expect("read"),
        }
    }

    /// How many stored items belong to a share: its record (which holds the first chunk) plus
    /// every further chunk of any generation. Orphans show up here.
    pub async fn stored_pieces(&self, id: &str) -> usize {
        match &self.backend {
            Backend::Memory(store) => store
                .stored_items()
                .iter()
                .filter(|(key, _)| match key {
                    EmbeddedKey::Record(share) => share.as_str() == id,
                    EmbeddedKey::Chunk { share, .. } => share.as_str() == id,
                    EmbeddedKey::Forward(share) => share.as_str() == id,
                    _ => false,
                })
                .count(),
            Backend::Dynamo(store) => {
                let pk = aws_sdk_dynamodb::types::AttributeValue::S(format!("SHARE#{id}"));
                dynamo_local::scan_all(store).await.iter().filter(|item| item.get("pk") == Some(&pk)).count()
            }
        }
    }

    /// Every stored item as text, chunks inflated: what a privacy test searches.
    pub async fn stored_text(&self) -> String {
        match &self.backend {
            Backend::Memory(store) => {
                store.stored_items().iter().map(|(name, bytes)| format!("{name}: {}\n", readable(bytes))).collect()
            }
            Backend::Dynamo(store) => dynamo_local::scan_all(store)
                .await
                .iter()
                .map(|item| {
                    let mut line = String::new();
                    for (name, value) in item {
                        let text = match value {
                            aws_sdk_dynamodb::types::AttributeValue::B(blob) => readable(blob.as_ref()),
                            other => format!("{other:?}"),
                        };
                        line.push_str(&format!("{name}={text} "));
                    }
                    line + "\n"
                })
                .collect(),
        }
    }
}

/// Bytes as text, inflating deflate-compressed chunks (pieces of a chunked stream are shown raw).
fn readable(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut inflated = Vec::new();
    match flate2::read::DeflateDecoder::new(bytes).read_to_end(&mut inflated) {
        Ok(_) if !inflated.is_empty() => String::from_utf8_lossy(&inflated).into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}
