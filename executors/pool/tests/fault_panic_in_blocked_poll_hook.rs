//! A blocked-poll hook that panics is user code the worker calls outside any task: its
//! panic is caught and counted (`PoolMetrics::caught_panics`) like a panicking park or
//! thread hook, and the task whose poll was reported keeps its output.

use std::time::Duration;

use futures_util::FutureExt;
use wakewire_executor_pool::{PolledFuture, Pool};

use wakewire_test_util::watchdog;

#[test]
fn a_panicking_blocked_poll_hook_keeps_the_task_output() {
    let _dog = watchdog(
        "a_panicking_blocked_poll_hook_keeps_the_task_output",
        Duration::from_secs(20),
    );
    let mut pool = Pool::builder()
        .workers(1)
        // Zero: every poll is reported.
        .blocked_poll_threshold(Duration::ZERO)
        .on_blocked_poll(|_| panic!("the blocked-poll hook panics"))
        .build();
    // Waited for on a plain channel: `block_on`'s own future would be reported too.
    let (done, finished) = std::sync::mpsc::channel();
    let task = pool
        .spawn(async move { done.send(()).map(|()| 1) })
        .unwrap();
    finished.recv().unwrap();
    // The hook runs after the poll returned, possibly after the handle saw the output:
    // the counts are exact once the worker has stopped.
    pool.shutdown(Duration::from_secs(10)).unwrap();
    let metrics = pool.metrics();
    assert_eq!(metrics.blocked_polls, 1);
    assert_eq!(metrics.caught_panics, 1);
    assert_eq!(
        task.now_or_never().map(|output| output.unwrap().unwrap()),
        Some(1)
    );
}

#[test]
fn a_panicking_hook_on_the_block_on_future_is_caught_on_the_calling_thread() {
    let _dog = watchdog(
        "a_panicking_hook_on_the_block_on_future_is_caught_on_the_calling_thread",
        Duration::from_secs(20),
    );
    let caller = std::thread::current().id();
    let mut pool = Pool::builder()
        .workers(1)
        .blocked_poll_threshold(Duration::ZERO)
        .on_blocked_poll(move |report| {
            assert_eq!(report.polled, PolledFuture::BlockOn);
            assert_eq!(report.worker, None, "the caller is no worker");
            assert_eq!(std::thread::current().id(), caller);
            panic!("the blocked-poll hook panics")
        })
        .build();
    assert_eq!(pool.block_on(async { 7 }), 7);
    pool.shutdown(Duration::from_secs(10)).unwrap();
    let metrics = pool.metrics();
    assert_eq!(metrics.blocked_polls, 1);
    assert_eq!(metrics.caught_panics, 1);
}
