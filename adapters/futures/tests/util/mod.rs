//! Helpers shared with the tokio adapter's tests (one copy, included by path).
#![allow(dead_code, unreachable_pub)]

#[path = "../../../tokio/tests/util/join_contract.rs"]
pub mod join_contract;
#[path = "../../../tokio/tests/util/our_executors.rs"]
pub mod our_executors;
