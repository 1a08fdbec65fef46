//! The behaviour suite: one binary, every module run against each store where it applies.

mod publish_view;
mod store_contract;
mod support;
