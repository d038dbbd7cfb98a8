//! Receiving from a broadcast channel: `try_recv`, `recv` and the [`Recv`] future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Receiver, RecvError, TryRecvError};
use crate::sync::lock;

impl<T: Clone> Receiver<T> {
    /// Returns the next value if one is there.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Lagged`] if values were overwritten before this receiver read them
    /// (reported once, then reading resumes at the oldest retained value);
    /// [`TryRecvError::Empty`] if nothing new was sent; [`TryRecvError::Closed`] if every
    /// sender is gone and everything was read.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let state = lock(&self.channel.state);
        if self.next < state.head {
            let missed = state.head - self.next;
            self.next = state.head;
            return Err(TryRecvError::Lagged(missed));
        }
        if self.next < state.tail() {
            let value = state.ring[(self.next - state.head) as usize].clone();
            self.next += 1;
            return Ok(value);
        }
        if state.senders == 0 {
            Err(TryRecvError::Closed)
        } else {
            Err(TryRecvError::Empty)
        }
    }

    /// Waits for the next value.
    ///
    /// # Errors
    ///
    /// [`RecvError::Lagged`] and [`RecvError::Closed`], as for [`try_recv`](Self::try_recv).
    pub fn recv(&mut self) -> Recv<'_, T> {
        Recv {
            receiver: self,
            done: false,
        }
    }

    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>> {
        // Checking and registering happen under one lock: a send cannot slip between them.
        let mut state = lock(&self.channel.state);
        let ready = if self.next < state.head {
            let missed = state.head - self.next;
            self.next = state.head;
            Some(Err(RecvError::Lagged(missed)))
        } else if self.next < state.tail() {
            let value = state.ring[(self.next - state.head) as usize].clone();
            self.next += 1;
            Some(Ok(value))
        } else if state.senders == 0 {
            Some(Err(RecvError::Closed))
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

/// The future of [`Receiver::recv`].
///
/// # Wakeups
///
/// While nothing new is there, the latest poll's waker waits among the receivers; every
/// send wakes all of them, and so does dropping the last sender.
///
/// # Cancel safety
///
/// Cancel safe: the receiver's position only moves in the poll that returns a value or a
/// `Lagged` report. Dropping a pending `Recv` removes its waker.
///
/// # Panics
///
/// Polling again after it returned `Ready` panics ("`broadcast::Recv` polled after it
/// completed").
#[must_use = "futures do nothing unless you poll them"]
pub struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
    done: bool,
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        assert!(!this.done, "`broadcast::Recv` polled after it completed");
        let result = std::task::ready!(this.receiver.poll_recv(cx));
        this.done = true;
        Poll::Ready(result)
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.receiver.waiter.take() {
            let removed = lock(&self.receiver.channel.state).waiters.remove(key);
            // Dropped after the statement above released the lock.
            drop(removed);
        }
    }
}

impl<T> fmt::Debug for Recv<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Recv")
            .field("done", &self.done)
            .finish()
    }
}
