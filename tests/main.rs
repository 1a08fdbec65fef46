//! The behaviour suite: one binary, every module run against each store where it applies.

mod api_description;
mod athena;
mod display_settings;
mod embed_origins;
mod failure;
mod faults;
mod fhir;
mod handlers;
mod hostile;
mod lambda_logs;
mod language;
mod least_privilege;
mod lifecycle;
mod listing;
mod live_updates;
mod local_runner;
mod passwords;
mod publish_view;
mod routes;
mod sealed;
mod share_state;
mod sharing_policy;
mod source_formats;
mod store_contract;
mod support;
mod view_reads;
