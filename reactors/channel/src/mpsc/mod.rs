//! Multi-producer, single-consumer channels, bounded or unbounded.
//!
//! Senders ([`Sender`], `Clone`) push values; one [`Receiver`] takes them in order. Values
//! from one sender arrive in the order it sent them.
//!
//! | operation | waits when | fails when |
//! | --- | --- | --- |
//! | [`Sender::send`] / [`send_blocking`](Sender::send_blocking) | bounded and full | closed: gives the value back |
//! | [`Sender::try_send`] | never | full ([`TrySendError::Full`]) or closed |
//! | [`Receiver::recv`] / [`recv_blocking`](Receiver::recv_blocking) | empty | closed **and** drained |
//! | [`Receiver::try_recv`] | never | empty or closed and drained |
//!
//! Closing: when every sender is dropped (or `close` is called), the receiver still gets
//! every value sent before, then [`RecvError`]. When the receiver is dropped, sends fail
//! and hand their value back.
//!
//! # Capacity 0
//!
//! `bounded(0)` is **rejected with a panic**. This crate has no rendezvous channel: use
//! `bounded(1)`, or a [`oneshot`](crate::oneshot) per hand-off when the sender must know
//! the value was taken.
//!
//! # Examples
//!
//! ```
//! use wakewire_executor_local::LocalExecutor;
//! use wakewire_reactor_channel::mpsc;
//!
//! let ex = LocalExecutor::new();
//! let (tx, mut rx) = mpsc::bounded(2);
//! for id in 0..3 {
//!     let tx = tx.clone();
//!     let producer = ex.spawn_local(async move {
//!         for i in 0..3 {
//!             tx.send((id, i)).await.unwrap();
//!         }
//!     });
//!     drop(producer.unwrap()); // detached: it ends when its sends are done
//! }
//! drop(tx); // the receiver ends once the producers are done
//! let total = ex.block_on(async move {
//!     let mut total = 0;
//!     while let Ok((_id, i)) = rx.recv().await {
//!         total += i;
//!     }
//!     total
//! });
//! assert_eq!(total, 3 * (0 + 1 + 2));
//! ```
//!
//! [`TrySendError::Full`]: crate::TrySendError::Full
//! [`RecvError`]: crate::RecvError

mod chan;
mod receiver;
mod sender;
mod sink;

pub use receiver::{Receiver, Recv};
pub use sender::{Send, Sender};
pub use sink::SendSink;

use std::collections::VecDeque;

use crate::sync::Arc;
use chan::Chan;

/// A channel that holds at most `capacity` values; senders wait when it is full.
///
/// # Panics
///
/// If `capacity` is 0, with the message
/// "mpsc::bounded: capacity must be at least 1 (a zero-capacity rendezvous channel is not supported)".
///
/// ```should_panic
/// let _ = wakewire_reactor_channel::mpsc::bounded::<u8>(0);
/// ```
pub fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(
        capacity > 0,
        "mpsc::bounded: capacity must be at least 1 \
         (a zero-capacity rendezvous channel is not supported)"
    );
    channel(Some(capacity))
}

/// A channel without a capacity limit: sends never wait (memory is the limit).
pub fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
    channel(None)
}

fn channel<T>(capacity: Option<usize>) -> (Sender<T>, Receiver<T>) {
    let chan = Arc::new(Chan::new(capacity));
    (
        Sender { chan: chan.clone() },
        Receiver {
            chan,
            buffer: VecDeque::new(),
            terminated: false,
        },
    )
}
