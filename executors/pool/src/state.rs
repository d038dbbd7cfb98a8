//! [`PoolState`]: what every worker, waker and handle of one pool shares — the injector, the
//! stealers, the idle bookkeeping and the unparkers, the live-task registry, the spawn gate,
//! the shutdown flag, the user's configuration, the supervisor's books and the counters.
//!
//! Where a woken or spawned task goes is in [`schedule`](crate::schedule), the spawn path
//! in [`spawn`](crate::spawn), shutdown in [`shutdown`](crate::shutdown).
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::fmt;
use std::sync::Arc;

use crossbeam_utils::CachePadded;
use wakewire_core::blocked::BlockedPollWatch;
use wakewire_core::park::AnyUnpark;
use wakewire_core::registry::TaskRegistry;
use wakewire_core::task::Runnable;
use wakewire_core::{BlockedPoll, Unpark};

use crate::deques::Deques;
use crate::gate::SpawnGate;
use crate::idle::Idle;
use crate::metrics::{PoolCounters, PoolMetrics, WorkerCounters};
use crate::queues::{self, BatchSource};
use crate::supervise::{Supervision, Supervisor};
use crate::sync::{AtomicBool, Condvar, Mutex, Ordering};

/// Called with a worker's index on its thread when it starts or stops.
pub type ThreadHook = Arc<dyn Fn(usize) + Send + Sync>;

/// The user's hooks and limits, fixed at build time.
#[derive(Default)]
pub struct Config {
    /// Called on each worker thread before it runs any task.
    pub on_start: Option<ThreadHook>,
    /// Called on each worker thread after it ran its last task.
    pub on_stop: Option<ThreadHook>,
    /// The blocked-poll threshold and hook.
    pub watch: BlockedPollWatch,
    /// Supervision, if on: the threshold, the cap on replacement threads.
    pub supervision: Option<Supervision>,
}

impl Config {
    /// Spare slots for replacement threads: the cap, or 0 without supervision.
    pub fn spare_slots(&self) -> usize {
        self.supervision
            .as_ref()
            .map_or(0, |supervision| supervision.max_replacements)
    }
}

/// Who has left, and who will sweep: see [`crate::shutdown`].
#[derive(Debug)]
pub(crate) struct Exits {
    /// Worker threads counted for shutdown: the workers, plus every replacement thread
    /// started (see [`PoolState::thread_started`]).
    pub(crate) started: usize,
    /// Threads that have left their run loop.
    pub(crate) exited: usize,
    /// A thread waits in `stop` to sweep once every worker has left; the last worker out
    /// then leaves the sweep to it.
    pub(crate) sweeper_waiting: bool,
}

/// See the [module docs](self).
pub struct PoolState<D: Deques> {
    /// Tasks spawned or woken outside the workers.
    pub(crate) injector: D::Injector,
    /// The pool's own workers (slots `0..workers`; the spare slots of replacement threads
    /// follow).
    workers: usize,
    /// One per slot, to steal from its local queue.
    pub(crate) stealers: Box<[D::Stealer]>,
    /// One per slot, to wake its thread from its park.
    pub(crate) unparkers: Box<[AnyUnpark]>,
    pub(crate) idle: Idle,
    /// Tasks that have returned `Pending` at least once (see [`crate::gate`]).
    pub(crate) registry: TaskRegistry,
    /// Refuses spawns once shutdown has begun.
    pub(crate) gate: SpawnGate,
    /// Set once by shutdown; workers stop after their current poll.
    pub(crate) shutdown: AtomicBool,
    /// Workers that have left their run loop, and the condition shutdown waits on.
    pub(crate) exits: Mutex<Exits>,
    pub(crate) exits_changed: Condvar,
    pub(crate) config: Config,
    /// What supervision shares between the workers and the monitor, if it is on.
    pub(crate) supervisor: Option<Supervisor<D>>,
    /// One per slot.
    pub(crate) worker_counters: Box<[CachePadded<WorkerCounters>]>,
    pub(crate) counters: PoolCounters,
}

impl<D: Deques> PoolState<D> {
    /// The state of a pool with one slot per unparker, and each slot's local queue: the
    /// first ones are the workers' (for
    /// [`WorkerLoop::new`](crate::worker::WorkerLoop::new)), the last
    /// [`config.spare_slots()`](Config::spare_slots) the spare slots of replacement threads
    /// (for [`add_spare`](Self::add_spare)).
    ///
    /// # Panics
    ///
    /// Panics if there is no unparker for a worker, or too many for the idle
    /// bookkeeping's counts.
    pub fn new(unparkers: Vec<AnyUnpark>, config: Config) -> (Arc<Self>, Vec<D::Local>) {
        let slots = unparkers.len();
        let workers = slots
            .checked_sub(config.spare_slots())
            .filter(|&workers| workers > 0)
            .expect("one unparker per worker and per spare slot");
        let (queues, stealers): (Vec<_>, Vec<_>) = (0..slots).map(|_| D::local()).unzip();
        let supervisor = config
            .supervision
            .as_ref()
            .map(|supervision| Supervisor::new(supervision, slots));
        let state = Arc::new(PoolState {
            injector: D::injector(),
            workers,
            stealers: stealers.into(),
            unparkers: unparkers.into(),
            idle: Idle::new(workers),
            registry: TaskRegistry::new(registry_shards(workers)),
            gate: SpawnGate::new(),
            shutdown: AtomicBool::new(false),
            exits: Mutex::new(Exits {
                started: workers,
                exited: 0,
                sweeper_waiting: false,
            }),
            exits_changed: Condvar::new(),
            config,
            supervisor,
            worker_counters: (0..slots).map(|_| CachePadded::default()).collect(),
            counters: PoolCounters::default(),
        });
        (state, queues)
    }

    /// The number of worker threads the pool was built with (replacement threads not
    /// counted).
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The supervisor's shared state, if supervision is on.
    pub fn supervision(&self) -> Option<&Supervisor<D>> {
        self.supervisor.as_ref()
    }

    /// The address that identifies this pool in its workers' thread-local contexts.
    pub(crate) fn id(&self) -> *const () {
        (self as *const Self).cast()
    }

    /// Whether shutdown has begun.
    pub fn is_shutdown(&self) -> bool {
        self.shutdown.load(Ordering::Acquire)
    }

    /// Wakes one sleeping worker if new work needs one (see [`Idle::worker_to_notify`]).
    /// Called after every push another worker could take.
    pub(crate) fn notify_one(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.counters.unparks.fetch_add(1, Ordering::Relaxed);
            self.unparkers[index].unpark();
        }
    }

    /// Unparks every worker (shutdown).
    pub(crate) fn unpark_all(&self) {
        for unpark in self.unparkers.iter() {
            unpark.unpark();
        }
    }

    /// Whether any queue another worker could take from holds a task: a worker's last look
    /// before it sleeps (see [`Deques`] for why it sees every push it must).
    pub(crate) fn has_visible_work(&self) -> bool {
        !self.injector.is_empty() || self.stealers.iter().any(|stealer| !stealer.is_empty())
    }

    /// Whether worker `index`'s own queue holds tasks (a hint, read through its stealer).
    pub(crate) fn has_queued_on(&self, index: usize) -> bool {
        self.stealers
            .get(index)
            .is_some_and(|stealer| !stealer.is_empty())
    }

    /// Takes one task from the injector, moving a batch more into `local`.
    pub(crate) fn pop_injected(&self, local: &D::Local) -> Option<Runnable> {
        queues::take_batch(&self.injector, local)
    }

    /// Whether no task is registered and the injector is empty: what a finished shutdown
    /// leaves (for the loom models' checks).
    #[cfg(loom)]
    pub fn holds_no_task(&self) -> bool {
        self.registry.is_empty() && self.injector.is_empty()
    }

    /// Reports a slow poll of a `block_on` future, on the thread that called `block_on`;
    /// a panic of the hook is caught and counted as the workers' are.
    pub(crate) fn report_block_on(&self, report: &BlockedPoll) {
        self.counters
            .block_on_blocked_polls
            .fetch_add(1, Ordering::Relaxed);
        let watch = &self.config.watch;
        crate::worker::catch_user_panic(&self.counters, 0, "blocked-poll hook", || {
            watch.report(report)
        });
    }

    /// A snapshot of the counters.
    pub fn metrics(&self) -> PoolMetrics {
        let sum = |field: fn(&WorkerCounters) -> &std::sync::atomic::AtomicU64| -> u64 {
            self.worker_counters
                .iter()
                .map(|counters| field(counters).load(Ordering::Relaxed))
                .sum()
        };
        PoolMetrics {
            workers: self.workers(),
            live_tasks: self.live_tasks(),
            polls: sum(|c| &c.polls),
            lifo_polls: sum(|c| &c.lifo_polls),
            steals: sum(|c| &c.steals),
            parks: sum(|c| &c.parks),
            unparks: self.counters.unparks.load(Ordering::Relaxed),
            thread_starts: self.counters.thread_starts.load(Ordering::Relaxed),
            thread_stops: self.counters.thread_stops.load(Ordering::Relaxed),
            blocked_polls: sum(|c| &c.blocked_polls)
                + self.counters.block_on_blocked_polls.load(Ordering::Relaxed),
            caught_panics: self.counters.caught_panics.load(Ordering::Relaxed),
            supervised_blocks: self.counters.supervised_blocks.load(Ordering::Relaxed),
            replacement_threads: self.counters.replacement_threads.load(Ordering::Relaxed),
        }
    }

    /// Tasks spawned minus task futures dropped, from counters read one by one (so only
    /// approximate while tasks run; clamped at zero). The registry cannot say: a task joins
    /// it only at its first `Pending`.
    fn live_tasks(&self) -> usize {
        let (mut spawned, mut dropped) = (0u64, 0u64);
        // Drops first: a task is counted as spawned before its future can be dropped.
        dropped += self.counters.outside_dropped.load(Ordering::SeqCst);
        for counters in self.worker_counters.iter() {
            dropped += counters.dropped.load(Ordering::SeqCst);
        }
        spawned += self.counters.outside_spawned.load(Ordering::SeqCst);
        for counters in self.worker_counters.iter() {
            spawned += counters.spawned.load(Ordering::SeqCst);
        }
        usize::try_from(spawned.saturating_sub(dropped)).unwrap_or(usize::MAX)
    }
}

/// About two registry shards per worker, so registrations on different workers rarely
/// contend.
#[cfg(not(loom))]
fn registry_shards(workers: usize) -> usize {
    (workers * 2).max(4)
}

/// One under loom: every shard is a lock that each close and each emptiness check takes,
/// which multiplies the schedules a model explores, and sharding changes no protocol.
#[cfg(loom)]
fn registry_shards(_workers: usize) -> usize {
    1
}

impl<D: Deques> fmt::Debug for PoolState<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolState")
            .field("workers", &self.workers())
            .field("shutdown", &self.is_shutdown())
            .field("idle", &self.idle.counts())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("on_start", &self.on_start.is_some())
            .field("on_stop", &self.on_stop.is_some())
            .field("watch", &self.watch)
            .field("supervision", &self.supervision)
            .finish()
    }
}
