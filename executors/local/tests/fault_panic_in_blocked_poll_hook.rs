//! A blocked-poll hook that panics: the panic reaches the caller that drove the executor
//! (`block_on`, `try_tick`, `run_until_stalled`), after the poll returned, so the task whose
//! poll was reported keeps its output and the executor stays usable. The `block_on`
//! future's own polls are reported too.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use futures_util::FutureExt;
use wakewire_core::PolledFuture;
use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::panic_text;

#[test]
fn a_panicking_blocked_poll_hook_reaches_the_driver_and_keeps_the_output() {
    let ex = LocalExecutor::builder()
        // Zero: every poll is reported.
        .blocked_poll_threshold(Duration::ZERO)
        .on_blocked_poll(|_| panic!("the blocked-poll hook panics"))
        .build();
    let task = ex.spawn(async { 1 }).unwrap();
    // Driven by `try_tick`: `block_on`'s own future would be reported (and panic) first.
    let first = catch_unwind(AssertUnwindSafe(|| ex.try_tick()));
    let payload = first.expect_err("the hook's panic reaches try_tick's caller");
    assert_eq!(panic_text(&*payload), "the blocked-poll hook panics");
    assert!(task.is_finished());
    assert_eq!(ex.metrics().blocked_polls, 1);
    // The executor is usable again, and the task's output was kept.
    assert!(!ex.try_tick(), "nothing left to run");
    assert_eq!(task.now_or_never().map(Result::unwrap), Some(1));
}

#[test]
fn a_panicking_hook_on_the_block_on_future_reaches_block_on_s_caller() {
    let ex = LocalExecutor::builder()
        .blocked_poll_threshold(Duration::ZERO)
        .on_blocked_poll(|report| {
            assert_eq!(report.polled, PolledFuture::BlockOn);
            panic!("the blocked-poll hook panics")
        })
        .build();
    let payload = catch_unwind(AssertUnwindSafe(|| ex.block_on(async { 1 })))
        .expect_err("the hook's panic reaches block_on's caller");
    assert_eq!(panic_text(&*payload), "the blocked-poll hook panics");
    assert_eq!(ex.metrics().blocked_polls, 1);
}
