//! The behaviour suite: one binary, every module run against each store where it applies.

mod failure;
mod lifecycle;
mod publish_view;
mod sharing_policy;
mod store_contract;
mod support;
