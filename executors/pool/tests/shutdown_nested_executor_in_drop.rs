//! The pool's shutdown drops unfinished futures outside any worker's run loop (the sweep).
//! A future whose `Drop` drives an unrelated `LocalExecutor` must see that executor poll
//! its tasks normally: the pool's cancellation must not leak into it.

mod util;

use std::sync::mpsc;
use std::time::Duration;

use wakewire_core::{BlockOn, Spawn};
use wakewire_executor_local::LocalExecutor;
use wakewire_executor_pool::Pool;

use util::{watchdog, yield_now, Parked};

struct DrivesAnotherExecutor(mpsc::Sender<Result<u32, String>>);

impl Drop for DrivesAnotherExecutor {
    fn drop(&mut self) {
        // Only reachable from a thread that is not running an executor; on a worker the
        // nested block_on panics (that panic is swallowed with the drop, and `seen` reports
        // a disconnected channel instead of a value).
        let inner = LocalExecutor::new();
        let task = inner.spawn(async { 7 }).unwrap();
        let _ = self
            .0
            .send(inner.block_on(task).map_err(|err| err.to_string()));
    }
}

#[test]
fn nested_executor_in_a_drop_during_pool_shutdown_runs_its_tasks() {
    let _dog = watchdog(
        "nested_executor_in_a_drop_during_pool_shutdown_runs_its_tasks",
        Duration::from_secs(20),
    );
    let (seen_tx, seen) = mpsc::channel();
    let (wakers_tx, wakers) = mpsc::channel();
    let mut pool = Pool::builder().workers(2).build();
    let drives = DrivesAnotherExecutor(seen_tx);
    let parked = Parked(wakers_tx);
    drop(
        pool.spawn(async move {
            let _drives = drives;
            // Registered with the pool's live-task registry at the end of this first poll,
            // before the second one hands the waker out.
            yield_now().await;
            parked.await
        })
        .unwrap(),
    );
    // The task has been polled twice and waits: only the shutdown sweep can find it (a
    // task not yet registered would be requeued and dropped by a worker, where a
    // `block_on` panics by design).
    let waker = wakers.recv().unwrap();
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(
        seen.recv()
            .map_err(|_| "the drop's nested block_on panicked"),
        Ok(Ok(7))
    );
    drop(waker);
}
