//! The local runner as a team would run it: what it refuses to start with.

use local_api::{DEFAULT_SECRET, LocalApi};
use share_core::ServiceConfig;
use share_core::domain::{SecretKey, SourceIdSecret, UnlockCookieKey};
use share_core::store::MemoryStore;
use std::net::SocketAddr;

fn runner(secret: &str, config: ServiceConfig) -> LocalApi<MemoryStore> {
    LocalApi::new(MemoryStore::new(), config, secret.to_owned(), Vec::new())
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
