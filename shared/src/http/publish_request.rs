//! The bodies of `POST /shares`, `PUT /shares/{id}` and `PATCH /shares/{id}`: share-calendar reads
//! them (`publish_request`), so that `share-seal` and the browser's sealing module read a publish
//! body as the service does.

pub use share_calendar::publish_request::{NOT_PUBLIC_DETAIL, OptionsPatch, PublishRequest, PublishRequestError};
