//! [`LocalExecutor`]: the run loop, `block_on`, and shutdown on drop.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use wakewire_core::enter::{enter, EnterGuard};
use wakewire_core::{
    BlockOn, BlockedPoll, JoinHandle, LocalSpawn, Park, Spawn, SpawnError, ThreadParker, Unpark,
};

use crate::builder::{BlockedWatch, LocalBuilder};
use crate::shared::Shared;
use crate::spawner::{LocalSpawner, Spawner};
use crate::sync::{AtomicBool, Ordering};

/// How many tasks run between two looks at the `block_on` future (and two non-blocking
/// turns of the park), so neither a busy queue nor the main future starves the other.
const BATCH: usize = 61;

/// A single-threaded executor: every task is polled on the thread that created it.
///
/// It runs `!Send` futures ([`spawn_local`](LocalSpawn::spawn_local)) as well as `Send` ones,
/// and is driven by [`block_on`](BlockOn::block_on) or by hand with
/// [`try_tick`](Self::try_tick) and [`run_until_stalled`](Self::run_until_stalled). While
/// nothing is ready it waits in its [`Park`] — a plain [`ThreadParker`] by default, or a
/// reactor's park so the idle thread turns the reactor.
///
/// Wakers may be woken from any thread. Futures are always dropped on this thread: when a
/// task finishes, is cancelled, or when the executor is dropped.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use wakewire_core::{BlockOn, LocalSpawn};
/// use wakewire_executor_local::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let shared = Rc::new(5); // !Send: fine on a local executor
/// let task = ex.spawn_local({
///     let shared = shared.clone();
///     async move { *shared * 2 }
/// }).unwrap();
/// assert_eq!(ex.block_on(task).unwrap(), 10);
/// ```
///
/// # Dropping the executor
///
/// Drops the future of every task that has not finished (each exactly once), then refuses
/// further spawns through its handles with [`SpawnError`]. Awaiting the handle of a task
/// dropped this way gives a cancellation error.
pub struct LocalExecutor<P: Park = ThreadParker> {
    shared: Arc<Shared>,
    park: RefCell<P>,
    polls: Cell<u64>,
    watch: BlockedWatch,
    blocked_polls: Cell<u64>,
    /// Polls happen on the creating thread only.
    _not_send: PhantomData<*const ()>,
}

/// Test-visible counters of a [`LocalExecutor`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LocalMetrics {
    /// Tasks whose futures are alive (not finished, cancelled or dropped).
    pub live_tasks: usize,
    /// Task polls so far (not counting polls of `block_on` futures).
    pub polls: u64,
    /// Tasks waiting in the run queue.
    pub queued: usize,
    /// Polls reported as blocking (see [`LocalBuilder::blocked_poll_threshold`]).
    pub blocked_polls: u64,
}

impl LocalExecutor<ThreadParker> {
    /// Creates an executor that blocks its thread when idle.
    pub fn new() -> Self {
        LocalExecutor::with_park(ThreadParker::new())
    }

    /// Configures an executor: its park, and a report for polls that block the thread.
    pub fn builder() -> LocalBuilder {
        LocalBuilder::new()
    }
}

impl Default for LocalExecutor<ThreadParker> {
    fn default() -> Self {
        LocalExecutor::new()
    }
}

impl<P: Park> LocalExecutor<P> {
    /// Creates an executor that waits in `park` when idle.
    ///
    /// `park` is usually a reactor's park (turning its event loop while the executor has
    /// nothing to run), possibly stacked over other parks.
    pub fn with_park(park: P) -> Self {
        LocalExecutor::from_parts(park, BlockedWatch::default())
    }

    pub(crate) fn from_parts(park: P, watch: BlockedWatch) -> Self {
        let unpark = park.unparker();
        LocalExecutor {
            shared: Arc::new(Shared::new(Box::new(move || unpark.unpark()))),
            park: RefCell::new(park),
            polls: Cell::new(0),
            watch,
            blocked_polls: Cell::new(0),
            _not_send: PhantomData,
        }
    }

    /// A `Send + Sync` handle that spawns `Send` futures onto this executor from any thread.
    pub fn spawner(&self) -> Spawner {
        Spawner::new(Arc::clone(&self.shared))
    }

    /// A handle that spawns `!Send` futures onto this executor; tasks can hold one to
    /// spawn more.
    pub fn local_spawner(&self) -> LocalSpawner {
        LocalSpawner::new(Arc::clone(&self.shared))
    }

    /// Polls one queued task, if there is one. Returns whether a task was polled.
    ///
    /// # Panics
    ///
    /// Panics if the thread is already running an executor (a `try_tick` from inside a task).
    pub fn try_tick(&self) -> bool {
        let _enter = enter_or_panic();
        self.run_one()
    }

    /// Polls queued tasks until none is ready, without blocking. Returns how many polls ran.
    ///
    /// Reactors driven by this executor's park are turned once (without blocking) whenever
    /// the queue runs dry, so events that are already pending wake their tasks first.
    ///
    /// # Panics
    ///
    /// Panics if the thread is already running an executor.
    ///
    /// An error from the park (a reactor failing to poll its events) is ignored here; it
    /// surfaces from [`block_on`](BlockOn::block_on).
    pub fn run_until_stalled(&self) -> u64 {
        let _enter = enter_or_panic();
        let start = self.polls.get();
        loop {
            while self.run_one() {}
            // Give executor-driven reactors a chance to wake tasks whose events are ready.
            let _ = self.turn_park(Some(Duration::ZERO));
            if self.shared.queue.is_empty() {
                return self.polls.get() - start;
            }
        }
    }

    /// The executor's counters.
    pub fn metrics(&self) -> LocalMetrics {
        LocalMetrics {
            live_tasks: self.shared.live_tasks(),
            polls: self.polls.get(),
            queued: self.shared.queue.len(),
            blocked_polls: self.blocked_polls.get(),
        }
    }

    fn run_one(&self) -> bool {
        let Ok(runnable) = self.shared.queue.pop() else {
            return false;
        };
        self.polls.set(self.polls.get() + 1);
        if self.watch.threshold.is_none() {
            runnable.run();
        } else {
            let task = runnable.id();
            let start = Instant::now();
            runnable.run();
            if self.watch.check(BlockedPoll::new(task, start.elapsed(), 0)) {
                self.blocked_polls.set(self.blocked_polls.get() + 1);
            }
        }
        true
    }

    fn turn_park(&self, timeout: Option<Duration>) -> std::io::Result<()> {
        let mut park = self
            .park
            .try_borrow_mut()
            .expect("LocalExecutor's park re-entered: a park implementation ran the executor");
        match timeout {
            Some(timeout) => park.park_timeout(timeout),
            None => park.park(),
        }
    }
}

fn enter_or_panic() -> EnterGuard {
    enter().unwrap_or_else(|err| panic!("{err}"))
}

/// The waker of the future passed to `block_on`: it is not a task, so it has a flag
/// instead of a queue slot.
struct MainWake {
    woken: AtomicBool,
    shared: Arc<Shared>,
}

impl Wake for MainWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Release: the executor's swap in `begin_turn` acquires it through `notify`.
        self.woken.store(true, Ordering::Release);
        self.shared.notify();
    }
}

impl<P: Park> BlockOn for LocalExecutor<P> {
    /// Runs `future` to completion, polling this executor's tasks while it waits.
    ///
    /// # Panics
    ///
    /// Panics if the thread is already running an executor (nested `block_on`, or
    /// `block_on` inside a task), and if the park fails (a reactor's event source broke):
    /// the future could then never be woken.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter = enter_or_panic();
        let main = Arc::new(MainWake {
            woken: AtomicBool::new(true),
            shared: Arc::clone(&self.shared),
        });
        let waker = Waker::from(Arc::clone(&main));
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            self.shared.sleep.begin_turn();
            if main.woken.swap(false, Ordering::Acquire) {
                if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                    return output;
                }
            }
            let mut ran = 0;
            while ran < BATCH && self.run_one() {
                ran += 1;
            }
            let idle = if ran == BATCH {
                // Busy: turn executor-driven reactors without blocking, then go on.
                Some(Duration::ZERO)
            } else if self.shared.sleep.try_sleep() {
                None
            } else {
                continue;
            };
            if let Err(err) = self.turn_park(idle) {
                panic!("LocalExecutor: parking failed, nothing could wake this thread: {err}");
            }
        }
    }
}

impl<P: Park> Spawn for LocalExecutor<P> {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.shared.spawn(future)
    }
}

impl<P: Park> LocalSpawn for LocalExecutor<P> {
    fn spawn_local<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.shared.spawn_local(future)
    }
}

impl<P: Park> Drop for LocalExecutor<P> {
    fn drop(&mut self) {
        self.shared.shutdown();
    }
}

impl<P: Park> fmt::Debug for LocalExecutor<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalExecutor")
            .field("metrics", &self.metrics())
            .finish_non_exhaustive()
    }
}
