//! [`PoolBuilder`]: worker count, thread names and stack size, hooks, blocked-poll
//! threshold, supervision, and the park each worker sleeps in; [`BuildError`].

use std::error::Error;
use std::fmt;
use std::io;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::park::BoxPark;
use wakewire_core::{BlockedPoll, Park, ThreadParker};

use crate::deques::Crossbeam;
use crate::monitor;
use crate::pool::Pool;
use crate::state::{Config, PoolState};
use crate::supervise::Supervision;
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
    /// `supervise`'s threshold.
    supervise: Option<Duration>,
    /// `max_replacement_threads`, if set.
    max_replacements: Option<usize>,
}

/// Why [`PoolBuilder::try_build`] could not start a pool.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// A worker thread (or the supervisor's monitor thread) could not be started; the
    /// threads already started were stopped and joined.
    Spawn(io::Error),
    /// [`supervise`](PoolBuilder::supervise) was given `Duration::ZERO`: every poll would
    /// count as blocked.
    ZeroSupervisionThreshold,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Spawn(error) => {
                write!(f, "failed to start the pool's worker threads: {error}")
            }
            BuildError::ZeroSupervisionThreshold => f.write_str(
                "PoolBuilder::supervise needs a threshold above zero: with zero, every poll \
                 would count as blocked and start a replacement thread",
            ),
        }
    }
}

impl Error for BuildError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            BuildError::Spawn(error) => Some(error),
            BuildError::ZeroSupervisionThreshold => None,
        }
    }
}

impl From<BuildError> for io::Error {
    /// The thread's error as it was, or `InvalidInput` for a bad configuration.
    fn from(error: BuildError) -> Self {
        match error {
            BuildError::Spawn(error) => error,
            other => io::Error::new(io::ErrorKind::InvalidInput, other),
        }
    }
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
            supervise: None,
            max_replacements: None,
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

    /// Calls `hook` with each [`BlockedPoll`] report: on the worker that ran the poll, after
    /// the poll returned (outside the task), for the reports of
    /// [`blocked_poll_threshold`](Self::blocked_poll_threshold); on the thread that called
    /// [`Pool::block_on`] for its future's polls; and on the supervisor's monitor thread,
    /// while the poll still runs, for the reports of [`supervise`](Self::supervise). Keep
    /// it short: the worker runs nothing else meanwhile.
    ///
    /// Has no effect unless a threshold is set with one of those two.
    ///
    /// A panic in the hook is caught and reported like one in
    /// [`on_thread_start`](Self::on_thread_start); the task whose poll was reported keeps
    /// its output.
    pub fn on_blocked_poll(mut self, hook: impl Fn(&BlockedPoll) + Send + Sync + 'static) -> Self {
        self.config.watch.set_hook(Box::new(hook));
        self
    }

    /// Supervises the workers: a worker found inside one poll for `threshold` or longer is
    /// *taken over* — its work moves on without it, and a replacement thread keeps the pool
    /// at its configured parallelism until the poll returns (off by default).
    ///
    /// A monitor thread samples every worker a few times per `threshold` (each poll costs
    /// the worker two plain stores; no clock is read). When it finds a worker blocked:
    ///
    /// - the task in the worker's LIFO slot (woken by the blocked task just before it
    ///   blocked) moves to the injector, and so does any task the blocked poll wakes into
    ///   it later;
    /// - the tasks in the worker's local queue stay there, and a sleeping worker is woken
    ///   to steal them;
    /// - with a [`SharedPark`](wakewire_core::SharedPark), an idle worker drives the
    ///   reactor (a worker never holds the driver while it polls, and whoever releases it
    ///   hands it to a waiting worker);
    /// - a replacement thread starts on a spare slot (its own queue, and a park from the
    ///   [`park_with`](Self::park_with) factory) and runs tasks like any worker. At most
    ///   [`max_replacement_threads`](Self::max_replacement_threads) run at once.
    ///
    /// Then the monitor reports it — a [`BlockedPoll`] with `still_running` set and what
    /// was moved, to a `tracing` warning and to the [`on_blocked_poll`](Self::on_blocked_poll)
    /// hook — and counts it in [`PoolMetrics::supervised_blocks`](crate::PoolMetrics). When
    /// the blocked poll returns, the replacement thread retires within one sampling period
    /// (a quarter of `threshold`): its tasks go to the injector and its thread ends. A poll
    /// that never returns keeps its replacement until shutdown, which then times out on
    /// that worker as without supervision.
    ///
    /// Replacement threads are named like the workers, after the last worker's index, and
    /// run the [`on_thread_start`](Self::on_thread_start) and
    /// [`on_thread_stop`](Self::on_thread_stop) hooks with their slot's index.
    ///
    /// # Panics
    ///
    /// A zero `threshold` is rejected by [`try_build`](Self::try_build) (with
    /// [`BuildError::ZeroSupervisionThreshold`]), so [`build`](Self::build) panics on it.
    pub fn supervise(mut self, threshold: Duration) -> Self {
        self.supervise = Some(threshold);
        self
    }

    /// The most replacement threads the supervisor runs at once (default: the number of
    /// workers, so every worker can be blocked at once and the pool still runs at full
    /// parallelism). When all are running, a worker found blocked is still reported and
    /// its LIFO task moved, but no thread starts for it: the report says the cap was
    /// reached. `0` never starts one. Capped so that workers and replacement threads
    /// together stay under 65 535.
    ///
    /// Has no effect without [`supervise`](Self::supervise).
    pub fn max_replacement_threads(mut self, count: usize) -> Self {
        self.max_replacements = Some(count);
        self
    }

    /// Makes each worker sleep in `factory(index)` instead of a [`ThreadParker`], for
    /// example a reactor's park so idle workers turn the reactor. With
    /// [`supervise`](Self::supervise), it is also called once for each spare slot of
    /// replacement threads (indices after the workers').
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
    /// Panics with [`BuildError`]'s message if a worker thread cannot be spawned or
    /// [`supervise`](Self::supervise) was given a zero threshold; use
    /// [`try_build`](Self::try_build) to get the error instead.
    pub fn build(self) -> Pool {
        self.try_build().unwrap_or_else(|error| panic!("{error}"))
    }

    /// Starts the worker threads (and, with [`supervise`](Self::supervise), the monitor
    /// thread).
    ///
    /// # Errors
    ///
    /// [`BuildError::ZeroSupervisionThreshold`] for `supervise(Duration::ZERO)`, before
    /// anything starts; [`BuildError::Spawn`] with the error of
    /// [`std::thread::Builder::spawn`] if a thread cannot be started (the threads already
    /// started are stopped and joined first). `BuildError` converts into an `io::Error`,
    /// so `?` works in a function returning `io::Result`.
    pub fn try_build(mut self) -> Result<Pool, BuildError> {
        if self.supervise == Some(Duration::ZERO) {
            return Err(BuildError::ZeroSupervisionThreshold);
        }
        let workers = self.workers.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(NonZeroUsize::get)
                .unwrap_or(1)
                .min(0xFFFE)
        });
        if let Some(threshold) = self.supervise {
            let cap = self
                .max_replacements
                .unwrap_or(workers)
                .min(0xFFFE - workers);
            self.config.supervision = Some(Supervision {
                threshold,
                max_replacements: cap,
                thread_names: (workers..workers + cap).map(&self.name).collect(),
                stack_size: self.stack_size,
            });
        }
        let slots = workers + self.config.spare_slots();
        let mut parks: Vec<BoxPark> = (0..slots).map(&mut self.park).collect();
        let unparkers = parks.iter().map(Park::unparker).collect();
        // What `Pool::block_on` makes current: the pool's reactors, as its workers see them.
        let context = parks[0].context();
        let (state, mut queues) = PoolState::<Crossbeam>::new(unparkers, self.config);
        let spares = queues
            .split_off(workers)
            .into_iter()
            .zip(parks.split_off(workers));
        for (offset, (queue, park)) in spares.enumerate() {
            state.add_spare(workers + offset, queue, park);
        }
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
                    drop(Pool::from_parts(state, threads, None, context));
                    return Err(BuildError::Spawn(error));
                }
            }
        }
        let monitor = if state.supervision().is_some() {
            let monitor_state = Arc::clone(&state);
            let spawned = thread::Builder::new()
                .name("wakewire-pool-monitor".to_owned())
                .spawn(move || monitor::run(monitor_state));
            match spawned {
                Ok(thread) => Some(thread),
                Err(error) => {
                    drop(Pool::from_parts(state, threads, None, context));
                    return Err(BuildError::Spawn(error));
                }
            }
        } else {
            None
        };
        Ok(Pool::from_parts(state, threads, monitor, context))
    }
}

impl fmt::Debug for PoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("workers", &self.workers)
            .field("stack_size", &self.stack_size)
            .field("config", &self.config)
            .field("supervise", &self.supervise)
            .field("max_replacements", &self.max_replacements)
            .finish_non_exhaustive()
    }
}
