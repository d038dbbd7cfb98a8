//! [`BlockingJob`]: the leaf future of one blocking job.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::BlockingError;
use crate::job::Completion;
use crate::sync::Arc;

/// A closure running (or queued) on a [`BlockingPool`](crate::BlockingPool); resolves to
/// its return value.
///
/// Made by [`spawn_blocking`](crate::spawn_blocking) and
/// [`BlockingPool::spawn`](crate::BlockingPool::spawn). It needs no runtime: poll it from any
/// executor, ours or a foreign one.
///
/// # Errors
///
/// Resolves to `Err(`[`BlockingError`]`)` when the closure panicked
/// ([`is_panic`](BlockingError::is_panic), payload kept) or when the pool shut down before
/// the job started ([`is_shutdown`](BlockingError::is_shutdown)).
///
/// # Wakeups
///
/// Each poll that returns `Pending` stores the context's waker in the job's
/// [`WakerSlot`](wakewire_core::waker::WakerSlot), replacing an older one unless it
/// `will_wake` the same task. The pool thread wakes it exactly once: after the closure
/// returned or panicked (and the result is stored), or when the pool drops the job unrun.
///
/// # Cancel safety
///
/// Dropping the future **before the job starts** cancels the job: the closure is dropped
/// unrun, on the pool thread that would have run it. Dropping it **while the closure runs**
/// cannot stop the closure; its result is dropped on the pool thread when it returns.
///
/// # Panics
///
/// Polling again after the future returned `Ready` panics.
#[must_use = "futures do nothing unless you poll them; dropping a BlockingJob cancels a job that has not started"]
pub struct BlockingJob<T> {
    /// `None` once the result was returned.
    completion: Option<Arc<Completion<T>>>,
}

impl<T> BlockingJob<T> {
    pub(crate) fn new(completion: Arc<Completion<T>>) -> Self {
        BlockingJob {
            completion: Some(completion),
        }
    }

    /// Whether the result is ready to be taken by the next poll (also `true` once it was
    /// taken).
    pub fn is_finished(&self) -> bool {
        self.completion.as_ref().is_none_or(|c| c.is_done())
    }
}

impl<T> Future for BlockingJob<T> {
    type Output = Result<T, BlockingError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let completion = self
            .completion
            .as_ref()
            .expect("BlockingJob polled after it already returned its result");
        // Register, then check: a completion after the check wakes the stored waker.
        completion.waker.register(cx.waker());
        match completion.try_take() {
            Some(result) => {
                self.completion = None;
                Poll::Ready(result)
            }
            None => Poll::Pending,
        }
    }
}

impl<T> Drop for BlockingJob<T> {
    fn drop(&mut self) {
        if let Some(completion) = self.completion.take() {
            let unread = completion.detach();
            // The pool will not wake us any more; release the task's waker now.
            drop(completion.waker.take());
            drop(unread);
        }
    }
}

impl<T> fmt::Debug for BlockingJob<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingJob")
            .field("finished", &self.is_finished())
            .finish()
    }
}
