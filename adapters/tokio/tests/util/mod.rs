//! Helpers shared by the tokio adapter's behaviour tests.
#![allow(dead_code, unreachable_pub)]

pub mod join_contract;
pub mod our_executors;
