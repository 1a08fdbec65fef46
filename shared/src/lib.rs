//! The share service's library: validated domain types, the store port with its embedded and
//! DynamoDB adapters, rendering of the recipients' page and feed, and the HTTP mapping that the
//! Lambda functions (and the local runner) share.

pub mod api_json;
#[cfg(feature = "publish")]
pub mod changes_request;
pub mod config;
pub mod domain;
pub mod http;
pub mod identity;
pub mod logging;
pub mod public_origin;
#[cfg(feature = "publish")]
pub mod publish_request;
#[cfg(any(feature = "publish", feature = "view"))]
pub mod render;
pub mod service;
pub mod snapshot;
#[cfg(feature = "publish")]
pub mod sources;
pub mod store;

pub use config::ServiceConfig;
