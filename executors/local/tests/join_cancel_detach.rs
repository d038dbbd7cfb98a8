//! Join handles on the local executor, beyond the contract every executor meets (the
//! matrix's `contract` column: output, detach, cancel): a cancel before the first poll
//! means no poll at all, polling a finished handle again panics clearly, ids are unique.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use wakewire_core::waker::noop_waker;
use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::panic_text;

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
