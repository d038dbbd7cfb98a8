//! The pool's shutdown drops unfinished futures outside any run loop, on both of its paths:
//! the sweep (tasks waiting in a reactor, found through the live-task registry) and a
//! worker's drain (tasks still queued on it when it stops). A future whose `Drop` drives an
//! unrelated `LocalExecutor` must see that executor poll its tasks normally, whichever path
//! drops it: the thread is not entered, and the pool's cancellation does not leak in.

use std::sync::mpsc;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_local::LocalExecutor;
use wakewire_executor_pool::Pool;

use wakewire_test_util::{watchdog, Parked};

struct DrivesAnotherExecutor(mpsc::Sender<Result<u32, String>>);

impl Drop for DrivesAnotherExecutor {
    fn drop(&mut self) {
        // A nested block_on panics on a thread that is running an executor (that panic is
        // swallowed with the drop, and `seen` reports a disconnected channel instead).
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
    // The task has been polled twice and waits: only the shutdown sweep can find it.
    let waker = wakers.recv().unwrap();
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(
        seen.recv()
            .map_err(|_| "the drop's nested block_on panicked"),
        Ok(Ok(7))
    );
    drop(waker);
}

/// The other place shutdown drops futures: a task still queued on a worker when shutdown
/// begins is dropped by that worker, after it stopped polling. Its destructor, too, may
/// block on another executor.
#[test]
fn nested_executor_in_a_drop_of_a_task_queued_on_a_worker_at_shutdown() {
    let _dog = watchdog(
        "nested_executor_in_a_drop_of_a_task_queued_on_a_worker_at_shutdown",
        Duration::from_secs(20),
    );
    let (seen_tx, seen) = mpsc::channel();
    let (spawned_tx, spawned) = mpsc::channel();
    let mut pool = Pool::builder().workers(1).build();
    let spawner = pool.spawner();
    drop(
        pool.spawn(async move {
            let drives = DrivesAnotherExecutor(seen_tx);
            // Queued behind this task on the only worker: never polled before shutdown.
            drop(
                spawner
                    .spawn(async move {
                        let _drives = drives;
                        std::future::pending::<()>().await
                    })
                    .unwrap(),
            );
            spawned_tx.send(()).unwrap();
            // Keep the worker until shutdown has begun, so the child is still queued then.
            while !spawner.is_shutdown() {
                std::thread::yield_now();
            }
        })
        .unwrap(),
    );
    spawned.recv().unwrap();
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(
        seen.recv()
            .map_err(|_| "the drop's nested block_on panicked"),
        Ok(Ok(7))
    );
}
