//! [`Receiver`], its [`Recv`] future and its `Stream` impl.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use super::chan::Chan;
use crate::blocking::block_on;
use crate::error::{RecvError, TryRecvError};
use crate::sync::Arc;

/// The receiving half of an [`mpsc`](super) channel.
///
/// It is also a [`Stream`] that ends when the channel is closed and drained. Dropping it
/// closes the channel: later sends fail and hand their value back, and values still
/// buffered are dropped.
pub struct Receiver<T> {
    pub(super) chan: Arc<Chan<T>>,
    /// Values moved out of the shared queue in one batch, received from here without
    /// the channel's lock (they still count against its capacity).
    pub(super) buffer: VecDeque<T>,
    /// The stream returned `None`; polling it again keeps returning `None`.
    pub(super) terminated: bool,
}

impl<T> Receiver<T> {
    /// Receives the next value, waiting for one if the channel is empty.
    ///
    /// # Errors
    ///
    /// [`RecvError`] once the channel is closed (every sender dropped, or `close` called)
    /// **and** every value sent before was received.
    pub fn recv(&mut self) -> Recv<'_, T> {
        Recv {
            chan: &self.chan,
            buffer: &mut self.buffer,
            state: RecvState::Idle,
        }
    }

    /// Receives a value if one is buffered right now.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if nothing is buffered but senders remain,
    /// [`TryRecvError::Closed`] if the channel is closed and drained.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.chan.try_recv(&mut self.buffer)
    }

    /// Receives from a plain thread, blocking it until a value arrives.
    ///
    /// # Errors
    ///
    /// As [`recv`](Self::recv).
    ///
    /// # Panics
    ///
    /// If called on a thread that runs a Wakewire executor (it would block every task there).
    pub fn recv_blocking(&mut self) -> Result<T, RecvError> {
        block_on("Receiver::recv_blocking", self.recv())
    }

    /// Polls for the next value: the building block of [`recv`](Self::recv) and the
    /// `Stream` impl, for hand-written futures.
    ///
    /// # Wakeups
    ///
    /// As [`Recv`]; the waker stays stored until a value arrives or the channel closes.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>> {
        self.chan.poll_recv(cx, &mut self.buffer)
    }

    /// Closes the channel: sends fail from now on (waiting senders are woken and get their
    /// value back), while the values already buffered can still be received. Returns
    /// whether this call closed it.
    ///
    /// # Panics
    ///
    /// Propagates the first panic of a waiting sender's waker, after waking all the others.
    pub fn close(&mut self) -> bool {
        self.chan.close()
    }

    /// Whether no more values can arrive beyond those buffered.
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// How many values are buffered.
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// Whether no value is buffered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capacity; `None` for an unbounded channel.
    pub fn capacity(&self) -> Option<usize> {
        self.chan.capacity()
    }
}

// The buffered values are never pinned (a receive moves them out), so a `Receiver` is
// `Unpin` whatever `T` is, as it was before it had a buffer.
impl<T> Unpin for Receiver<T> {}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.chan.drop_receiver();
    }
}

impl<T> Stream for Receiver<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        if this.terminated {
            return Poll::Ready(None);
        }
        this.chan
            .poll_recv(cx, &mut this.buffer)
            .map(|result| match result {
                Ok(value) => Some(value),
                Err(RecvError) => {
                    this.terminated = true;
                    None
                }
            })
    }
}

impl<T> FusedStream for Receiver<T> {
    fn is_terminated(&self) -> bool {
        self.terminated
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("len", &self.chan.len())
            .field("capacity", &self.chan.capacity())
            .field("closed", &self.chan.is_closed())
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecvState {
    Idle,
    Waiting,
    Done,
}

/// The future of [`Receiver::recv`].
///
/// # Wakeups
///
/// When the channel is empty, the task's waker is stored as the receiver's (the latest
/// poll's waker replaces an older one). The next send wakes it, and so do closing the
/// channel and dropping the last sender.
/// Under a Wakewire executor's [cooperative budget](wakewire_core::coop), once the
/// task's budget is spent it returns `Pending` without touching the channel and wakes the
/// task at once.
///
/// # Cancel safety
///
/// Cancel safe: a value is only taken from the channel in the poll that returns it, so a
/// dropped `Recv` loses nothing. Dropping it while pending also removes its waker.
///
/// # Panics
///
/// Polling again after it returned `Ready` panics with
/// "`Recv` polled after it completed"; call [`Receiver::recv`] again instead.
#[must_use = "futures do nothing unless you poll them"]
pub struct Recv<'a, T> {
    chan: &'a Chan<T>,
    buffer: &'a mut VecDeque<T>,
    state: RecvState,
}

impl<T> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        assert!(
            this.state != RecvState::Done,
            "`Recv` polled after it completed"
        );
        match this.chan.poll_recv(cx, this.buffer) {
            Poll::Ready(result) => {
                this.state = RecvState::Done;
                Poll::Ready(result)
            }
            Poll::Pending => {
                this.state = RecvState::Waiting;
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        if self.state == RecvState::Waiting {
            self.chan.cancel_recv();
        }
    }
}

impl<T> fmt::Debug for Recv<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recv").field("state", &self.state).finish()
    }
}
