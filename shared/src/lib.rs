//! The share service's library for what does I/O or speaks HTTP: the store port with its embedded and
//! DynamoDB adapters, the use cases over it (`service`), and the HTTP edge the Lambda functions (and
//! the local runner) share. The pure code below them (domain, source readers, rendering) is the
//! `share-calendar` crate, re-exported here under the same names.

pub mod aws;
pub mod config;
pub mod http;
pub mod lambda;
pub mod logging;
pub mod secrets;
pub mod service;
pub mod snapshot;
pub mod store;

pub use config::ServiceConfig;
pub use share_calendar::domain;
#[cfg(any(feature = "publish", feature = "view"))]
pub use share_calendar::render;
pub use share_calendar::seal;
#[cfg(feature = "publish")]
pub use share_calendar::sources;
