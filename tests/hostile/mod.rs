//! The hostile-input corpus of the outside security test: every input an attacker sent, answered
//! within the contract's limits, on every store.

mod bodies;
mod errors;
mod requests;
mod responses;
