//! Password-protected shares on every store: publishing with a password, the admin switch, the
//! locked page, unlocking and its lockout, the cookie and the feed key.

mod lockout_counts;
mod publishing;
mod unlocking;

use crate::support::{TestApp, share_body};
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct horse battery";

/// A share body with a password.
pub fn locked_body(title: &str) -> Value {
    let mut body = share_body(title, 2);
    body["password"] = json!(PASSWORD);
    body
}

/// Publishes a password share as `kim` of contoso; returns the share object.
pub async fn publish_locked(app: &TestApp) -> Value {
    app.publish(&app.member("kim", "contoso"), &locked_body("Locked rota")).await
}
