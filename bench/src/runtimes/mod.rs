//! One module per runtime family, each with its multi-thread and single-thread contender.

pub(crate) mod async_executor;
mod async_io_parts;
pub(crate) mod futures;
pub(crate) mod tokio;
pub(crate) mod wakewire;

use crate::contender::DynContender;

/// Every contender, in column order within each slot.
pub(crate) fn all() -> Vec<Box<dyn DynContender>> {
    vec![
        Box::new(wakewire::WakewirePool::threads()),
        Box::new(wakewire::WakewirePool::parked()),
        Box::new(tokio::Tokio::multi_thread()),
        Box::new(async_executor::AsyncExecutorMulti::new()),
        Box::new(futures::FuturesThreadPool::new()),
        Box::new(wakewire::WakewireLocal::threads()),
        Box::new(wakewire::WakewireLocal::parked()),
        Box::new(tokio::Tokio::current_thread()),
        Box::new(async_executor::AsyncExecutorLocal::new()),
        Box::new(futures::FuturesLocalPool::new()),
    ]
}

/// The column order of the report.
pub(crate) const NAMES: [&str; 5] = [
    "wakewire",
    "wakewire-park",
    "tokio",
    "async-executor",
    "futures",
];

/// Whether a column is one of Wakewire's own (not a peer).
pub(crate) fn is_wakewire(name: &str) -> bool {
    name.starts_with("wakewire")
}
