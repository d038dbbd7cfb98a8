//! The join-handle contract on the local executor: cancel, detach, is_finished, and polling
//! a finished handle.

mod util;

use std::future::{pending, Future};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use wakewire_core::future::yield_now;
use wakewire_core::waker::noop_waker;
use wakewire_executor_local::LocalExecutor;

use util::{panic_text, DropCounter};

#[test]
fn cancel_drops_the_future_at_the_next_turn_and_reports_cancelled() {
    let ex = LocalExecutor::new();
    let drops = DropCounter::default();
    let guard = drops.guard();
    let handle = ex
        .spawn(async move {
            let _g = guard;
            pending::<u32>().await
        })
        .unwrap();
    ex.run_until_stalled();
    assert!(!handle.is_finished());
    handle.cancel();
    assert_eq!(
        drops.get(),
        0,
        "dropped by the executor, not by cancel() itself"
    );
    let polls_before = ex.metrics().polls;
    ex.run_until_stalled();
    assert_eq!(drops.get(), 1);
    assert_eq!(ex.metrics().polls, polls_before + 1, "one turn to drop it");
    assert!(handle.is_finished());
    let err = ex.block_on(handle).unwrap_err();
    assert!(err.is_cancelled() && !err.is_panic());
    assert!(err.to_string().contains("was cancelled"));
    assert_eq!(ex.metrics().live_tasks, 0);
}

#[test]
fn cancel_before_first_poll_never_polls() {
    let ex = LocalExecutor::new();
    let polled = Arc::new(AtomicUsize::new(0));
    let counter = polled.clone();
    let handle = ex
        .spawn(async move {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    handle.cancel();
    handle.cancel(); // twice is fine
    assert!(ex.block_on(handle).unwrap_err().is_cancelled());
    assert_eq!(polled.load(Ordering::SeqCst), 0);
}

#[test]
fn cancel_after_completion_keeps_the_output() {
    let ex = LocalExecutor::new();
    let handle = ex.spawn(async { 5 }).unwrap();
    ex.run_until_stalled();
    assert!(handle.is_finished());
    handle.cancel();
    assert_eq!(ex.block_on(handle).unwrap(), 5);
}

#[test]
fn dropping_the_handle_detaches_the_task() {
    let ex = LocalExecutor::new();
    let done = Arc::new(AtomicUsize::new(0));
    let counter = done.clone();
    drop(
        ex.spawn(async move {
            for _ in 0..3 {
                yield_now().await;
            }
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap(),
    );
    ex.run_until_stalled();
    assert_eq!(
        done.load(Ordering::SeqCst),
        1,
        "a detached task runs to completion"
    );
    assert_eq!(ex.metrics().live_tasks, 0);
}

#[test]
fn polling_a_finished_handle_again_panics_with_a_clear_message() {
    let ex = LocalExecutor::new();
    let mut handle = ex.spawn(async { 1 }).unwrap();
    ex.run_until_stalled();
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(matches!(
        std::pin::Pin::new(&mut handle).poll(&mut cx),
        Poll::Ready(Ok(1))
    ));
    assert!(handle.is_finished());
    let payload = catch_unwind(AssertUnwindSafe(|| {
        std::pin::Pin::new(&mut handle).poll(&mut cx)
    }))
    .unwrap_err();
    let text = panic_text(&*payload);
    assert!(text.contains("polled after it already returned"), "{text}");
}

#[test]
fn handle_ids_are_unique_and_match_errors() {
    let ex = LocalExecutor::new();
    let a = ex.spawn(async { panic!("a") }).unwrap();
    let b = ex.spawn(async {}).unwrap();
    assert_ne!(a.id(), b.id());
    let id = a.id();
    assert_eq!(ex.block_on(a).unwrap_err().id(), id);
}
