//! How a thread waits when its executor has nothing to run, and how any thread wakes it.
//!
//! An executor owns one [`Park`] and calls [`park`](Park::park) when its run queue is empty.
//! Every waker of its tasks holds a clone of the matching [`Unpark`] and calls
//! [`unpark`](Unpark::unpark) after it queues a task.
//!
//! The plain implementation, [`ThreadParker`], just blocks the thread. A reactor can
//! implement `Park` too: its `park` turns the reactor's event loop (epoll, the timer wheel)
//! on the executor's idle thread, so events are handled without a thread hop. Parks stack
//! by wrapping: a timer park can hold a socket-reactor park that holds a thread parker,
//! each layer computing how long the layer below may block. Executor and reactor still
//! never name each other — they meet in this trait.
//!
//! ```text
//!   executor ── park() ──► TimerPark ── park_timeout(next deadline) ──► SocketPark ── epoll_wait
//!   waker    ── unpark() ────────────────────────────────────────────► (the bottom layer's unpark)
//! ```
//!
//! A park also says which reactors it drives ([`Park::context`]): an executor enters that
//! context on its threads, so code running in its tasks finds those reactors as the
//! current ones.
//!
//! # The contract
//!
//! - An `unpark` that happens before `park` makes the next `park` return at once: a
//!   wakeup is never lost in the gap between "queue looks empty" and "go to sleep".
//! - `park` may return spuriously; callers re-check their queues and park again.
//! - `park_timeout(Duration::ZERO)` never blocks: it turns any reactor layers once. An
//!   executor that is busy calls it now and then so executor-driven reactors make progress.
//! - `park_timeout(Duration::MAX)` (or any duration too large for the clock) blocks like
//!   `park`; it never panics or overflows.

mod boxed;
mod context;
mod shared;

use std::fmt;
use std::io;
use std::time::Duration;

pub use boxed::{AnyUnpark, BoxPark, DynPark};
pub use context::{ContextGuard, ParkContext};
pub use shared::{SharedPark, SharedParkUnpark, SharedParkWorker};

#[cfg(not(any(loom, shuttle)))]
use parking::{Parker, Unparker};

#[cfg(any(loom, shuttle))]
use model_parker::{Parker, Unparker};

/// A blocking point for an idle executor thread; see the [module docs](self).
pub trait Park {
    /// The handle that wakes this park from other threads.
    type Unpark: Unpark;

    /// Returns a handle that wakes this park.
    fn unparker(&self) -> Self::Unpark;

    /// Blocks the current thread until unparked (or spuriously).
    ///
    /// # Errors
    ///
    /// A reactor layer returns the error of its event source (for example `epoll_wait`
    /// failing); the thread parker never fails.
    fn park(&mut self) -> io::Result<()>;

    /// Blocks the current thread until unparked or until `timeout` elapses.
    ///
    /// # Errors
    ///
    /// As [`park`](Park::park).
    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()>;

    /// The reactor handles this park wants current on the threads that park in it, so a
    /// reactor's free constructors (`sleep`, `TcpStream::connect`) find the reactor the
    /// executor drives rather than a global one. Executors [`enter`](ParkContext::enter) it
    /// on every thread they poll tasks on. A layer adds its own installer to the context of
    /// the park it wraps. The default installs nothing.
    fn context(&self) -> ParkContext {
        ParkContext::new()
    }
}

/// Wakes a [`Park`] from any thread.
pub trait Unpark: Send + Sync + Clone + 'static {
    /// Makes the park's current or next `park` call return.
    fn unpark(&self);
}

/// The default [`Park`]: blocks the thread on a condition variable.
///
/// Each `ThreadParker` has its own wakeup token (the [`parking`] crate), so code that
/// uses `std::thread::park` inside a task cannot steal the executor's wakeups.
///
/// ```
/// use std::thread;
/// use wakewire_core::{Park, ThreadParker, Unpark};
///
/// let mut parker = ThreadParker::new();
/// let unparker = parker.unparker();
/// thread::spawn(move || unparker.unpark());
/// parker.park().unwrap(); // returns once the other thread unparked us
/// ```
pub struct ThreadParker {
    parker: Parker,
}

impl ThreadParker {
    /// Creates a parker for the calling thread (it can be moved to another before use).
    pub fn new() -> Self {
        ThreadParker {
            parker: Parker::new(),
        }
    }
}

impl Default for ThreadParker {
    fn default() -> Self {
        ThreadParker::new()
    }
}

impl fmt::Debug for ThreadParker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadParker").finish_non_exhaustive()
    }
}

impl Park for ThreadParker {
    type Unpark = ThreadUnparker;

    fn unparker(&self) -> ThreadUnparker {
        ThreadUnparker {
            unparker: self.parker.unparker(),
        }
    }

    fn park(&mut self) -> io::Result<()> {
        self.parker.park();
        Ok(())
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        // `parking` saturates deadlines that overflow `Instant` into an untimed park.
        let _ = self.parker.park_timeout(timeout);
        Ok(())
    }
}

/// The [`Unpark`] half of a [`ThreadParker`].
#[derive(Clone)]
pub struct ThreadUnparker {
    unparker: Unparker,
}

impl fmt::Debug for ThreadUnparker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadUnparker").finish_non_exhaustive()
    }
}

impl Unpark for ThreadUnparker {
    fn unpark(&self) {
        self.unparker.unpark();
    }
}

/// A parker built from the model checker's primitives: under `--cfg loom` or
/// `--cfg shuttle` every modelled thread is scheduled by the checker, so blocking one in
/// the `parking` crate would stop the model (or hide the wait from it).
#[cfg(any(loom, shuttle))]
mod model_parker {
    use std::time::Duration;

    use crate::sync::{Arc, Condvar, Mutex};

    struct Token {
        notified: Mutex<bool>,
        condvar: Condvar,
    }

    pub(super) struct Parker(Arc<Token>);

    #[derive(Clone)]
    pub(super) struct Unparker(Arc<Token>);

    impl Parker {
        pub(super) fn new() -> Self {
            Parker(Arc::new(Token {
                notified: Mutex::new(false),
                condvar: Condvar::new(),
            }))
        }

        pub(super) fn unparker(&self) -> Unparker {
            Unparker(self.0.clone())
        }

        pub(super) fn park(&self) {
            let mut notified = self.0.notified.lock().unwrap();
            while !*notified {
                notified = self.0.condvar.wait(notified).unwrap();
            }
            *notified = false;
        }

        /// The checkers have no clock: a zero timeout only consumes a pending token, any other
        /// waits like `park` (a timed park may always return later than asked).
        /// Returns whether a token was consumed, like `parking::Parker::park_timeout`.
        pub(super) fn park_timeout(&self, timeout: Duration) -> bool {
            if timeout.is_zero() {
                std::mem::take(&mut *self.0.notified.lock().unwrap())
            } else {
                self.park();
                true
            }
        }
    }

    impl Unparker {
        pub(super) fn unpark(&self) {
            *self.0.notified.lock().unwrap() = true;
            self.0.condvar.notify_one();
        }
    }
}
