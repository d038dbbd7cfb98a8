//! [`Sender`] and its [`Send`] future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::chan::Chan;
use super::SendSink;
use crate::blocking::block_on;
use crate::error::{SendError, TrySendError};
use crate::sync::Arc;
use crate::waiters::WaiterKey;

/// The sending half of an [`mpsc`](super) channel. Clone it to get more senders.
///
/// The channel closes for the receiver once every `Sender` is dropped (the receiver still
/// gets everything sent before).
pub struct Sender<T> {
    pub(super) chan: Arc<Chan<T>>,
}

impl<T> Sender<T> {
    /// Sends `value`, waiting for room if the channel is bounded and full.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the value if the channel is closed (receiver dropped or
    /// [`close`](Self::close)d), also when it closes while this send waits.
    ///
    /// # Examples
    ///
    /// ```
    /// use wakewire_reactor_channel::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::bounded(1);
    /// wakewire_core::block_on(async {
    ///     tx.send(1).await.unwrap();
    ///     assert_eq!(rx.recv().await, Ok(1));
    /// });
    /// ```
    pub fn send(&self, value: T) -> Send<'_, T> {
        Send {
            chan: &self.chan,
            value: Some(value),
            waiter: None,
        }
    }

    /// Sends `value` if there is room right now.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] if a bounded channel is at capacity, [`TrySendError::Closed`]
    /// if it is closed; both hand the value back.
    ///
    /// # Panics
    ///
    /// Propagates a panic of the waiting receiver's waker; the value was sent all the same.
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        self.chan.try_send(value)
    }

    /// Sends `value` from a plain thread, blocking it until there is room.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    ///
    /// # Panics
    ///
    /// If called on a thread that runs a Wakewire executor (it would block every task there).
    pub fn send_blocking(&self, value: T) -> Result<(), SendError<T>> {
        block_on("Sender::send_blocking", self.send(value))
    }

    /// Closes the channel for every sender: later sends fail, waiting sends fail, and the
    /// receiver still gets every value sent before. Returns whether this call closed it.
    ///
    /// # Panics
    ///
    /// Propagates the first panic of a waiting task's waker, after waking all the others.
    pub fn close(&self) -> bool {
        self.chan.close()
    }

    /// Whether sends can no longer succeed (closed, or the receiver is gone).
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

    /// Wraps this sender in a [`futures_sink::Sink`].
    pub fn into_sink(self) -> SendSink<T> {
        SendSink::new(self)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("len", &self.chan.len())
            .field("capacity", &self.chan.capacity())
            .field("closed", &self.chan.is_closed())
            .finish()
    }
}

/// The future of [`Sender::send`].
///
/// # Wakeups
///
/// When the channel is full, the task's waker joins a FIFO of waiting senders. It is woken
/// when the receiver takes a value (one waiter per freed slot, first in line first), or
/// when the channel closes. The latest poll's waker is the one stored.
/// Under a Wakewire executor's [cooperative budget](wakewire_core::coop), once the
/// task's budget is spent it returns `Pending` without touching the channel and wakes the
/// task at once.
///
/// # Cancel safety
///
/// Dropping a pending `Send` sends nothing and drops the value; its waker leaves the line.
/// If a freed slot had already been handed to it, the wakeup passes to the next waiting
/// sender, so no slot is stranded.
///
/// # Panics
///
/// Polling again after it returned `Ready` panics. The poll that sends propagates a panic
/// of the waiting receiver's waker (the value was sent).
#[must_use = "futures do nothing unless you poll them"]
pub struct Send<'a, T> {
    chan: &'a Chan<T>,
    value: Option<T>,
    waiter: Option<WaiterKey>,
}

// The value is moved out, never pinned in place.
impl<T> Unpin for Send<'_, T> {}

impl<T> Future for Send<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.chan.poll_send(cx, &mut this.value, &mut this.waiter)
    }
}

impl<T> Drop for Send<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.waiter.take() {
            self.chan.cancel_send(key);
        }
    }
}

impl<T> fmt::Debug for Send<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Send")
            .field("sent", &self.value.is_none())
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}
