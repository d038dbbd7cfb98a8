//! Wakewire's blocking reactor: closures on a private pool of threads, awaited as leaves.

use std::sync::mpsc;
use std::time::Duration;

use wakewire_core::spawn::BoxFuture;
use wakewire_reactor_blocking::BlockingPool;

use crate::kit::context::CellContext;
use crate::kit::leaf::{Leaf, LeafSource};
use crate::kit::reactor::{ReactorBuilder, ReactorEntry, Scenario};
use crate::scenarios::support::{assert_pending, on_another_thread};

/// The blocking pool of one cell.
pub(crate) struct BlockingUnderTest {
    pool: BlockingPool,
}

impl LeafSource for BlockingUnderTest {
    /// A job that waits for `fire` on its pool thread (or for `fire` to be dropped).
    fn leaf(&self) -> Leaf {
        let (go, wait) = mpsc::channel::<()>();
        let job = self.pool.spawn(move || wait.recv().is_ok());
        Leaf::new(
            async move {
                match job.await {
                    Ok(true) => Ok(()),
                    Ok(false) => Err("the job's trigger was dropped".to_owned()),
                    Err(error) => Err(error.to_string()),
                }
            },
            move || {
                let _ = go.send(());
            },
        )
    }
}

impl Drop for BlockingUnderTest {
    fn drop(&mut self) {
        self.pool.shutdown_timeout(Duration::from_secs(5));
    }
}

pub(crate) fn entry() -> ReactorEntry {
    ReactorBuilder::leaves(
        "blocking",
        "Wakewire's blocking reactor: closures on a private BlockingPool (4 threads), awaited as leaf futures",
    )
    .on_own_thread(|| {
        Ok(BlockingUnderTest {
            pool: BlockingPool::builder()
                .max_threads(4)
                .thread_name("matrix-blocking")
                .build(),
        })
    })
    .no_park("jobs run on the pool's own threads: an idle executor has nothing of the pool to turn")
    .scenario(Scenario::new(
        "panicking-job",
        "a job that panics resolves to a BlockingError with its message; the pool runs the next job",
        panicking_job,
    ))
    .scenario(Scenario::new(
        "shutdown-resolves-queued",
        "a job queued behind a busy thread resolves with a shutdown error when its pool shuts down",
        shutdown_resolves_queued,
    ))
    .build()
}

fn panicking_job(blocking: &BlockingUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let boom = blocking
        .pool
        .spawn(|| -> u32 { panic!("{}", crate::scenarios::contract_join::BOOM) });
    let next = blocking.pool.spawn(|| 7u32);
    let cx = cx.clone();
    Box::pin(async move {
        cx.at("awaiting a job that panics");
        let error = boom.await.expect_err("a panicking job succeeded");
        assert!(error.is_panic(), "{error}");
        assert_eq!(
            error.panic_message(),
            Some(crate::scenarios::contract_join::BOOM)
        );
        cx.at("awaiting the job after the panic");
        assert_eq!(next.await.expect("the next job"), 7);
    })
}

fn shutdown_resolves_queued(_: &BlockingUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let pool = BlockingPool::builder().max_threads(1).build();
    let (started_tx, started) = mpsc::channel::<()>();
    let (release, hold) = mpsc::channel::<()>();
    let busy = pool.spawn(move || {
        let _ = started_tx.send(());
        hold.recv().is_ok()
    });
    started
        .recv_timeout(Duration::from_secs(10))
        .expect("the busy job starts on the pool's thread");
    let cx = cx.clone();
    Box::pin(async move {
        let mut queued = pool.spawn(|| "never runs");
        assert_pending(&mut queued, "a job queued behind a busy thread").await;
        on_another_thread(move || {
            pool.shutdown_timeout(Duration::ZERO);
            let _ = release.send(());
        });
        cx.at("awaiting a queued job while its pool shuts down");
        let error = queued
            .await
            .expect_err("a queued job ran after the shutdown");
        assert!(error.is_shutdown(), "{error}");
        cx.at("awaiting the busy job after the shutdown");
        assert!(busy.await.expect("the busy job finishes"), "released");
    })
}
