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
use crate::registry::{RegistryKey, TaskRegistry};
use crate::spawn::SpawnError;
use crate::sync::{AtomicUsize, Condvar, Mutex, Ordering};
use crate::task::{self, Runnable};

/// The set of tasks whose futures are still alive, for the local executor and the adapters
/// that run Wakewire tasks on foreign executors. (The pool keeps its own counts over the
/// same [`TaskRegistry`](crate::registry::TaskRegistry).)
///
/// A task that waits on a reactor exists nowhere but in that reactor's waker slot, so an
/// executor that shuts down cannot drop its future unless it kept a way to reach it. This
/// set counts every task created through it until the task's future is dropped (finished,
/// cancelled or shut down), and keeps the waker of each one from its first `Pending` on:
/// before that, the task is in its executor's queue or being polled, and a task that
/// finishes in its first poll never takes a lock. [`close`](Self::close) refuses further
/// spawns and wakes every task that waits; a task in its first poll at that moment finds
/// the set closed when it returns `Pending` and wakes itself. So each live task is
/// scheduled at least once more, the executor drops the `Runnable`s it receives instead
/// of running them (until [`is_empty`](Self::is_empty)), and each future is dropped
/// exactly once.
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

/// The closed flag in `Inner::state`; the count of live tasks is above it.
const CLOSED: usize = 1;
const ONE_TASK: usize = 2;

struct Inner {
    /// The waker of every live task that has returned `Pending` (one shard: a single
    /// executor registers, or a foreign one whose threads rarely register at once).
    registry: TaskRegistry,
    /// `CLOSED`, plus `ONE_TASK` per task whose future is alive (registered or not). One
    /// word, so a spawn and a close are ordered by its modification order: a spawn either
    /// sees the set closed or is counted before the close.
    state: AtomicUsize,
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
                state: AtomicUsize::new(0),
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
        // Counted and checked in one step: a spawn that finds the set open is counted
        // before the close, so a shutdown that waits for `is_empty` after closing waits
        // for this task's `Runnable` to reach the executor's queue.
        let state = self.inner.state.fetch_add(ONE_TASK, Ordering::AcqRel);
        let tracked = Tracked {
            future,
            registration: Registration {
                live: self.clone(),
                key: None,
            },
        };
        if state & CLOSED != 0 {
            // Uncounted by the registration's drop, even if the future's destructor panics.
            drop(tracked);
            return Err(SpawnError::shutdown());
        }
        Ok(make_task(tracked))
    }

    /// One task's future was dropped (or a refused spawn's).
    fn uncount(&self) {
        // Release: a shutdown that reads the set empty (Acquire) sees the future dropped.
        let state = self.inner.state.fetch_sub(ONE_TASK, Ordering::AcqRel);
        if state >> 1 == 1 {
            // Under `emptied_lock`, which `wait_empty` holds between its check and its
            // wait: an emptying in between is not missed.
            let _guard = self
                .inner
                .emptied_lock
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            self.inner.emptied.notify_all();
        }
    }

    /// Refuses further spawns and wakes every live task that waits, so each is scheduled
    /// once more (queued tasks are in the executor's queue already; a task in its first
    /// poll wakes itself when it returns `Pending`).
    ///
    /// Returns `false` if the set was already closed (nothing is woken again). The wakers
    /// run on the calling thread, outside the set's lock.
    pub fn close(&self) -> bool {
        if self.inner.state.fetch_or(CLOSED, Ordering::AcqRel) & CLOSED != 0 {
            return false;
        }
        for waker in self.inner.registry.close() {
            waker.wake();
        }
        true
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.state.load(Ordering::Acquire) & CLOSED != 0
    }

    /// The number of tasks whose futures are alive.
    pub fn len(&self) -> usize {
        self.inner.state.load(Ordering::Acquire) >> 1
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
        // Checked under `emptied_lock`, which `uncount` takes before notifying: an emptying
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
    /// A task's future plus its registration in the set, which ends when the future drops
    /// (the future first: fields drop in order).
    struct Tracked<F> {
        #[pin]
        future: F,
        registration: Registration,
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let poll = this.future.poll(cx);
        if poll.is_pending() && this.registration.key.is_none() {
            this.registration.register(cx.waker());
        }
        poll
    }
}

/// A task's place in the set: counted from its spawn, its waker kept from its first
/// `Pending`.
struct Registration {
    live: LiveTasks,
    key: Option<RegistryKey>,
}

impl Registration {
    /// The task's first `Pending` (`waker` is the task's own): from now on only its waker
    /// can find it. If the set closed meanwhile, the task schedules itself once more (a
    /// wake during its own poll), so the shut-down executor receives it and drops it.
    #[cold]
    #[inline(never)]
    fn register(&mut self, waker: &Waker) {
        match self
            .live
            .inner
            .registry
            .register(0, |key| (key, waker.clone()))
        {
            Ok(key) => self.key = Some(key),
            Err(_) => waker.wake_by_ref(),
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            // Dropped outside the registry's lock: it may be the task's last reference,
            // and its schedule function may come back here.
            drop(self.live.inner.registry.unregister(key));
        }
        self.live.uncount();
    }
}
