//! [`PoolBuilder`]: worker count, thread names and stack size, hooks, blocked-poll
//! threshold, and the park each worker sleeps in.

use std::fmt;
use std::io;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::park::BoxPark;
use wakewire_core::{BlockedPoll, Park, ThreadParker};

use crate::deques::Crossbeam;
use crate::pool::Pool;
use crate::state::{Config, PoolState};
use crate::sync::{thread, Ordering};
use crate::worker::WorkerLoop;

type ParkFactory = Box<dyn FnMut(usize) -> BoxPark + Send>;
type NameFn = Box<dyn Fn(usize) -> String + Send>;

/// Configures and starts a [`Pool`].
///
/// ```
/// use std::time::Duration;
/// use wakewire_executor_pool::Pool;
///
/// let pool = Pool::builder()
///     .workers(2)
///     .thread_name("app-worker")
///     .blocked_poll_threshold(Duration::from_millis(100))
///     .on_blocked_poll(|report| eprintln!("{report}"))
///     .build();
/// let task = pool.spawn(async { 1 + 1 }).unwrap();
/// assert_eq!(pool.block_on(task).unwrap(), 2);
/// ```
pub struct PoolBuilder {
    workers: Option<usize>,
    name: NameFn,
    stack_size: Option<usize>,
    config: Config,
    park: ParkFactory,
}

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
}

impl Default for Pool {
    fn default() -> Self {
        Pool::new()
    }
}

impl Default for PoolBuilder {
    fn default() -> Self {
        PoolBuilder::new()
    }
}

impl PoolBuilder {
    /// A builder with the defaults: one worker per available CPU, threads named
    /// `wakewire-pool-N`, the platform's stack size, no hooks, blocked-poll detection off,
    /// and a [`ThreadParker`] per worker.
    pub fn new() -> Self {
        PoolBuilder {
            workers: None,
            name: Box::new(|index| format!("wakewire-pool-{index}")),
            stack_size: None,
            config: Config::default(),
            park: Box::new(|_| BoxPark::new(ThreadParker::new())),
        }
    }

    /// Sets the number of worker threads.
    ///
    /// # Panics
    ///
    /// Panics if `count` is 0 or 65 535 or more.
    pub fn workers(mut self, count: usize) -> Self {
        assert!(
            (1..0xFFFF).contains(&count),
            "a pool needs between 1 and 65534 workers, got {count}"
        );
        self.workers = Some(count);
        self
    }

    /// Names the worker threads `{prefix}-{index}`.
    pub fn thread_name(mut self, prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        self.name = Box::new(move |index| format!("{prefix}-{index}"));
        self
    }

    /// Names each worker thread with `name(index)`.
    pub fn thread_name_fn(mut self, name: impl Fn(usize) -> String + Send + 'static) -> Self {
        self.name = Box::new(name);
        self
    }

    /// Sets the stack size of the worker threads, in bytes.
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// Calls `hook(index)` on each worker thread before it runs any task.
    ///
    /// A panic in the hook is caught and reported (a `tracing` error, and
    /// [`PoolMetrics::caught_panics`](crate::PoolMetrics::caught_panics)); the worker then
    /// runs tasks as usual.
    pub fn on_thread_start(mut self, hook: impl Fn(usize) + Send + Sync + 'static) -> Self {
        self.config.on_start = Some(Arc::new(hook));
        self
    }

    /// Calls `hook(index)` on each worker thread after it ran its last task and dropped
    /// its queue, just before the thread ends.
    ///
    /// A panic in the hook is caught and reported like one in
    /// [`on_thread_start`](Self::on_thread_start).
    pub fn on_thread_stop(mut self, hook: impl Fn(usize) + Send + Sync + 'static) -> Self {
        self.config.on_stop = Some(Arc::new(hook));
        self
    }

    /// Reports every poll that runs for `threshold` or longer (off by default;
    /// `Duration::ZERO` reports every poll).
    ///
    /// Each report goes to a `tracing::warn!` event and to the hook set with
    /// [`on_blocked_poll`](Self::on_blocked_poll). With a threshold set, each poll is
    /// timed (two clock reads, some tens of nanoseconds); without one, nothing is measured.
    pub fn blocked_poll_threshold(mut self, threshold: Duration) -> Self {
        self.config.watch.set_threshold(threshold);
        self
    }

    /// Calls `hook` with each [`BlockedPoll`] report, on the worker that ran the poll, after
    /// the poll returned (outside the task). Keep it short: the worker runs nothing else
    /// meanwhile.
    ///
    /// Has no effect unless [`blocked_poll_threshold`](Self::blocked_poll_threshold) is set.
    ///
    /// A panic in the hook is caught and reported like one in
    /// [`on_thread_start`](Self::on_thread_start); the task whose poll was reported keeps
    /// its output.
    pub fn on_blocked_poll(mut self, hook: impl Fn(&BlockedPoll) + Send + Sync + 'static) -> Self {
        self.config.watch.set_hook(Box::new(hook));
        self
    }

    /// Makes each worker sleep in `factory(index)` instead of a [`ThreadParker`], for
    /// example a reactor's park so idle workers turn the reactor.
    ///
    /// A busy worker also calls `park_timeout(Duration::ZERO)` every few dozen polls, so
    /// a reactor driven by the park makes progress under load.
    ///
    /// A park that panics is treated like one that returns an error: the panic is caught
    /// and reported (a `tracing` error, and
    /// [`PoolMetrics::caught_panics`](crate::PoolMetrics::caught_panics)), and the worker
    /// goes on with its tasks, parking again when it has none. No task is lost; a park that
    /// panics every time makes an idle worker spin.
    pub fn park_with<P, F>(mut self, mut factory: F) -> Self
    where
        P: Park + Send + 'static,
        F: FnMut(usize) -> P + Send + 'static,
    {
        self.park = Box::new(move |index| BoxPark::new(factory(index)));
        self
    }

    /// Starts the worker threads.
    ///
    /// # Panics
    ///
    /// Panics if a worker thread cannot be spawned; use [`try_build`](Self::try_build) to
    /// get the error instead.
    pub fn build(self) -> Pool {
        self.try_build()
            .unwrap_or_else(|error| panic!("failed to start the pool's worker threads: {error}"))
    }

    /// Starts the worker threads.
    ///
    /// # Errors
    ///
    /// The error of [`std::thread::Builder::spawn`] if a worker thread cannot be started;
    /// the workers already started are stopped and joined first.
    pub fn try_build(mut self) -> io::Result<Pool> {
        let workers = self.workers.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(NonZeroUsize::get)
                .unwrap_or(1)
                .min(0xFFFE)
        });
        let parks: Vec<BoxPark> = (0..workers).map(&mut self.park).collect();
        let unparkers = parks.iter().map(Park::unparker).collect();
        // What `Pool::block_on` makes current: the pool's reactors, as its workers see them.
        let context = parks[0].context();
        let (state, queues) = PoolState::<Crossbeam>::new(unparkers, self.config);
        let mut threads = Vec::with_capacity(workers);
        for (index, (queue, park)) in queues.into_iter().zip(parks).enumerate() {
            let mut builder = thread::Builder::new().name((self.name)(index));
            if let Some(bytes) = self.stack_size {
                builder = builder.stack_size(bytes);
            }
            let worker_state = Arc::clone(&state);
            state.counters.thread_starts.fetch_add(1, Ordering::Relaxed);
            let spawned =
                builder.spawn(move || WorkerLoop::new(worker_state, index, queue, park).run());
            match spawned {
                Ok(thread) => threads.push(thread),
                Err(error) => {
                    state.counters.thread_starts.fetch_sub(1, Ordering::Relaxed);
                    // Workers that never started count as exited for the shutdown wait.
                    for _ in index..workers {
                        state.worker_exited();
                    }
                    drop(Pool::from_parts(state, threads, context));
                    return Err(error);
                }
            }
        }
        Ok(Pool::from_parts(state, threads, context))
    }
}

impl fmt::Debug for PoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("workers", &self.workers)
            .field("stack_size", &self.stack_size)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
