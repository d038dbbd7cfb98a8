//! [`BlockingPool`] and its builder.

use std::fmt;
use std::time::Duration;

use crate::job::{Completion, JobCell};
use crate::shared::{Config, Shared};
use crate::sync::Arc;
use crate::task::BlockingTask;

/// Default for [`BlockingPoolBuilder::max_threads`].
pub const DEFAULT_MAX_THREADS: usize = 512;
/// Default for [`BlockingPoolBuilder::keep_alive`].
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);
/// Default for [`BlockingPoolBuilder::thread_name`].
pub const DEFAULT_THREAD_NAME: &str = "wakewire-blocking";

/// An elastic pool of threads for closures that block or burn CPU.
///
/// Threads start when a job arrives and no idle thread can take it (up to
/// [`max_threads`](BlockingPoolBuilder::max_threads)); a thread exits after
/// [`keep_alive`](BlockingPoolBuilder::keep_alive) without work. Jobs beyond `max_threads`
/// wait in a FIFO queue.
///
/// ```
/// use std::time::Duration;
/// use wakewire_core::BlockOn;
/// use wakewire_executor_local::LocalExecutor;
/// use wakewire_reactor_blocking::BlockingPool;
///
/// let pool = BlockingPool::builder()
///     .max_threads(2)
///     .keep_alive(Duration::from_millis(500))
///     .thread_name("hasher")
///     .build();
/// let task = pool.spawn(|| (1..=10u64).product::<u64>());
/// assert_eq!(LocalExecutor::new().block_on(task).unwrap(), 3_628_800);
/// ```
///
/// # Dropping and shutting down
///
/// Dropping the pool (or [`shutdown_timeout`](Self::shutdown_timeout)) stops accepting jobs:
/// every queued job is dropped unrun and its future resolves to a
/// [shutdown error](crate::BlockingError::is_shutdown), as does every later
/// [`spawn`](Self::spawn). Closures already running finish (nothing can interrupt a
/// closure) and their futures get their values; then the threads exit. Dropping does not
/// wait for them.
pub struct BlockingPool {
    shared: Arc<Shared>,
}

impl BlockingPool {
    /// A pool with the default configuration.
    pub fn new() -> Self {
        BlockingPool::builder().build()
    }

    /// Configures a pool.
    pub fn builder() -> BlockingPoolBuilder {
        BlockingPoolBuilder {
            config: Config {
                max_threads: DEFAULT_MAX_THREADS,
                keep_alive: DEFAULT_KEEP_ALIVE,
                thread_name: DEFAULT_THREAD_NAME.to_owned(),
                stack_size: None,
            },
        }
    }

    /// Runs `closure` on a pool thread; the returned future resolves to its value.
    ///
    /// The job is queued at once, whether or not the future is ever polled. Drop the future
    /// before the job starts to cancel it.
    ///
    /// # Errors
    ///
    /// The future resolves to a [`BlockingError`](crate::BlockingError) if the closure
    /// panics, or if the pool has shut down (or shuts down before the job starts).
    pub fn spawn<F, T>(&self, closure: F) -> BlockingTask<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let completion = Arc::new(Completion::new());
        let task = BlockingTask::new(Arc::clone(&completion));
        Shared::submit(&self.shared, Box::new(JobCell::new(closure, completion)));
        task
    }

    /// A snapshot of the pool's counters.
    pub fn metrics(&self) -> BlockingPoolMetrics {
        let state = self.shared.lock();
        BlockingPoolMetrics {
            threads: state.threads,
            idle_threads: state.idle,
            queued_jobs: state.queued(),
            threads_started: state.started,
            max_threads: self.shared.config.max_threads,
        }
    }

    /// Shuts the pool down and waits up to `timeout` for its threads to exit. Returns
    /// whether they all did.
    ///
    /// Queued jobs are dropped unrun (their futures resolve to a shutdown error); running
    /// closures finish first, so `false` means one is still running. Calling this from a
    /// closure running on this pool returns `false` after `timeout`, since that thread
    /// cannot exit while it waits.
    pub fn shutdown_timeout(&self, timeout: Duration) -> bool {
        drop(self.shared.begin_shutdown());
        self.shared.wait_for_threads(timeout)
    }
}

impl Default for BlockingPool {
    fn default() -> Self {
        BlockingPool::new()
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        drop(self.shared.begin_shutdown());
    }
}

impl fmt::Debug for BlockingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingPool")
            .field("config", &self.shared.config)
            .field("metrics", &self.metrics())
            .finish()
    }
}

/// Counters of a [`BlockingPool`], for tests and monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlockingPoolMetrics {
    /// Live pool threads: running a job, or idle until their keep-alive ends.
    pub threads: usize,
    /// Live threads waiting for a job.
    pub idle_threads: usize,
    /// Jobs waiting for a thread.
    pub queued_jobs: usize,
    /// Threads started since the pool was built.
    pub threads_started: u64,
    /// The configured upper bound on `threads`.
    pub max_threads: usize,
}

/// Configures a [`BlockingPool`]; made by [`BlockingPool::builder`].
#[derive(Debug, Clone)]
pub struct BlockingPoolBuilder {
    config: Config,
}

impl BlockingPoolBuilder {
    /// At most this many threads run jobs at once (default [`DEFAULT_MAX_THREADS`]).
    ///
    /// # Panics
    ///
    /// Panics if `max_threads` is zero: no job could ever run.
    pub fn max_threads(mut self, max_threads: usize) -> Self {
        assert!(max_threads > 0, "a BlockingPool needs at least one thread");
        self.config.max_threads = max_threads;
        self
    }

    /// How long a thread waits for a new job before it exits (default
    /// [`DEFAULT_KEEP_ALIVE`]). `Duration::ZERO` makes a thread exit as soon as the queue is
    /// empty.
    pub fn keep_alive(mut self, keep_alive: Duration) -> Self {
        self.config.keep_alive = keep_alive;
        self
    }

    /// Threads are named `{name}-{n}`, with `n` counting from 0 (default
    /// [`DEFAULT_THREAD_NAME`]).
    pub fn thread_name(mut self, name: impl Into<String>) -> Self {
        self.config.thread_name = name.into();
        self
    }

    /// The stack size of each pool thread, in bytes (default: the standard library's).
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.config.stack_size = Some(bytes);
        self
    }

    /// Builds the pool. No thread starts until the first job arrives.
    pub fn build(self) -> BlockingPool {
        BlockingPool {
            shared: Arc::new(Shared::new(self.config)),
        }
    }
}
