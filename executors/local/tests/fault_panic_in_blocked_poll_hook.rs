//! A blocked-poll hook that panics: the panic reaches the caller that drove the executor
//! (`block_on`, `try_tick`, `run_until_stalled`), after the poll returned, so the task whose
//! poll was reported keeps its output and the executor stays usable.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::panic_text;

#[test]
fn a_panicking_blocked_poll_hook_reaches_the_driver_and_keeps_the_output() {
    let ex = LocalExecutor::builder()
        // Zero: every poll is reported.
        .blocked_poll_threshold(Duration::ZERO)
        .on_blocked_poll(|_| panic!("the blocked-poll hook panics"))
        .build();
    let mut task = ex.spawn(async { 1 }).unwrap();
    let first = catch_unwind(AssertUnwindSafe(|| ex.block_on(&mut task)));
    let payload = first.expect_err("the hook's panic reaches block_on's caller");
    assert_eq!(panic_text(&*payload), "the blocked-poll hook panics");
    assert!(task.is_finished());
    assert_eq!(ex.metrics().blocked_polls, 1);
    // The executor is usable again, and the task's output was kept.
    assert_eq!(ex.block_on(task).unwrap(), 1);
}
