//! [`Pool`]: spawning, `block_on`, shutdown and drop.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use wakewire_core::block_on::WakeFlag;
use wakewire_core::coop;
use wakewire_core::enter::enter;
use wakewire_core::park::ParkContext;
use wakewire_core::{
    BlockOn, JoinHandle, Park, PolledFuture, Spawn, SpawnError, TaskId, ThreadParker,
};

use crate::deques::Crossbeam;
use crate::metrics::PoolMetrics;
use crate::spawner::PoolSpawner;
use crate::state::PoolState;
use crate::sync::thread::{self, JoinHandle as ThreadHandle};

/// A multi-threaded, work-stealing executor for `Send` futures.
///
/// Each worker thread has its own run queue; tasks spawned or woken by a task stay on that
/// worker (a task woken by the one being polled runs next, from a LIFO slot), tasks from
/// other threads go through a global injector, and an idle worker steals half of a busy
/// one's queue. Idle workers sleep in a [`Park`](wakewire_core::Park), and a new task
/// wakes at most one of them.
///
/// [`spawn`](Self::spawn) and [`block_on`](Self::block_on) are inherent methods, so the
/// common case needs no trait import; the pool also implements [`Spawn`] and [`BlockOn`]
/// for code generic over executors.
///
/// # Examples
///
/// ```
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
/// cancellation error. Unfinished futures are dropped outside any run loop — by the worker
/// whose queue held them, after it stopped polling, or by the thread that shuts the pool
/// down — and never on an *entered* thread, so a destructor may block on another executor.
pub struct Pool {
    state: Arc<PoolState<Crossbeam>>,
    threads: Vec<ThreadHandle<()>>,
    /// The supervisor's monitor thread, with supervision on.
    monitor: Option<ThreadHandle<()>>,
    /// The context of worker 0's park, current during [`block_on`](Self::block_on).
    context: ParkContext,
}

/// [`Pool::shutdown`] gave up waiting: a worker was still inside a poll at the deadline.
///
/// The pool no longer accepts work. The late workers stop after their current poll, and
/// the last of them drops the remaining tasks; their threads are detached.
#[derive(Clone, PartialEq, Eq)]
pub struct ShutdownTimeout {
    still_running: usize,
    blocked_tasks: Vec<TaskId>,
}

impl ShutdownTimeout {
    /// How many worker threads (replacement threads included) were still running at the
    /// deadline.
    pub fn still_running(&self) -> usize {
        self.still_running
    }

    /// The tasks whose polls the supervisor had found blocked and that were still running
    /// at the deadline (empty without [`supervise`](crate::PoolBuilder::supervise)).
    pub fn blocked_tasks(&self) -> &[TaskId] {
        &self.blocked_tasks
    }
}

impl fmt::Debug for ShutdownTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShutdownTimeout")
            .field("still_running", &self.still_running)
            .field("blocked_tasks", &self.blocked_tasks)
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
        )?;
        if !self.blocked_tasks.is_empty() {
            let tasks: Vec<String> = self.blocked_tasks.iter().map(ToString::to_string).collect();
            write!(
                f,
                " (blocked, as the supervisor found: {})",
                tasks.join(", ")
            )?;
        }
        Ok(())
    }
}

impl Error for ShutdownTimeout {}

impl Pool {
    pub(crate) fn from_parts(
        state: Arc<PoolState<Crossbeam>>,
        threads: Vec<ThreadHandle<()>>,
        monitor: Option<ThreadHandle<()>>,
        context: ParkContext,
    ) -> Self {
        Pool {
            state,
            threads,
            monitor,
            context,
        }
    }

    /// Starts running `future` on the pool's workers and returns a handle to its output.
    /// Dropping the handle detaches the task.
    ///
    /// Called from one of the pool's own tasks, the new task is queued on that worker;
    /// from any other thread, on the injector.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] once the pool has begun shutting down (possible through
    /// [`shutdown`](Self::shutdown) only: dropping the pool consumes it). The future has
    /// then been dropped, on this thread, before `spawn` returns.
    pub fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.state.spawn(future)
    }

    /// Runs `future` to completion on the calling thread, parked between wakes, while the
    /// workers run the pool's tasks. The calling thread is not a worker: `future` itself
    /// is polled only here.
    ///
    /// The context of the pool's park (worker 0's, with
    /// [`park_with`](crate::PoolBuilder::park_with)) is current during the call, so free
    /// constructors of a reactor the workers drive (`sleep`, `TcpStream::connect`) called
    /// by `future` use that reactor, as they do inside the pool's tasks.
    ///
    /// Each poll of `future` runs under a [cooperative budget](wakewire_core::coop) as a
    /// task's does, and is timed like one with a
    /// [blocked-poll threshold](crate::PoolBuilder::blocked_poll_threshold): a poll that
    /// runs that long is reported as [`PolledFuture::BlockOn`] with no worker index (the
    /// calling thread is none of the workers), on this thread, after the poll.
    ///
    /// # Panics
    ///
    /// Panics if the calling thread is already running an executor: one of this pool's
    /// workers (a `block_on` inside a task) or another `block_on`. A panic of the
    /// blocked-poll hook is caught and counted as the workers' are.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _entered = enter().unwrap_or_else(|error| panic!("block_on: {error}"));
        let _context = self.context.enter();
        let mut park = ThreadParker::new();
        let flag = WakeFlag::new(park.unparker());
        let waker = Waker::from(Arc::clone(&flag));
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        let watch = &self.state.config.watch;
        loop {
            if flag.take() {
                let (poll, blocked) = watch.time(PolledFuture::BlockOn, None, || {
                    coop::with_budget(|| future.as_mut().poll(&mut cx))
                });
                if let Some(report) = blocked {
                    self.state.report_block_on(&report);
                }
                if let Poll::Ready(output) = poll {
                    return output;
                }
            }
            if let Err(error) = park.park() {
                panic!("block_on: parking failed, nothing could wake this thread: {error}");
            }
        }
    }

    /// A `Send + Sync + Clone` handle that spawns onto this pool from anywhere, including
    /// from its own tasks. It does not keep the pool alive: once the pool has shut down,
    /// spawning through it returns [`SpawnError`].
    pub fn spawner(&self) -> PoolSpawner {
        PoolSpawner::new(Arc::clone(&self.state))
    }

    /// The number of worker threads.
    pub fn workers(&self) -> usize {
        self.state.workers()
    }

    /// The pool's counters.
    pub fn metrics(&self) -> PoolMetrics {
        self.state.metrics()
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
        if let Err(still_running) = self.state.stop(deadline) {
            // The late workers' threads (and the monitor's) are detached.
            self.threads.clear();
            self.monitor = None;
            return Err(ShutdownTimeout {
                still_running,
                blocked_tasks: self.state.blocked_tasks(),
            });
        }
        let current = thread::current().id();
        let replacements = self
            .state
            .supervision()
            .map(|supervisor| supervisor.take_threads())
            .unwrap_or_default();
        let threads = self
            .threads
            .drain(..)
            .chain(replacements)
            .chain(self.monitor.take());
        for thread in threads {
            if thread.thread().id() != current {
                // Panics in tasks, hooks and the park are caught on the worker; a thread
                // that ended by some other panic has reported its exit all the same.
                let _ = thread.join();
            }
        }
        Ok(())
    }
}

impl Spawn for Pool {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Pool::spawn(self, future)
    }
}

impl BlockOn for Pool {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        Pool::block_on(self, future)
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
