//! Wakewire's own executors: the only ones that can wait in a reactor's park.

use std::time::Duration;

use wakewire_core::block_on::Blocker;
use wakewire_core::SharedPark;
use wakewire_executor_local::LocalExecutor;
use wakewire_executor_pool::Pool;

use crate::kit::executor::{ExecutorEntry, ExecutorUnderTest};

/// How long a pool's shutdown may wait for its workers.
const SHUTDOWN: Duration = Duration::from_secs(10);

pub(crate) fn local() -> ExecutorEntry {
    ExecutorEntry::new(
        "wakewire-local",
        "Wakewire's LocalExecutor: one thread, !Send tasks; in park mode it waits in the reactor's park",
        || {
            let ex = LocalExecutor::new();
            let remote = ex.spawner();
            ExecutorUnderTest::new(ex)
                .spawns()
                .spawns_local()
                .remote(remote)
                .boxed()
        },
    )
    .with_park(|park| {
        let ex = LocalExecutor::with_park(park);
        let remote = ex.spawner();
        ExecutorUnderTest::new(ex)
            .spawns()
            .spawns_local()
            .remote(remote)
            .boxed()
    })
}

pub(crate) fn pool() -> ExecutorEntry {
    fn adapt(pool: Pool) -> Box<dyn crate::CellExecutor> {
        let remote = pool.spawner();
        ExecutorUnderTest::new(pool)
            .spawns()
            .remote(remote)
            .shutdown_with(|mut pool: Pool| {
                pool.shutdown(SHUTDOWN)
                    .expect("the pool's workers stop within the limit");
            })
            .boxed()
    }
    ExecutorEntry::new(
        "wakewire-pool",
        "Wakewire's work-stealing Pool with 2 workers; in park mode its idle workers share the reactor's park (core's SharedPark)",
        || adapt(Pool::builder().workers(2).build()),
    )
    .with_park(|park| {
        let shared = SharedPark::new(park);
        adapt(
            Pool::builder()
                .workers(2)
                .park_with(move |_| shared.worker())
                .build(),
        )
    })
}

pub(crate) fn block_on() -> ExecutorEntry {
    ExecutorEntry::new(
        "wakewire-block-on",
        "core's plain block_on (Blocker): runs one future on the calling thread, spawns nothing; in park mode it waits in the reactor's park",
        || ExecutorUnderTest::new(Blocker::new()).boxed(),
    )
    .with_park(|park| ExecutorUnderTest::new(Blocker::with_park(park)).boxed())
}
