//! A single-producer, multi-consumer channel that holds only the latest value.
//!
//! Every send stores a new value and bumps the channel's **version**. Each [`Receiver`]
//! remembers the version it saw last; [`changed`](Receiver::changed) waits until the
//! channel's version differs, and [`borrow_and_update`](Receiver::borrow_and_update) reads
//! the value and marks its version seen. Receivers that fall behind never queue anything:
//! they just see the latest value.
//!
//! ```text
//!   Sender::send(v) : value = v, version += 1, wake every waiting receiver   (1)
//!   Receiver::changed: version != seen → seen = version, Ok                  (2)
//!                      sender dropped  → Err(RecvError)                      (3)
//!                      otherwise wait for (1) or (3)
//! ```
//!
//! ```
//! use wakewire_core::BlockOn;
//! use wakewire_executor_local::LocalExecutor;
//! use wakewire_reactor_channel::watch;
//!
//! let (tx, mut rx) = watch::channel("starting");
//! tx.send("running").unwrap();
//! tx.send("ready").unwrap(); // overwrites "running": only the latest is kept
//! LocalExecutor::new().block_on(async {
//!     rx.changed().await.unwrap();
//!     assert_eq!(*rx.borrow_and_update(), "ready");
//!     drop(tx);
//!     assert!(rx.changed().await.is_err()); // sender gone and nothing new
//! });
//! ```

mod receiver;

pub use receiver::{Changed, Receiver};

use std::fmt;
use std::ops::Deref;

use crate::error::SendError;
use crate::sync::{lock, read, write, Arc, Mutex, RwLock, RwLockReadGuard};
use crate::waiters::WaiterQueue;
use crate::wake::wake_all;

/// Creates a watch channel holding `initial` (version 0, which receivers count as seen).
pub fn channel<T>(initial: T) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        value: RwLock::new(initial),
        state: Mutex::new(State {
            version: 0,
            sender_gone: false,
            receivers: 1,
            waiters: WaiterQueue::new(),
        }),
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver::new(shared, 0),
    )
}

/// Lock order: `value` before `state`. The version only changes while the value is
/// write-locked, so a reader holding the read lock sees a value and version that match.
struct Shared<T> {
    value: RwLock<T>,
    state: Mutex<State>,
}

struct State {
    version: u64,
    sender_gone: bool,
    receivers: usize,
    waiters: WaiterQueue,
}

impl<T> Shared<T> {
    /// (1) Replaces the value through `update`, bumps the version, wakes every waiter.
    fn publish<R>(&self, update: impl FnOnce(&mut T) -> R) -> R {
        let (result, wakers) = {
            let mut value = write(&self.value);
            let result = update(&mut value);
            let mut state = lock(&self.state);
            state.version += 1;
            (result, state.waiters.wake_all())
        };
        wake_all(wakers);
        result
    }
}

/// The one producer of a [`watch`](self) channel.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// Stores `value` as the latest and notifies every receiver.
    ///
    /// # Errors
    ///
    /// [`SendError`] with the value, which is **not** stored, if no receiver exists.
    ///
    /// # Panics
    ///
    /// Propagates the first panic of a receiver's waker, after waking all the others.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if lock(&self.shared.state).receivers == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Stores `value` even if no receiver exists, notifies receivers, and returns the
    /// value it replaced.
    pub fn send_replace(&self, value: T) -> T {
        self.shared
            .publish(|current| std::mem::replace(current, value))
    }

    /// Changes the value in place and notifies receivers.
    ///
    /// # Panics
    ///
    /// If `modify` panics the panic propagates and receivers are not notified; the value is
    /// left as `modify` left it.
    pub fn send_modify(&self, modify: impl FnOnce(&mut T)) {
        self.shared.publish(modify);
    }

    /// Reads the latest value.
    ///
    /// Sends wait while the returned guard lives: do not hold it across a send on the same
    /// thread (that would deadlock), nor across an `.await`.
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            guard: read(&self.shared.value),
        }
    }

    /// A new receiver that counts the current value as seen.
    pub fn subscribe(&self) -> Receiver<T> {
        let mut state = lock(&self.shared.state);
        state.receivers += 1;
        Receiver::new(self.shared.clone(), state.version)
    }

    /// How many receivers exist.
    pub fn receiver_count(&self) -> usize {
        lock(&self.shared.state).receivers
    }

    /// Whether every receiver is gone.
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }
}

impl<T> Drop for Sender<T> {
    /// (3) Wakes every waiting receiver so it sees the end.
    fn drop(&mut self) {
        let wakers = {
            let mut state = lock(&self.shared.state);
            state.sender_gone = true;
            state.waiters.wake_all()
        };
        wake_all(wakers);
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("watch::Sender")
            .field("value", &*self.borrow())
            .finish()
    }
}

/// A read guard on a watch channel's value, from `borrow`.
pub struct Ref<'a, T> {
    guard: RwLockReadGuard<'a, T>,
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
