//! [`LiveTasks`]: the tasks whose futures are still alive, so a shutdown can reach the ones
//! that wait on a reactor.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;

use crate::join::JoinHandle;
use crate::spawn::SpawnError;
use crate::sync::{Condvar, Mutex, MutexGuard};
use crate::task::{self, Runnable};

/// The set of tasks whose futures are still alive, for executors that do not own a run
/// queue of their own (an adapter running Wakewire tasks on a foreign executor).
///
/// A task that waits on a reactor exists nowhere but in that reactor's waker slot, so an
/// executor that shuts down cannot drop its future unless it kept a way to reach it. This
/// set keeps the waker of every task created through it until the task's future is dropped
/// (finished, cancelled or shut down). [`close`](Self::close) refuses further spawns and
/// wakes every live task, so each one is scheduled one last time; the executor then drops
/// the `Runnable`s it receives instead of running them, and each future is dropped exactly
/// once.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use wakewire_core::task::{LiveTasks, Runnable};
///
/// let live = LiveTasks::new();
/// let queue: Arc<Mutex<Vec<Runnable>>> = Arc::default();
/// let schedule = {
///     let queue = Arc::clone(&queue);
///     move |runnable| queue.lock().unwrap().push(runnable)
/// };
/// let (runnable, _handle) = live.spawn(std::future::pending::<()>(), schedule).unwrap();
/// runnable.run(); // polled once, now waiting "on a reactor"
/// assert_eq!(live.len(), 1);
///
/// live.close(); // wakes it: its Runnable is queued once more
/// assert!(live.spawn(async {}, |_| {}).is_err());
/// queue.lock().unwrap().clear(); // a shut-down executor drops instead of running
/// assert_eq!(live.len(), 0);
/// ```
#[derive(Clone)]
pub struct LiveTasks {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    /// Signalled when the set becomes empty after `close`.
    emptied: Condvar,
}

struct State {
    /// Slot `key` holds the waker of a live task; `None` slots are listed in `free`.
    wakers: Vec<Option<Waker>>,
    free: Vec<usize>,
    len: usize,
    closed: bool,
}

impl LiveTasks {
    /// An empty, open set.
    pub fn new() -> Self {
        LiveTasks {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    wakers: Vec::new(),
                    free: Vec::new(),
                    len: 0,
                    closed: false,
                }),
                emptied: Condvar::new(),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Only slot edits that cannot panic halfway run under the lock.
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Creates a task for a `Send` future with [`task::spawn`] and records it as live.
    ///
    /// The returned `Runnable` is not scheduled yet: hand it to the executor.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] once the set is [closed](Self::close); `future` has then been dropped,
    /// on the calling thread, before this returns.
    pub fn spawn<F, S>(
        &self,
        future: F,
        schedule: S,
    ) -> Result<(Runnable, JoinHandle<F::Output>), SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
        S: Fn(Runnable) + Send + Sync + 'static,
    {
        self.register(future, |tracked| task::spawn(tracked, schedule))
    }

    /// As [`spawn`](Self::spawn) for a `!Send` future, with [`task::spawn_local`]: every
    /// `Runnable` of the task must be run or dropped on the calling thread.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] once the set is closed; `future` has then already been dropped.
    pub fn spawn_local<F, S>(
        &self,
        future: F,
        schedule: S,
    ) -> Result<(Runnable, JoinHandle<F::Output>), SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
        S: Fn(Runnable) + Send + Sync + 'static,
    {
        self.register(future, |tracked| task::spawn_local(tracked, schedule))
    }

    fn register<F, M>(
        &self,
        future: F,
        make_task: M,
    ) -> Result<(Runnable, JoinHandle<F::Output>), SpawnError>
    where
        F: Future,
        M: FnOnce(Tracked<F>) -> (Runnable, JoinHandle<F::Output>),
    {
        let mut state = self.state();
        if state.closed {
            drop(state);
            // Outside the lock: the future's destructor may spawn again.
            drop(future);
            return Err(SpawnError::shutdown());
        }
        let key = match state.free.pop() {
            Some(key) => key,
            None => {
                state.wakers.push(None);
                state.wakers.len() - 1
            }
        };
        state.len += 1;
        drop(state);
        let tracked = Tracked {
            future,
            _untrack: Untrack {
                live: self.clone(),
                key,
            },
        };
        // Created outside the lock: nothing reaches this slot before it holds a waker, and
        // a closing thread that misses it is caught by the check below.
        let (runnable, handle) = make_task(tracked);
        let mut state = self.state();
        state.wakers[key] = Some(runnable.waker());
        let closed = state.closed;
        drop(state);
        if closed {
            // `close` ran while the task was being made and could not wake it: dropping
            // the first `Runnable` drops the future (and frees the slot) right here.
            drop(runnable);
            drop(handle);
            return Err(SpawnError::shutdown());
        }
        Ok((runnable, handle))
    }

    /// Refuses further spawns and wakes every live task, so each is scheduled once more.
    ///
    /// Returns `false` if the set was already closed (nothing is woken again). The wakers
    /// run on the calling thread, outside the set's lock.
    pub fn close(&self) -> bool {
        let wakers: Vec<Waker> = {
            let mut state = self.state();
            if state.closed {
                return false;
            }
            state.closed = true;
            state.wakers.iter().flatten().cloned().collect()
        };
        for waker in wakers {
            waker.wake();
        }
        true
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.state().closed
    }

    /// The number of tasks whose futures are alive.
    pub fn len(&self) -> usize {
        self.state().len
    }

    /// Whether no task's future is alive.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Blocks until no task's future is alive, or until `timeout` passes. Returns whether
    /// the set is empty.
    pub fn wait_empty(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self.state();
        while state.len > 0 {
            let left = match deadline {
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left,
                    _ => return false,
                },
                None => Duration::from_secs(3600),
            };
            state = self
                .inner
                .emptied
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }
}

impl Default for LiveTasks {
    fn default() -> Self {
        LiveTasks::new()
    }
}

impl fmt::Debug for LiveTasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("LiveTasks")
            .field("live", &state.len)
            .field("closed", &state.closed)
            .finish()
    }
}

pin_project! {
    /// A task's future plus the guard that takes it out of the set when the future drops.
    struct Tracked<F> {
        #[pin]
        future: F,
        _untrack: Untrack,
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().future.poll(cx)
    }
}

struct Untrack {
    live: LiveTasks,
    key: usize,
}

impl Drop for Untrack {
    fn drop(&mut self) {
        let waker = {
            let mut state = self.live.state();
            let waker = state.wakers[self.key].take();
            state.free.push(self.key);
            state.len -= 1;
            if state.len == 0 {
                self.live.inner.emptied.notify_all();
            }
            waker
        };
        // Dropped outside the lock: it may be the task's last reference, and its schedule
        // function may come back here.
        drop(waker);
    }
}
