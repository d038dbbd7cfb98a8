//! Small futures every executor, reactor and test needs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Gives other tasks a turn: returns `Pending` once, after waking its own task, then
/// `Ready(())`.
///
/// The wake goes through the executor's scheduler like any other, so the task goes to the
/// back of its run queue (on Wakewire's executors) rather than being polled again in place.
///
/// ```
/// use wakewire_core::future::yield_now;
///
/// let mut yields = 0;
/// wakewire_core::block_on(async {
///     for _ in 0..3 {
///         yield_now().await;
///         yields += 1;
///     }
/// });
/// assert_eq!(yields, 3);
/// ```
///
/// # Wakeups
///
/// The first poll wakes the waker it is given (`wake_by_ref`) and returns `Pending`; the
/// second returns `Ready` and stores nothing.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you poll them"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
