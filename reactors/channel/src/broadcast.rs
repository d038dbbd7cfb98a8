//! A multi-producer, multi-consumer channel where every receiver gets every value.
//!
//! The channel keeps the last `capacity` values in a ring. Each [`Receiver`] has its own
//! position; a receiver that falls more than `capacity` values behind loses the oldest
//! ones and its next receive returns [`RecvError::Lagged`] with how many it missed, then
//! continues from the oldest value still retained.
//!
//! ```text
//!   seq:     head ─────────────── ring ───────────────► tail (next value's seq)
//!   receiver.next <  head        → (1) Lagged(head - next), next = head
//!   head <= receiver.next < tail → (2) clone ring[next - head], next += 1
//!   receiver.next == tail        → (3) closed? Closed : wait (woken by every send)
//! ```
//!
//! ```
//! use wakewire_reactor_channel::broadcast::{self, TryRecvError};
//!
//! let (tx, mut rx) = broadcast::channel(2);
//! for i in 1..=3 {
//!     tx.send(i).unwrap();
//! }
//! // The ring keeps 2: value 1 was overwritten before `rx` read it.
//! assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
//! assert_eq!(rx.try_recv(), Ok(2));
//! assert_eq!(rx.try_recv(), Ok(3));
//! drop(tx);
//! assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
//! ```

mod error;
mod recv;

pub use error::{RecvError, TryRecvError};
pub use recv::Recv;

use std::collections::VecDeque;
use std::fmt;

use crate::error::SendError;
use crate::sync::{lock, Arc, Mutex};
use crate::waiters::{WaiterKey, WaiterQueue};
use crate::wake::{wake, OnPanic};

/// Creates a broadcast channel that retains the last `capacity` values.
///
/// # Panics
///
/// If `capacity` is 0 ("broadcast::channel: capacity must be at least 1").
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(
        capacity > 0,
        "broadcast::channel: capacity must be at least 1"
    );
    let channel = Arc::new(Channel {
        state: Mutex::new(State {
            ring: VecDeque::with_capacity(capacity.min(4096)),
            head: 0,
            capacity,
            senders: 1,
            receivers: 1,
            waiters: WaiterQueue::new(),
        }),
    });
    (
        Sender {
            channel: channel.clone(),
        },
        Receiver {
            channel,
            next: 0,
            waiter: None,
        },
    )
}

/// What every sender and receiver of one broadcast channel shares: the ring, the counts
/// and the receivers waiting for the next value, under one lock.
struct Channel<T> {
    state: Mutex<State<T>>,
}

struct State<T> {
    ring: VecDeque<T>,
    /// Sequence number of `ring[0]`.
    head: u64,
    capacity: usize,
    senders: usize,
    receivers: usize,
    waiters: WaiterQueue,
}

impl<T> State<T> {
    fn tail(&self) -> u64 {
        self.head + self.ring.len() as u64
    }
}

/// Sends values to every [`Receiver`]. Clone it for more senders.
pub struct Sender<T> {
    channel: Arc<Channel<T>>,
}

impl<T: Clone> Sender<T> {
    /// Appends `value` to the ring (overwriting the oldest one when full) and wakes every
    /// waiting receiver. Returns how many receivers will see it.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the value if there is no receiver.
    ///
    /// # Panics
    ///
    /// Propagates the first panic of a receiver's waker, after waking all the others.
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let (overwritten, wakers, receivers) = {
            let mut state = lock(&self.channel.state);
            if state.receivers == 0 {
                return Err(SendError(value));
            }
            state.ring.push_back(value);
            let overwritten = if state.ring.len() > state.capacity {
                state.head += 1;
                state.ring.pop_front()
            } else {
                None
            };
            (overwritten, state.waiters.wake_all(), state.receivers)
        };
        drop(overwritten);
        wake(OnPanic::Resume, wakers);
        Ok(receivers)
    }
}

impl<T> Sender<T> {
    /// A new receiver that will see values sent from now on.
    pub fn subscribe(&self) -> Receiver<T> {
        let mut state = lock(&self.channel.state);
        state.receivers += 1;
        Receiver {
            channel: self.channel.clone(),
            next: state.tail(),
            waiter: None,
        }
    }

    /// How many receivers exist.
    pub fn receiver_count(&self) -> usize {
        lock(&self.channel.state).receivers
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        lock(&self.channel.state).senders += 1;
        Sender {
            channel: self.channel.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    /// The last sender wakes every waiting receiver: they drain the ring, then see `Closed`.
    fn drop(&mut self) {
        let wakers = {
            let mut state = lock(&self.channel.state);
            state.senders -= 1;
            if state.senders == 0 {
                state.waiters.wake_all()
            } else {
                Vec::new()
            }
        };
        // A destructor: a panic of a receiver's waker is disposed of.
        wake(OnPanic::Dispose, wakers);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Sender")
            .field("receivers", &self.receiver_count())
            .finish()
    }
}

/// Receives every value sent after it subscribed, in order.
pub struct Receiver<T> {
    channel: Arc<Channel<T>>,
    /// Sequence number of the next value to return.
    next: u64,
    /// This receiver's entry among the waiting receivers, while a receive waits.
    waiter: Option<WaiterKey>,
}

impl<T> Receiver<T> {
    /// A new receiver that will see values sent from now on (not the ones this receiver
    /// has yet to read).
    pub fn resubscribe(&self) -> Receiver<T> {
        let mut state = lock(&self.channel.state);
        state.receivers += 1;
        Receiver {
            channel: self.channel.clone(),
            next: state.tail(),
            waiter: None,
        }
    }

    /// How many sent values this receiver has not read yet (at most the capacity).
    pub fn len(&self) -> usize {
        let state = lock(&self.channel.state);
        (state.tail() - self.next.max(state.head)) as usize
    }

    /// Whether this receiver has read every retained value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        let mut ring = std::collections::VecDeque::new();
        if state.receivers == 0 {
            // Nobody can read them any more: free the ring now.
            let len = state.ring.len() as u64;
            state.head += len;
            ring = std::mem::take(&mut state.ring);
        }
        // Values and wakers run user code when dropped: not under the lock.
        drop(state);
        drop(own_waker);
        drop(ring);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Receiver")
            .field("next", &self.next)
            .finish()
    }
}
