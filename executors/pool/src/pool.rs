//! [`Pool`]: spawning, `block_on`, shutdown and drop.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wakewire_core::{BlockOn, JoinHandle, Spawn, SpawnError};

use crate::block_on::block_on;
use crate::builder::PoolBuilder;
use crate::context;
use crate::metrics::PoolMetrics;
use crate::shared::Shared;
use crate::spawner::PoolSpawner;
use crate::sync::rt::thread::{self, JoinHandle as ThreadHandle};

/// A multi-threaded, work-stealing executor for `Send` futures.
///
/// Each worker thread has its own run queue; tasks spawned or woken by a task stay on that
/// worker (a task woken by the one being polled runs next, from a LIFO slot), tasks from
/// other threads go through a global injector, and an idle worker steals half of a busy
/// one's queue. Idle workers sleep in a [`Park`](wakewire_core::Park), and a new task
/// wakes at most one of them.
///
/// # Examples
///
/// ```
/// use wakewire_core::{BlockOn, Spawn};
/// use wakewire_executor_pool::Pool;
///
/// let pool = Pool::builder().workers(2).build();
/// let sum = pool.block_on(async {
///     let parts: Vec<_> = (1..=4u64)
///         .map(|i| pool.spawn(async move { i * 10 }).unwrap())
///         .collect();
///     let mut sum = 0;
///     for part in parts {
///         sum += part.await.unwrap();
///     }
///     sum
/// });
/// assert_eq!(sum, 100);
/// ```
///
/// # Shutdown
///
/// [`shutdown`](Self::shutdown) (and dropping the pool) refuses new spawns, lets the polls
/// that are running finish, drops the future of every unfinished task exactly once, and
/// joins the worker threads. Awaiting the handle of a task dropped this way gives a
/// cancellation error.
pub struct Pool {
    shared: Arc<Shared>,
    threads: Vec<ThreadHandle<()>>,
}

/// [`Pool::shutdown`] gave up waiting: a worker was still inside a poll at the deadline.
///
/// The pool no longer accepts work. The late workers stop after their current poll, and
/// the last of them drops the remaining tasks; their threads are detached.
#[derive(Clone, PartialEq, Eq)]
pub struct ShutdownTimeout {
    still_running: usize,
}

impl ShutdownTimeout {
    /// How many workers were still running at the deadline.
    pub fn still_running(&self) -> usize {
        self.still_running
    }
}

impl fmt::Debug for ShutdownTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShutdownTimeout")
            .field("still_running", &self.still_running)
            .finish()
    }
}

impl fmt::Display for ShutdownTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pool shutdown timed out with {} worker(s) still inside a poll; they will stop \
             after it and drop the remaining tasks",
            self.still_running
        )
    }
}

impl Error for ShutdownTimeout {}

impl Pool {
    /// A builder to configure a pool.
    pub fn builder() -> PoolBuilder {
        PoolBuilder::new()
    }

    /// A pool with the default configuration: one worker per available CPU.
    ///
    /// # Panics
    ///
    /// Panics if a worker thread cannot be spawned.
    pub fn new() -> Self {
        PoolBuilder::new().build()
    }

    pub(crate) fn from_parts(shared: Arc<Shared>, threads: Vec<ThreadHandle<()>>) -> Self {
        Pool { shared, threads }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// A `Send + Sync + Clone` handle that spawns onto this pool from anywhere, including
    /// from its own tasks. It does not keep the pool alive: once the pool has shut down,
    /// spawning through it returns [`SpawnError`].
    pub fn spawner(&self) -> PoolSpawner {
        PoolSpawner::new(Arc::clone(&self.shared))
    }

    /// The number of worker threads.
    pub fn workers(&self) -> usize {
        self.shared.workers()
    }

    /// The pool's counters.
    pub fn metrics(&self) -> PoolMetrics {
        self.shared.metrics()
    }

    /// Stops the pool: refuses new spawns, lets running polls finish, drops every other
    /// unfinished task, and joins the workers, waiting at most `timeout` for them.
    ///
    /// Returns `Ok` once every worker has stopped and every unfinished task's future has
    /// been dropped; no task is polled after that. Calling it again does nothing.
    ///
    /// # Errors
    ///
    /// [`ShutdownTimeout`] if some worker was still inside a poll when `timeout` elapsed
    /// (`Duration::MAX` waits without limit). Nothing more is accepted either way.
    pub fn shutdown(&mut self, timeout: Duration) -> Result<(), ShutdownTimeout> {
        let deadline = Instant::now().checked_add(timeout);
        self.stop(deadline)
    }

    fn stop(&mut self, deadline: Option<Instant>) -> Result<(), ShutdownTimeout> {
        self.shared.begin_shutdown();
        // A worker dropping its own pool (a task owned it) cannot wait for itself.
        let own = context::current_index(&self.shared);
        let must_exit = self.shared.workers() - usize::from(own.is_some());
        if !self.shared.wait_exited(must_exit, deadline) {
            // Shuttle's join handles cannot tell whether their thread has ended; the
            // workers' own count of exits is as good a figure there.
            #[cfg(not(shuttle))]
            let exited = self.threads.iter().filter(|t| t.is_finished()).count();
            #[cfg(shuttle)]
            let exited = self.shared.exited_count();
            self.threads.clear();
            return Err(ShutdownTimeout {
                still_running: self.shared.workers() - exited,
            });
        }
        let current = thread::current().id();
        for thread in self.threads.drain(..) {
            if thread.thread().id() != current {
                // Panics in tasks, hooks and the park are caught on the worker; a thread
                // that ended by some other panic has reported its exit all the same.
                let _ = thread.join();
            }
        }
        if own.is_none() {
            self.shared.sweep();
        }
        Ok(())
    }
}

impl Default for Pool {
    fn default() -> Self {
        Pool::new()
    }
}

impl Spawn for Pool {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.shared.spawn(future)
    }
}

impl BlockOn for Pool {
    /// Runs `future` on the calling thread until it completes, while the workers run the
    /// pool's tasks.
    ///
    /// # Panics
    ///
    /// Panics if the calling thread is already running an executor: one of this pool's
    /// workers (a `block_on` inside a task) or another `block_on`.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        block_on(future)
    }
}

impl Drop for Pool {
    /// Shuts the pool down as [`shutdown`](Pool::shutdown) does, waiting as long as the
    /// running polls take.
    fn drop(&mut self) {
        let _ = self.stop(None);
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("metrics", &self.metrics())
            .finish_non_exhaustive()
    }
}
