//! A blocked-poll hook that panics is user code the worker calls outside any task: its
//! panic is caught and counted (`PoolMetrics::caught_panics`) like a panicking park or
//! thread hook, and the task whose poll was reported keeps its output.

use std::time::Duration;

use wakewire_executor_pool::Pool;

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
    let task = pool.spawn(async { 1 }).unwrap();
    assert_eq!(pool.block_on(task).unwrap(), 1);
    // The hook runs after the poll returned, possibly after the handle saw the output:
    // the counts are exact once the worker has stopped.
    pool.shutdown(Duration::from_secs(10)).unwrap();
    let metrics = pool.metrics();
    assert_eq!(metrics.blocked_polls, 1);
    assert_eq!(metrics.caught_panics, 1);
}
