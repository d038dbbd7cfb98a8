//! [`ThreadPoolExecutor`]: futures-executor's `ThreadPool` behind Wakewire's `Spawn` and
//! `BlockOn`, with Wakewire's join contract.

use std::fmt;
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_executor::ThreadPool;
use wakewire_core::task::{keep_in_place, run_in_place, LiveTasks, Runnable, RUN_IN_A_ROW};
use wakewire_core::{BlockOn, JoinHandle, Spawn, SpawnError};

/// A futures-executor [`ThreadPool`] as a Wakewire executor.
///
/// Each task is a Wakewire task cell. When it is scheduled from outside, one `ThreadPool`
/// task runs it; a task scheduled on a pool thread while one of ours runs there (it
/// yielded, or was woken by the running task) is run next by that same `ThreadPool` task,
/// up to 32 in a row, instead of making a trip through the pool's channel. A `ThreadPool` has no shutdown of its own (it lives while any clone or
/// task of it does), so this adapter provides one: [`shutdown`](Self::shutdown) (or
/// dropping it, without the wait) refuses further spawns and drops every unfinished future
/// of ours, and their handles report cancellation.
///
/// ```
/// use wakewire_adapter_futures::ThreadPoolExecutor;
/// use wakewire_core::{BlockOn, Spawn};
///
/// let ex = ThreadPoolExecutor::new(2).unwrap();
/// let task = ex.spawn(async { 6 * 7 }).unwrap();
/// assert_eq!(ex.block_on(task).unwrap(), 42);
/// ```
pub struct ThreadPoolExecutor {
    spawner: ThreadPoolSpawner,
}

/// Spawns onto a [`ThreadPoolExecutor`] from anywhere; fails once it has shut down.
#[derive(Clone)]
pub struct ThreadPoolSpawner {
    shared: Arc<Shared>,
}

struct Shared {
    pool: ThreadPool,
    closed: AtomicBool,
    live: LiveTasks,
}

impl Shared {
    /// Hands a scheduled task to the pool; returns `false` (and drops the `Runnable`, which
    /// cancels our task) after shutdown. On a pool thread that is running one of this
    /// executor's tasks, the task is kept to run next there instead
    /// ([`keep_in_place`]): without that, every wake is a message on the pool's channel,
    /// which the *other* pool thread, asleep on it, must be woken to take.
    fn schedule(self: &Arc<Self>, runnable: Runnable) -> bool {
        if self.closed.load(Ordering::Acquire) {
            return false;
        }
        match keep_in_place(Arc::as_ptr(self).cast(), runnable) {
            Ok(None) => {}
            Ok(Some(older)) => self.spawn_on_pool(older),
            Err(runnable) => self.spawn_on_pool(runnable),
        }
        true
    }

    /// One `ThreadPool` task that runs `runnable`, and the tasks it wakes on its thread, up
    /// to [`RUN_IN_A_ROW`]; the task due after that goes back to the pool.
    fn spawn_on_pool(self: &Arc<Self>, runnable: Runnable) {
        let shared = Arc::clone(self);
        self.pool.spawn_ok(async move {
            let owner = Arc::as_ptr(&shared).cast();
            // Queued before a shutdown, picked up after it: dropped instead of run.
            let stop = || shared.closed.load(Ordering::Acquire);
            if let Some(due) = run_in_place(owner, runnable, RUN_IN_A_ROW, stop) {
                shared.schedule(due);
            }
        });
    }
}

impl ThreadPoolExecutor {
    /// A new pool of `threads` threads (at least one).
    ///
    /// # Errors
    ///
    /// The error of starting the threads.
    pub fn new(threads: usize) -> io::Result<Self> {
        let pool = ThreadPool::builder()
            .pool_size(threads.max(1))
            .name_prefix("wakewire-futures-")
            .create()?;
        Ok(ThreadPoolExecutor::from_pool(pool))
    }

    /// Adapts `pool`; its other clones keep working as before.
    pub fn from_pool(pool: ThreadPool) -> Self {
        ThreadPoolExecutor {
            spawner: ThreadPoolSpawner {
                shared: Arc::new(Shared {
                    pool,
                    closed: AtomicBool::new(false),
                    live: LiveTasks::new(),
                }),
            },
        }
    }

    /// A spawner for this executor.
    pub fn spawner(&self) -> ThreadPoolSpawner {
        self.spawner.clone()
    }

    /// Refuses further spawns and drops every unfinished future of ours, waiting at most
    /// `timeout` for tasks that are being polled right now. Returns whether every future
    /// was dropped in time.
    pub fn shutdown(self, timeout: Duration) -> bool {
        self.close();
        self.spawner.shared.live.wait_empty(timeout)
    }

    fn close(&self) {
        let shared = &self.spawner.shared;
        shared.closed.store(true, Ordering::Release);
        // Waiting futures are woken: their `schedule` refuses and drops them here. Queued
        // ones are dropped by the pool thread that picks them up, running ones after their
        // poll, when they are scheduled again.
        shared.live.close();
    }
}

impl Drop for ThreadPoolExecutor {
    fn drop(&mut self) {
        self.close();
    }
}

impl Spawn for ThreadPoolSpawner {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        let (runnable, handle) = self.shared.live.spawn(future, move |runnable| {
            shared.schedule(runnable);
        })?;
        if self.shared.schedule(runnable) {
            Ok(handle)
        } else {
            // The `Runnable` was dropped: our future is gone already.
            drop(handle);
            Err(SpawnError::shutdown())
        }
    }
}

impl Spawn for ThreadPoolExecutor {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawner.spawn(future)
    }
}

impl BlockOn for ThreadPoolExecutor {
    /// Runs `future` on this thread with `futures_executor::block_on`; the pool's threads
    /// go on running tasks.
    ///
    /// # Panics
    ///
    /// When the thread already runs an executor.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter =
            wakewire_core::enter::enter().unwrap_or_else(|error| panic!("block_on: {error}"));
        futures_executor::block_on(future)
    }
}

impl fmt::Debug for ThreadPoolSpawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolSpawner")
            .field("closed", &self.shared.closed.load(Ordering::Relaxed))
            .field("live", &self.shared.live)
            .finish()
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolExecutor")
            .field("spawner", &self.spawner)
            .finish()
    }
}
