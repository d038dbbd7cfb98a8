//! Other runtimes' executors, through the adapters: they wait in their own drivers, so
//! they run Wakewire's reactors in thread mode only.

use std::time::Duration;

use wakewire_adapter_futures::{LocalPoolExecutor, ThreadPoolExecutor};
use wakewire_adapter_smol::{SmolExecutor, SmolLocal};
use wakewire_adapter_tokio::{TokioExecutor, TokioLocal};

use crate::kit::executor::{ExecutorEntry, ExecutorUnderTest};

const NO_PARK_TOKIO: &str =
    "tokio's runtime waits in its own driver (epoll and its timer): it cannot wait in a Wakewire Park";
const NO_PARK_SMOL: &str =
    "async-executor's threads wait in async-io's block_on (smol's way): it cannot wait in a Wakewire Park";
const NO_PARK_FUTURES: &str =
    "futures-executor parks its threads itself: it cannot wait in a Wakewire Park";

pub(crate) fn tokio_current_thread() -> ExecutorEntry {
    ExecutorEntry::new(
        "tokio-current-thread",
        "tokio's current_thread runtime with a LocalSet (TokioLocal): !Send tasks too",
        || {
            let ex = TokioLocal::new().expect("a tokio current_thread runtime");
            let remote = ex.spawner();
            ExecutorUnderTest::new(ex)
                .spawns()
                .spawns_local()
                .remote(remote)
                .boxed()
        },
    )
    .without_park(NO_PARK_TOKIO)
}

pub(crate) fn tokio_multi_thread() -> ExecutorEntry {
    ExecutorEntry::new(
        "tokio-multi-thread",
        "tokio's multi_thread runtime with 2 workers (TokioExecutor)",
        || {
            let ex = TokioExecutor::multi_thread(2).expect("a tokio multi_thread runtime");
            let remote = ex.spawner();
            ExecutorUnderTest::new(ex)
                .spawns()
                .remote(remote)
                .shutdown_with(TokioExecutor::shutdown)
                .boxed()
        },
    )
    .without_park(NO_PARK_TOKIO)
}

pub(crate) fn async_executor() -> ExecutorEntry {
    ExecutorEntry::new(
        "async-executor",
        "async-executor's Executor run by 2 threads, as smol runs it (SmolExecutor)",
        || {
            let ex = SmolExecutor::new(2).expect("async-executor threads");
            let remote = ex.spawner();
            ExecutorUnderTest::new(ex)
                .spawns()
                .remote(remote)
                .shutdown_with(SmolExecutor::shutdown)
                .boxed()
        },
    )
    .without_park(NO_PARK_SMOL)
}

pub(crate) fn async_executor_local() -> ExecutorEntry {
    ExecutorEntry::new(
        "async-executor-local",
        "async-executor's LocalExecutor (SmolLocal): !Send tasks too",
        || {
            let ex = SmolLocal::new();
            let remote = ex.spawner();
            ExecutorUnderTest::new(ex)
                .spawns()
                .spawns_local()
                .remote(remote)
                .boxed()
        },
    )
    .without_park(NO_PARK_SMOL)
}

pub(crate) fn futures_thread_pool() -> ExecutorEntry {
    ExecutorEntry::new(
        "futures-thread-pool",
        "futures-executor's ThreadPool with 2 threads (ThreadPoolExecutor)",
        || {
            let ex = ThreadPoolExecutor::new(2).expect("a futures ThreadPool");
            let remote = ex.spawner();
            ExecutorUnderTest::new(ex)
                .spawns()
                .remote(remote)
                .shutdown_with(|ex: ThreadPoolExecutor| {
                    assert!(
                        ex.shutdown(Duration::from_secs(10)),
                        "the ThreadPool's threads stop within 10 s"
                    );
                })
                .boxed()
        },
    )
    .without_park(NO_PARK_FUTURES)
}

pub(crate) fn futures_local_pool() -> ExecutorEntry {
    ExecutorEntry::new(
        "futures-local-pool",
        "futures-executor's LocalPool (LocalPoolExecutor): !Send tasks too",
        || {
            let ex = LocalPoolExecutor::new();
            let remote = ex.spawner();
            ExecutorUnderTest::new(ex)
                .spawns()
                .spawns_local()
                .remote(remote)
                .boxed()
        },
    )
    .without_park(NO_PARK_FUTURES)
}
