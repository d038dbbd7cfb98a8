//! `Cancelable` on Wakewire's executors: cancel wakes the task through its own waker, the
//! inner future is dropped in place at the next poll, and whatever awaits it goes on; plus
//! cancel after completion, twice, from another thread, and from the future's own `Drop`.

use std::future::{pending, Future};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use wakewire_adapter_cancel::{CancelHandle, Cancelable, Canceled};
use wakewire_core::waker::counting_waker;
use wakewire_executor_local::LocalExecutor;
use wakewire_executor_pool::Pool;

/// Counts drops of the future it is moved into.
struct Guard(Arc<AtomicUsize>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn cancel_wakes_the_task_and_the_next_poll_drops_the_inner_future() {
    let drops = Arc::new(AtomicUsize::new(0));
    let guard = Guard(drops.clone());
    let (future, handle) = Cancelable::new(async move {
        let _guard = guard;
        pending::<u32>().await
    });
    let mut future = pin!(future);
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(future.as_mut().poll(&mut cx).is_pending());
    assert_eq!(wakes.wakes(), 0);

    assert!(handle.cancel());
    assert_eq!(
        wakes.wakes(),
        1,
        "woken through the waker stored at the last poll"
    );
    assert_eq!(
        drops.load(Ordering::SeqCst),
        0,
        "dropped by the poll, not by cancel"
    );
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(Err(Canceled)));
    assert_eq!(drops.load(Ordering::SeqCst), 1, "dropped in place, once");
}

#[test]
fn the_awaiting_task_goes_on_after_a_cancel_on_the_local_executor() {
    let ex = LocalExecutor::new();
    let (future, handle) = Cancelable::new(pending::<()>());
    let task = ex
        .spawn(async move {
            let outcome = future.await;
            // Goes on: the cancel is an ordinary value.
            (outcome, "went on")
        })
        .unwrap();
    ex.run_until_stalled();
    assert!(!task.is_finished());
    handle.cancel();
    assert_eq!(ex.block_on(task).unwrap(), (Err(Canceled), "went on"));
}

#[test]
fn cancel_from_another_thread_reaches_a_task_on_the_pool() {
    let mut pool = Pool::builder().workers(2).build();
    let (future, handle) = Cancelable::new(pending::<()>());
    let (polled_tx, polled_rx) = mpsc::channel();
    let task = pool
        .spawn(async move {
            let future = Polled(future, Some(polled_tx));
            future.await
        })
        .unwrap();
    polled_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the task waits on the cancelable future");
    let canceller = thread::spawn(move || handle.cancel());
    assert!(canceller.join().unwrap());
    assert_eq!(pool.block_on(task).unwrap(), Err(Canceled));
    pool.shutdown(Duration::from_secs(10)).unwrap();
}

/// Reports its first poll, then polls the inner future.
struct Polled<F>(F, Option<mpsc::Sender<()>>);

impl<F: Future + Unpin> Future for Polled<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let output = Pin::new(&mut self.0).poll(cx);
        if let Some(polled) = self.1.take() {
            let _ = polled.send(());
        }
        output
    }
}

#[test]
fn cancel_after_completion_leaves_the_output_alone() {
    let (future, handle) = Cancelable::new(async { 5 });
    assert_eq!(wakewire_core::block_on(future), Ok(5));
    assert!(handle.cancel(), "the flag is set all the same");
    assert!(handle.is_canceled());
    assert!(!handle.cancel());
}

#[test]
fn cancel_twice_wakes_once_and_reports_the_second_as_a_repeat() {
    let (future, handle) = Cancelable::new(pending::<()>());
    let mut future = pin!(future);
    let (waker, wakes) = counting_waker();
    assert!(future
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    assert!(handle.cancel());
    assert!(!handle.clone().cancel());
    assert_eq!(
        wakes.wakes(),
        1,
        "the second cancel finds no waker left to wake"
    );
    assert_eq!(
        future.as_mut().poll(&mut Context::from_waker(&waker)),
        Poll::Ready(Err(Canceled))
    );
}

/// Calls `cancel` on its own handle when dropped.
struct CancelsOnDrop(Arc<Mutex<Option<CancelHandle>>>, Arc<AtomicUsize>);

impl Drop for CancelsOnDrop {
    fn drop(&mut self) {
        if let Some(handle) = self.0.lock().unwrap().take() {
            handle.cancel();
        }
        self.1.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn cancel_from_the_inner_futures_own_drop_after_it_completed() {
    let slot = Arc::new(Mutex::new(None));
    let drops = Arc::new(AtomicUsize::new(0));
    let on_drop = CancelsOnDrop(slot.clone(), drops.clone());
    let (future, handle) = Cancelable::new(async move {
        let _on_drop = on_drop;
        9
    });
    *slot.lock().unwrap() = Some(handle.clone());
    // The inner future is dropped as it completes; its Drop cancels: no deadlock, and the
    // output that was already there is returned.
    assert_eq!(wakewire_core::block_on(future), Ok(9));
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert!(handle.is_canceled());
}

#[test]
fn cancel_from_the_inner_futures_own_drop_while_being_canceled() {
    let slot = Arc::new(Mutex::new(None));
    let drops = Arc::new(AtomicUsize::new(0));
    let on_drop = CancelsOnDrop(slot.clone(), drops.clone());
    let (future, handle) = Cancelable::new(async move {
        let _on_drop = on_drop;
        pending::<()>().await
    });
    *slot.lock().unwrap() = Some(handle.clone());
    let ex = LocalExecutor::new();
    let task = ex.spawn(future).unwrap();
    ex.run_until_stalled();
    assert!(handle.cancel());
    // The poll that drops the inner future runs its Drop, which cancels again (a repeat).
    assert_eq!(ex.block_on(task).unwrap(), Err(Canceled));
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
#[should_panic(expected = "Cancelable polled after it completed")]
fn polling_after_completion_panics_with_a_clear_message() {
    let (future, _handle) = Cancelable::new(async {});
    let mut future = pin!(future);
    let (waker, _) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(future.as_mut().poll(&mut cx).is_ready());
    let _ = future.as_mut().poll(&mut cx);
}
