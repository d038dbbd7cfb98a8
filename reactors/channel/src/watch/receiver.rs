//! The watch [`Receiver`] and its [`Changed`] future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Channel, Ref};
use crate::error::RecvError;
use crate::sync::{lock, read, Arc};
use crate::waiters::WaiterKey;

/// Observes a [`watch`](super) channel's latest value. Clones share nothing but the channel:
/// each remembers its own seen version.
pub struct Receiver<T> {
    channel: Arc<Channel<T>>,
    seen: u64,
    waiter: Option<WaiterKey>,
}

impl<T> Receiver<T> {
    pub(super) fn new(channel: Arc<Channel<T>>, seen: u64) -> Self {
        Receiver {
            channel,
            seen,
            waiter: None,
        }
    }

    /// Reads the latest value without marking it seen.
    ///
    /// Sends wait while the returned guard lives: do not hold it across an `.await`.
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            guard: read(&self.channel.value),
        }
    }

    /// Reads the latest value and marks its version seen (same guard rules as
    /// [`borrow`](Self::borrow)).
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let guard = read(&self.channel.value);
        // Under the read lock the version cannot move: it matches `guard`.
        self.seen = lock(&self.channel.state).version;
        Ref { guard }
    }

    /// Whether a value newer than the last seen one was sent.
    ///
    /// # Errors
    ///
    /// [`RecvError`] if the sender is gone and nothing new is left to see.
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let state = lock(&self.channel.state);
        match (state.version != self.seen, state.sender_gone) {
            (true, _) => Ok(true),
            (false, true) => Err(RecvError),
            (false, false) => Ok(false),
        }
    }

    /// The version this receiver saw last (0 is the initial value; each send adds 1).
    pub fn seen_version(&self) -> u64 {
        self.seen
    }

    /// Waits for a value newer than the last seen one, and marks it seen.
    ///
    /// # Errors
    ///
    /// [`RecvError`] if the sender is gone and nothing new is left to see.
    pub fn changed(&mut self) -> Changed<'_, T> {
        Changed { receiver: self }
    }

    fn poll_changed(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), RecvError>> {
        // Checking and registering happen under one lock; the sender bumps the version and
        // takes the waiters under the same lock, so no send slips between them.
        let mut state = lock(&self.channel.state);
        let ready = if state.version != self.seen {
            self.seen = state.version;
            Some(Ok(()))
        } else if state.sender_gone {
            Some(Err(RecvError))
        } else {
            None
        };
        // A waker removed or replaced here is dropped after unlocking.
        if let Some(result) = ready {
            let own_waker = self
                .waiter
                .take()
                .and_then(|key| state.waiters.remove(key).waker);
            drop(state);
            drop(own_waker);
            return Poll::Ready(result);
        }
        let replaced = state.waiters.register(&mut self.waiter, cx.waker(), false);
        drop(state);
        drop(replaced);
        Poll::Pending
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        lock(&self.channel.state).receivers += 1;
        Receiver::new(self.channel.clone(), self.seen)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut state = lock(&self.channel.state);
        let own_waker = self
            .waiter
            .take()
            .and_then(|key| state.waiters.remove(key).waker);
        state.receivers -= 1;
        drop(state);
        drop(own_waker);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("watch::Receiver")
            .field("seen_version", &self.seen)
            .finish()
    }
}

/// The future of [`Receiver::changed`].
///
/// # Wakeups
///
/// While nothing new was sent, the latest poll's waker waits among the receivers; every
/// send wakes all of them, and so does dropping the sender.
///
/// # Cancel safety
///
/// Cancel safe: the seen version only moves in the poll that returns `Ready`. Dropping a
/// pending `Changed` removes its waker.
///
/// # Polling after completion
///
/// Polling again after `Ready` simply waits for the *next* change (it behaves like a new
/// `changed()` call).
#[must_use = "futures do nothing unless you poll them"]
pub struct Changed<'a, T> {
    receiver: &'a mut Receiver<T>,
}

impl<T> Future for Changed<'_, T> {
    type Output = Result<(), RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().receiver.poll_changed(cx)
    }
}

impl<T> Drop for Changed<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.receiver.waiter.take() {
            let removed = lock(&self.receiver.channel.state).waiters.remove(key);
            // Dropped after the statement above released the lock.
            drop(removed);
        }
    }
}

impl<T> fmt::Debug for Changed<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("watch::Changed").finish_non_exhaustive()
    }
}
