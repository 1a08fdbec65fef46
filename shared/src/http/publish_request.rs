//! The body of `POST /shares` and `PUT /shares/{id}`: share-calendar reads it (`publish_request`), so
//! that `share-seal` and the browser's sealing module read it as the service does.

pub use share_calendar::publish_request::{NOT_PUBLIC_DETAIL, PublishRequest, PublishRequestError};
