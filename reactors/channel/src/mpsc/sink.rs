//! [`SendSink`]: a [`Sender`] as a [`futures_sink::Sink`].

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_sink::Sink;

use super::Sender;
use crate::error::SendError;
use crate::waiters::WaiterKey;

/// A [`Sender`] that implements [`Sink`], made by [`Sender::into_sink`].
///
/// `start_send` parks the item in the sink; `poll_ready` and `poll_flush` move it into the
/// channel, waiting for room like [`Sender::send`]. `poll_close` flushes, then drops this
/// sender handle (the channel closes when every sender is gone).
///
/// # Errors
///
/// Every `Sink` method fails with [`SendError`] carrying the parked item if the channel
/// closed before it could be delivered.
///
/// # Wakeups
///
/// As [`Send`](super::Send): while the parked item waits for room, the waker of the latest
/// `poll_ready`/`poll_flush`/`poll_close` is in the senders' line.
///
/// # Cancel safety
///
/// Dropping the sink drops an item that was started but not flushed, and leaves the line
/// (passing on a slot that had been handed to it).
///
/// # Examples
///
/// ```
/// use futures_util::{SinkExt, StreamExt};
/// use wakewire_core::BlockOn;
/// use wakewire_executor_local::LocalExecutor;
/// use wakewire_reactor_channel::mpsc;
///
/// let (tx, rx) = mpsc::bounded(2);
/// let mut sink = tx.into_sink();
/// let received = LocalExecutor::new().block_on(async move {
///     sink.send(1).await.unwrap();
///     sink.send(2).await.unwrap();
///     sink.close().await.unwrap();
///     rx.collect::<Vec<_>>().await
/// });
/// assert_eq!(received, [1, 2]);
/// ```
pub struct SendSink<T> {
    sender: Option<Sender<T>>,
    pending: Option<T>,
    waiter: Option<WaiterKey>,
}

impl<T> SendSink<T> {
    /// Wraps `sender`.
    pub fn new(sender: Sender<T>) -> Self {
        SendSink {
            sender: Some(sender),
            pending: None,
            waiter: None,
        }
    }

    /// The sender, unless the sink was closed.
    pub fn get_ref(&self) -> Option<&Sender<T>> {
        self.sender.as_ref()
    }

    /// Moves the parked item (if any) into the channel.
    fn poll_deliver(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), SendError<T>>> {
        if self.pending.is_none() {
            return Poll::Ready(Ok(()));
        }
        match &self.sender {
            Some(sender) => sender
                .chan
                .poll_send(cx, &mut self.pending, &mut self.waiter),
            None => Poll::Ready(Err(SendError(self.pending.take().expect("checked above")))),
        }
    }
}

// The parked item is moved out, never pinned in place.
impl<T> Unpin for SendSink<T> {}

impl<T> Sink<T> for SendSink<T> {
    type Error = SendError<T>;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().poll_deliver(cx)
    }

    /// Parks `item`; it is delivered by the next `poll_ready`, `poll_flush` or `poll_close`.
    ///
    /// # Panics
    ///
    /// If an item is already parked, i.e. `poll_ready` did not return `Ready(Ok)` first.
    fn start_send(self: Pin<&mut Self>, item: T) -> Result<(), Self::Error> {
        let this = self.get_mut();
        assert!(
            this.pending.is_none(),
            "SendSink::start_send called without a successful poll_ready"
        );
        this.pending = Some(item);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().poll_deliver(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        let this = self.get_mut();
        let result = std::task::ready!(this.poll_deliver(cx));
        this.sender = None;
        Poll::Ready(result)
    }
}

impl<T> Drop for SendSink<T> {
    fn drop(&mut self) {
        if let (Some(key), Some(sender)) = (self.waiter.take(), &self.sender) {
            sender.chan.cancel_send(key);
        }
    }
}

impl<T> fmt::Debug for SendSink<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendSink")
            .field("sender", &self.sender)
            .field("item_parked", &self.pending.is_some())
            .finish()
    }
}
