//! A channel for exactly one value.
//!
//! [`channel`] gives a [`Sender`], whose [`send`](Sender::send) consumes it, and a
//! [`Receiver`], which is itself the future of the value.
//!
//! ```text
//!                 (1) Sender::send                 (2) Receiver polled
//!     EMPTY ─────────────────────────► FULL ──────────────────────────► TAKEN
//!       │ │                              │
//!       │ └─(3) Sender dropped ──► SENDER_GONE    (receiver gets RecvError)
//!       └──(4) Receiver dropped / close ──► RECEIVER_GONE   (send hands the value back)
//!                                        │
//!                                        └─(4) Receiver dropped: the value is dropped
//! ```
//!
//! Each transition wakes the other side: (1) and (3) wake the receiver, (4) wakes a sender
//! waiting in [`Sender::closed`].
//!
//! There is no lock: each transition is one atomic operation on a state word, and each
//! side's waker is handed over through that word (the `raw` module below holds the
//! protocol, the crate's only `unsafe` code, checked by loom models and Miri). A receive
//! that waits, the send that wakes it and the receive that returns the value cost two
//! atomic read-modify-writes on that word, besides the shared allocation's reference
//! counts.
//!
//! ```
//! use wakewire_reactor_channel::oneshot;
//!
//! let (tx, rx) = oneshot::channel();
//! std::thread::spawn(move || tx.send("done").unwrap());
//! assert_eq!(wakewire_core::block_on(rx), Ok("done"));
//! ```

mod raw;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::{RecvError, SendError, TryRecvError};
use crate::wake::{wake, OnPanic};

use self::raw::{RxSide, TxSide};

/// Creates a oneshot channel.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let (tx, rx) = raw::pair();
    (Sender { side: tx }, Receiver { side: rx })
}

/// Sends the one value of a [`oneshot`](self) channel.
pub struct Sender<T> {
    /// Dropping it without sending is transition (3).
    side: TxSide<T>,
}

impl<T> Sender<T> {
    /// Sends `value` and wakes the receiver.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the value if the receiver was dropped or closed.
    ///
    /// # Panics
    ///
    /// Propagates a panic of the receiver's waker; the value was delivered all the same.
    pub fn send(self, value: T) -> Result<(), SendError<T>> {
        let receiver = self.side.send(value).map_err(SendError)?;
        wake(OnPanic::Resume, receiver);
        Ok(())
    }

    /// Whether the receiver was dropped or closed (a send would fail).
    pub fn is_closed(&self) -> bool {
        self.side.is_closed()
    }

    /// Waits until the receiver is dropped or closed: lets a producer stop working on a
    /// value nobody wants any more.
    pub fn closed(&mut self) -> Closed<'_, T> {
        Closed { sender: self }
    }

    /// Polls for the receiver going away: the building block of [`closed`](Self::closed).
    ///
    /// # Wakeups
    ///
    /// While the receiver is there, the latest poll's waker is stored; dropping or
    /// closing the receiver wakes it.
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        self.side.poll_closed(cx.waker())
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Sender")
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// The future of [`Sender::closed`].
///
/// # Wakeups
///
/// Stores the latest poll's waker in the sender's slot; dropping or closing the receiver
/// wakes it.
///
/// # Cancel safety
///
/// Cancel safe: it only observes.
#[must_use = "futures do nothing unless you poll them"]
pub struct Closed<'a, T> {
    sender: &'a mut Sender<T>,
}

impl<T> Future for Closed<'_, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.get_mut().sender.poll_closed(cx)
    }
}

impl<T> fmt::Debug for Closed<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Closed").finish_non_exhaustive()
    }
}

/// Receives the one value of a [`oneshot`](self) channel; it is a future of
/// `Result<T, RecvError>`.
///
/// # Wakeups
///
/// While no value is there, the latest poll's waker is stored in the receiver's slot;
/// [`Sender::send`] and dropping the sender wake it.
///
/// # Cancel safety
///
/// Awaiting `&mut receiver` is cancel safe: the value stays in the channel until the poll
/// that returns it.
///
/// # Polling after completion
///
/// Once it returned `Ready`, further polls return `Ready(Err(RecvError))` at once: there is
/// never a second value.
pub struct Receiver<T> {
    /// Dropping it is transition (4).
    side: RxSide<T>,
}

impl<T> Receiver<T> {
    /// Takes the value if it was sent.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if the sender may still send, [`TryRecvError::Closed`] if it
    /// is gone without sending, the receiver was closed without a value, or the value was
    /// already taken.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.side.try_recv()
    }

    /// Refuses the value: a later `send` fails and hands it back. A value sent before can
    /// still be received; if none was, receiving now reports closed.
    ///
    /// # Panics
    ///
    /// Propagates a panic of the waker of a sender waiting in [`Sender::closed`].
    pub fn close(&mut self) {
        wake(OnPanic::Resume, self.side.close());
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().side.poll(cx.waker())
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Receiver")
            .field("done", &self.side.is_done())
            .finish()
    }
}
