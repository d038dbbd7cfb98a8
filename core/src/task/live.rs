//! [`LiveTasks`]: the tasks whose futures are still alive, so a shutdown can reach the ones
//! that wait on a reactor.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;

use crate::join::JoinHandle;
use crate::registry::{RegistryKey, TaskRegistry};
use crate::spawn::SpawnError;
use crate::sync::{AtomicBool, Condvar, Mutex, Ordering};
use crate::task::{self, Runnable};

/// The set of tasks whose futures are still alive, for executors that record each task as
/// it is spawned: the local executor, and the adapters that run Wakewire tasks on foreign
/// executors. (The pool records a task only at its first `Pending`, directly in a
/// [`TaskRegistry`](crate::registry::TaskRegistry), the registry this set is built on.)
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
    /// The waker of every live task (one shard: spawns come from anywhere, rarely at once).
    registry: TaskRegistry,
    closed: AtomicBool,
    /// Signalled when the last live task's future is dropped, for `wait_empty`.
    emptied: Condvar,
    emptied_lock: Mutex<()>,
}

impl LiveTasks {
    /// An empty, open set.
    pub fn new() -> Self {
        LiveTasks {
            inner: Arc::new(Inner {
                registry: TaskRegistry::new(1),
                closed: AtomicBool::new(false),
                emptied: Condvar::new(),
                emptied_lock: Mutex::new(()),
            }),
        }
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
        // The task is created under the registry's lock, so a `close` either finds it (and
        // wakes it) or refuses it before it exists.
        let registered = self.inner.registry.register(0, |key| {
            let tracked = Tracked {
                future,
                _untrack: Untrack {
                    live: self.clone(),
                    key,
                },
            };
            let (runnable, handle) = make_task(tracked);
            let waker = runnable.waker();
            ((runnable, handle), waker)
        });
        registered.map_err(|refused| {
            // Outside the lock: the future's destructor may spawn again.
            drop(refused);
            SpawnError::shutdown()
        })
    }

    /// Refuses further spawns and wakes every live task, so each is scheduled once more.
    ///
    /// Returns `false` if the set was already closed (nothing is woken again). The wakers
    /// run on the calling thread, outside the set's lock.
    pub fn close(&self) -> bool {
        if self.inner.closed.swap(true, Ordering::AcqRel) {
            return false;
        }
        for waker in self.inner.registry.close() {
            waker.wake();
        }
        true
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    /// The number of tasks whose futures are alive.
    pub fn len(&self) -> usize {
        self.inner.registry.len()
    }

    /// Whether no task's future is alive.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Blocks until no task's future is alive, or until `timeout` passes. Returns whether
    /// the set is empty.
    pub fn wait_empty(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let mut guard = self
            .inner
            .emptied_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Checked under `emptied_lock`, which `Untrack` takes before notifying: an emptying
        // between the check and the wait is not missed.
        while !self.is_empty() {
            let left = match deadline {
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left,
                    _ => return false,
                },
                None => Duration::from_secs(3600),
            };
            guard = self
                .inner
                .emptied
                .wait_timeout(guard, left)
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
        f.debug_struct("LiveTasks")
            .field("live", &self.len())
            .field("closed", &self.is_closed())
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
    key: RegistryKey,
}

impl Drop for Untrack {
    fn drop(&mut self) {
        let inner = &self.live.inner;
        // Dropped outside the registry's lock: it may be the task's last reference, and
        // its schedule function may come back here.
        drop(inner.registry.unregister(self.key));
        if inner.registry.is_empty() {
            let _guard = inner
                .emptied_lock
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            inner.emptied.notify_all();
        }
    }
}
