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
//! Each transition wakes the other side's [`WakerSlot`]: (1) and (3) wake the receiver,
//! (4) wakes a sender waiting in [`Sender::closed`].
//!
//! ```
//! use wakewire_core::BlockOn;
//! use wakewire_executor_local::LocalExecutor;
//! use wakewire_reactor_channel::oneshot;
//!
//! let (tx, rx) = oneshot::channel();
//! std::thread::spawn(move || tx.send("done").unwrap());
//! assert_eq!(LocalExecutor::new().block_on(rx), Ok("done"));
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use wakewire_core::waker::WakerSlot;

use crate::error::{RecvError, SendError, TryRecvError};
use crate::sync::{lock, Arc, Mutex};

/// Creates a oneshot channel.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner {
        state: Mutex::new(State {
            value: None,
            sender_gone: false,
            receiver_gone: false,
        }),
        receiver_waker: WakerSlot::new(),
        sender_waker: WakerSlot::new(),
    });
    (
        Sender {
            inner: Some(inner.clone()),
        },
        Receiver { inner, done: false },
    )
}

struct Inner<T> {
    state: Mutex<State<T>>,
    /// Woken by (1) and (3).
    receiver_waker: WakerSlot,
    /// Woken by (4).
    sender_waker: WakerSlot,
}

struct State<T> {
    value: Option<T>,
    sender_gone: bool,
    receiver_gone: bool,
}

/// Sends the one value of a [`oneshot`](self) channel.
pub struct Sender<T> {
    /// `None` once `send` consumed it, so `Drop` does nothing more.
    inner: Option<Arc<Inner<T>>>,
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
    pub fn send(mut self, value: T) -> Result<(), SendError<T>> {
        let inner = self
            .inner
            .take()
            .expect("a Sender is only consumed by send");
        {
            let mut state = lock(&inner.state);
            state.sender_gone = true;
            if state.receiver_gone {
                return Err(SendError(value));
            }
            state.value = Some(value);
        }
        inner.receiver_waker.wake();
        Ok(())
    }

    /// Whether the receiver was dropped or closed (a send would fail).
    pub fn is_closed(&self) -> bool {
        lock(&self.inner().state).receiver_gone
    }

    /// Waits until the receiver is dropped or closed: lets a producer stop working on a
    /// value nobody wants any more.
    pub fn closed(&mut self) -> Closed<'_, T> {
        Closed { sender: self }
    }

    /// Polls for the receiver going away: the building block of [`closed`](Self::closed).
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let inner = self.inner();
        // Register, then check: a drop between the two is seen by the check.
        inner.sender_waker.register(cx.waker());
        if lock(&inner.state).receiver_gone {
            inner.sender_waker.take();
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    fn inner(&self) -> &Inner<T> {
        self.inner
            .as_ref()
            .expect("a Sender is only consumed by send")
    }
}

impl<T> Drop for Sender<T> {
    /// (3) Tells the receiver no value will come.
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            lock(&inner.state).sender_gone = true;
            inner.receiver_waker.wake();
        }
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
    inner: Arc<Inner<T>>,
    done: bool,
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
        if self.done {
            return Err(TryRecvError::Closed);
        }
        let mut state = lock(&self.inner.state);
        match state.value.take() {
            Some(value) => {
                self.done = true;
                Ok(value)
            }
            // Closed by either side: no value can arrive any more.
            None if state.sender_gone || state.receiver_gone => {
                self.done = true;
                Err(TryRecvError::Closed)
            }
            None => Err(TryRecvError::Empty),
        }
    }

    /// Refuses the value: a later `send` fails and hands it back. A value sent before can
    /// still be received; if none was, receiving now reports closed.
    pub fn close(&mut self) {
        lock(&self.inner.state).receiver_gone = true;
        self.inner.sender_waker.wake();
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        // Fast path: the value (or the sender's end) is already there.
        match this.try_recv() {
            Ok(value) => return Poll::Ready(Ok(value)),
            Err(TryRecvError::Closed) => return Poll::Ready(Err(RecvError)),
            Err(TryRecvError::Empty) => {}
        }
        // Register, then check again: a send between the two is seen by the check.
        this.inner.receiver_waker.register(cx.waker());
        let result = match this.try_recv() {
            Ok(value) => Ok(value),
            Err(TryRecvError::Closed) => Err(RecvError),
            Err(TryRecvError::Empty) => return Poll::Pending,
        };
        // Not needed any more: do not keep the task's waker alive.
        this.inner.receiver_waker.take();
        Poll::Ready(result)
    }
}

impl<T> Drop for Receiver<T> {
    /// (4) Refuses the value; one already sent is dropped here, outside the lock.
    fn drop(&mut self) {
        let value = {
            let mut state = lock(&self.inner.state);
            state.receiver_gone = true;
            state.value.take()
        };
        self.inner.receiver_waker.take();
        drop(value);
        self.inner.sender_waker.wake();
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Receiver")
            .field("done", &self.done)
            .finish()
    }
}
