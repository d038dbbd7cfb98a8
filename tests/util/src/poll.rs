//! Polling by hand.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Polls `future` once with `waker`.
///
/// ```
/// use std::task::Poll;
/// use wakewire_core::waker::noop_waker;
/// use wakewire_test_util::poll_once;
///
/// let mut ready = std::future::ready(7);
/// assert_eq!(poll_once(&mut ready, &noop_waker()), Poll::Ready(7));
/// ```
pub fn poll_once<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

/// Polls `future` once with the waker of the task that awaits the returned future, and
/// returns what the poll returned: a leaf can be made to register with the task's waker
/// (and be seen to be pending) before the test goes on.
///
/// ```
/// use wakewire_test_util::poll_in_task;
///
/// wakewire_core::block_on(async {
///     let mut never = std::future::pending::<()>();
///     assert!(poll_in_task(&mut never).await.is_pending());
/// });
/// ```
pub fn poll_in_task<F: Future + Unpin>(future: &mut F) -> PollInTask<'_, F> {
    PollInTask { future }
}

/// The future returned by [`poll_in_task`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you poll them"]
pub struct PollInTask<'a, F> {
    future: &'a mut F,
}

impl<F: Future + Unpin> Future for PollInTask<'_, F> {
    type Output = Poll<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Poll<F::Output>> {
        Poll::Ready(Pin::new(&mut *self.future).poll(cx))
    }
}
