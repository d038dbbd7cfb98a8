//! [`LocalExecutor`]: the run loop, `block_on`, and shutdown on drop.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use wakewire_core::block_on::WakeFlag;
use wakewire_core::blocked::{BlockedPollWatch, PolledFuture};
use wakewire_core::coop;
use wakewire_core::enter::{enter, EnterGuard};
use wakewire_core::park::{AnyUnpark, ContextGuard, ParkContext};
use wakewire_core::{
    BlockOn, BlockedPoll, JoinHandle, LocalSpawn, Park, Spawn, SpawnError, ThreadParker, Unpark,
};

use crate::owner_queue::{OwnerQueue, RunningGuard};
use crate::ready_queue::ReadyQueue;
use crate::spawner::{LocalSpawner, Spawner};

/// How many tasks run between two looks at the `block_on` future (and two non-blocking
/// turns of the park), so neither a busy queue nor the main future starves the other.
const BATCH: usize = 61;

/// The blocked-poll watch of a local executor: its hook runs on the executor's thread, so
/// it need not be `Send`.
pub(crate) type LocalWatch = BlockedPollWatch<Box<dyn Fn(&BlockedPoll)>>;

/// A single-threaded executor: every task is polled on the thread that created it.
///
/// It runs `!Send` futures ([`spawn_local`](Self::spawn_local)) as well as `Send` ones
/// ([`spawn`](Self::spawn)), and is driven by [`block_on`](Self::block_on) or by hand with
/// [`try_tick`](Self::try_tick) and [`run_until_stalled`](Self::run_until_stalled). While
/// nothing is ready it waits in its [`Park`] — a plain [`ThreadParker`] by default, or a
/// reactor's park so the idle thread turns the reactor. While it runs tasks, the park's
/// [context](Park::context) is current on the thread, so a reactor's free constructors
/// (`sleep`, `TcpStream::connect`) called from tasks use the reactor the executor drives.
///
/// Wakers may be woken from any thread. Futures are always dropped on this thread: when a
/// task finishes, is cancelled, or when the executor is dropped.
///
/// The methods are inherent, so the common case needs no trait import; the executor also
/// implements [`Spawn`], [`LocalSpawn`] and [`BlockOn`] for code generic over executors.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
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
/// Drops the future of every task that has not finished (each exactly once), on the
/// dropping thread and outside any run loop (a destructor may itself block on another
/// executor), then refuses further spawns through its handles with [`SpawnError`].
/// Awaiting the handle of a task dropped this way gives a cancellation error.
pub struct LocalExecutor<P: Park = ThreadParker> {
    queue: Arc<ReadyQueue>,
    /// Tasks woken or spawned on this thread while the executor runs.
    owned: Rc<OwnerQueue>,
    park: RefCell<P>,
    context: ParkContext,
    polls: Cell<u64>,
    watch: LocalWatch,
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
    /// Polls reported as blocking, of tasks and of `block_on` futures (see
    /// [`LocalBuilder::blocked_poll_threshold`](crate::LocalBuilder::blocked_poll_threshold)).
    pub blocked_polls: u64,
}

impl LocalExecutor<ThreadParker> {
    /// Creates an executor that blocks its thread when idle.
    pub fn new() -> Self {
        LocalExecutor::with_park(ThreadParker::new())
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
        LocalExecutor::from_parts(park, LocalWatch::new())
    }

    pub(crate) fn from_parts(park: P, watch: LocalWatch) -> Self {
        let queue = Arc::new(ReadyQueue::new(AnyUnpark::new(park.unparker())));
        LocalExecutor {
            owned: OwnerQueue::new(queue.owner_key()),
            queue,
            context: park.context(),
            park: RefCell::new(park),
            polls: Cell::new(0),
            watch,
            blocked_polls: Cell::new(0),
            _not_send: PhantomData,
        }
    }

    /// Starts running a `Send` future on this executor and returns a handle to its output.
    /// Dropping the handle detaches the task.
    ///
    /// # Errors
    ///
    /// Never while the executor exists; the `Result` is the one of [`Spawn`] and of the
    /// executor's handles, which return [`SpawnError`] once it is dropped.
    pub fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.queue.spawn(future)
    }

    /// Starts running a future that may be `!Send` on this executor and returns a handle to
    /// its output. Dropping the handle detaches the task.
    ///
    /// # Errors
    ///
    /// Never while the executor exists; the `Result` is the one of [`Spawn`] and of the
    /// executor's handles, which return [`SpawnError`] once it is dropped.
    pub fn spawn_local<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.queue.spawn_local(future)
    }

    /// Runs `future` to completion on this thread, polling this executor's tasks while it
    /// waits and parking when nothing is ready.
    ///
    /// # Panics
    ///
    /// Panics if the thread is already running an executor (nested `block_on`, or
    /// `block_on` inside a task), and if the park fails (a reactor's event source broke):
    /// the future could then never be woken. A panic of the blocked-poll hook propagates
    /// (see [`LocalBuilder::on_blocked_poll`](crate::LocalBuilder::on_blocked_poll)).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _running = self.enter();
        let main = WakeFlag::new(MainUnpark(Arc::clone(&self.queue)));
        let waker = Waker::from(Arc::clone(&main));
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            self.queue.sleep.begin_turn();
            if main.take() {
                // Timed like a task's poll (CPU work written straight into the main future
                // starves every task just as well), under a budget of its own.
                let (poll, blocked) = self.watch.time(PolledFuture::BlockOn, Some(0), || {
                    coop::with_budget(|| future.as_mut().poll(&mut cx))
                });
                if let Some(report) = blocked {
                    self.report_blocked(&report);
                }
                if let Poll::Ready(output) = poll {
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
            } else if self.queue.sleep.try_sleep() {
                None
            } else {
                continue;
            };
            if let Err(err) = self.turn_park(idle) {
                panic!("LocalExecutor: parking failed, nothing could wake this thread: {err}");
            }
        }
    }

    /// A `Send + Sync` handle that spawns `Send` futures onto this executor from any thread.
    pub fn spawner(&self) -> Spawner {
        Spawner::new(Arc::clone(&self.queue))
    }

    /// A handle that spawns `!Send` futures onto this executor; tasks can hold one to
    /// spawn more.
    pub fn local_spawner(&self) -> LocalSpawner {
        LocalSpawner::new(Arc::clone(&self.queue))
    }

    /// Polls one queued task, if there is one. Returns whether a task was polled.
    ///
    /// # Panics
    ///
    /// Panics if the thread is already running an executor (a `try_tick` from inside a
    /// task). A panic of the blocked-poll hook propagates.
    pub fn try_tick(&self) -> bool {
        let _running = self.enter();
        self.run_one()
    }

    /// Polls queued tasks until none is ready, without blocking. Returns how many polls ran.
    ///
    /// Reactors driven by this executor's park are turned once (without blocking) whenever
    /// the queue runs dry, so events that are already pending wake their tasks first.
    ///
    /// # Panics
    ///
    /// Panics if the thread is already running an executor. A panic of the blocked-poll
    /// hook propagates.
    ///
    /// An error from the park (a reactor failing to poll its events) is ignored here; it
    /// surfaces from [`block_on`](Self::block_on).
    pub fn run_until_stalled(&self) -> u64 {
        let _running = self.enter();
        let start = self.polls.get();
        loop {
            while self.run_one() {}
            // Give executor-driven reactors a chance to wake tasks whose events are ready.
            let _ = self.turn_park(Some(Duration::ZERO));
            if self.queue.tasks.is_empty() && self.owned.is_empty() {
                return self.polls.get() - start;
            }
        }
    }

    /// The executor's counters.
    pub fn metrics(&self) -> LocalMetrics {
        LocalMetrics {
            live_tasks: self.queue.live_tasks(),
            polls: self.polls.get(),
            queued: self.queue.tasks.len() + self.owned.len(),
            blocked_polls: self.blocked_polls.get(),
        }
    }

    /// Marks the thread as running this executor, with the park's context current and
    /// wakes on this thread going to the owner queue, until the guards are dropped (in
    /// order: a tuple drops its fields first to last).
    fn enter(&self) -> (ContextGuard, RunningGuard, EnterGuard) {
        let entered = enter().unwrap_or_else(|err| panic!("{err}"));
        (self.context.enter(), self.owned.enter(), entered)
    }

    fn run_one(&self) -> bool {
        let Some(runnable) = self.owned.pop(&self.queue.tasks) else {
            return false;
        };
        self.polls.set(self.polls.get() + 1);
        let (_, blocked) = self.watch.time(runnable.id(), Some(0), || {
            coop::with_budget(|| runnable.run())
        });
        if let Some(report) = blocked {
            self.report_blocked(&report);
        }
        true
    }

    /// After the poll, outside the polled future: a panicking hook reaches whoever drives
    /// the executor, and a task keeps its output.
    fn report_blocked(&self, report: &BlockedPoll) {
        self.blocked_polls.set(self.blocked_polls.get() + 1);
        self.watch.report(report);
    }

    fn turn_park(&self, timeout: Option<Duration>) -> std::io::Result<()> {
        // A reactor turned by the park wakes tasks on this thread: they must take the
        // shared queue and its notify, which ends the park.
        let _parked = OwnerQueue::suspend();
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

/// How the waker of the `block_on` future wakes the executor: through the sleep handshake,
/// so it only unparks a thread that is asleep.
#[derive(Clone)]
struct MainUnpark(Arc<ReadyQueue>);

impl Unpark for MainUnpark {
    fn unpark(&self) {
        self.0.notify();
    }
}

impl<P: Park> Spawn for LocalExecutor<P> {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        LocalExecutor::spawn(self, future)
    }
}

impl<P: Park> LocalSpawn for LocalExecutor<P> {
    fn spawn_local<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        LocalExecutor::spawn_local(self, future)
    }
}

impl<P: Park> BlockOn for LocalExecutor<P> {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        LocalExecutor::block_on(self, future)
    }
}

impl<P: Park> Drop for LocalExecutor<P> {
    fn drop(&mut self) {
        self.queue.shutdown(&self.owned);
    }
}

impl<P: Park> fmt::Debug for LocalExecutor<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalExecutor")
            .field("metrics", &self.metrics())
            .finish_non_exhaustive()
    }
}
