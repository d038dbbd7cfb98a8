//! One module per runtime family, each with its multi-thread and single-thread contender.

pub(crate) mod async_executor;
pub(crate) mod futures;
pub(crate) mod tokio;
pub(crate) mod wakewire;

use crate::contender::DynContender;

/// Every contender, in column order within each slot.
pub(crate) fn all() -> Vec<Box<dyn DynContender>> {
    vec![
        Box::new(wakewire::WakewirePool::new()),
        Box::new(tokio::TokioMulti::new()),
        Box::new(async_executor::AsyncExecutorMulti::new()),
        Box::new(futures::FuturesThreadPool::new()),
        Box::new(wakewire::WakewireLocal::new()),
        Box::new(tokio::TokioCurrentThread::new()),
        Box::new(async_executor::AsyncExecutorLocal::new()),
        Box::new(futures::FuturesLocalPool::new()),
    ]
}

/// The column order of the report.
pub(crate) const NAMES: [&str; 4] = ["wakewire", "tokio", "async-executor", "futures"];
