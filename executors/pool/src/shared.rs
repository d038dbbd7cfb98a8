//! The state every worker, waker and handle of one pool shares: the injector, the stealers,
//! the idle bookkeeping, the live-task registry, the schedule path and shutdown's sweep.
//! (The spawn path is in [`spawn`](crate::spawn).)

use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use crossbeam_deque::{Injector, Stealer};
use crossbeam_utils::CachePadded;
use wakewire_core::task::Runnable;

use crate::context;
use crate::gate::SpawnGate;
use crate::idle::Idle;
use crate::metrics::{PoolCounters, PoolMetrics, WorkerCounters};
use crate::queues;
use crate::sync::rt::{AtomicBool, Condvar, Mutex};
use crate::tracker::Tracker;
use wakewire_core::BlockedPoll;

/// Wakes one worker's park; erased so the pool need not carry the park's type.
pub(crate) type UnparkFn = Box<dyn Fn() + Send + Sync>;
/// Called with a worker's index on its thread when it starts or stops.
pub(crate) type ThreadHook = Arc<dyn Fn(usize) + Send + Sync>;
/// Called when a poll ran longer than the threshold.
pub(crate) type BlockedHook = Arc<dyn Fn(&BlockedPoll) + Send + Sync>;

/// The user's hooks and limits, fixed at build time.
pub(crate) struct Config {
    pub(crate) on_start: Option<ThreadHook>,
    pub(crate) on_stop: Option<ThreadHook>,
    pub(crate) blocked_threshold: Option<Duration>,
    pub(crate) on_blocked: Option<BlockedHook>,
}

pub(crate) struct Shared {
    /// Tasks spawned or woken outside the workers.
    pub(crate) injector: Injector<Runnable>,
    /// One per worker, to steal from its local queue.
    pub(crate) stealers: Box<[Stealer<Runnable>]>,
    unparkers: Box<[UnparkFn]>,
    pub(crate) idle: Idle,
    /// Tasks that have returned `Pending` at least once (see [`crate::gate`]).
    pub(crate) tracker: Tracker,
    /// Refuses spawns once shutdown has begun.
    pub(crate) gate: SpawnGate,
    /// Set once by shutdown; workers stop after their current poll.
    shutdown: AtomicBool,
    /// Workers that have left their run loop, and the condition shutdown waits on.
    exited: Mutex<usize>,
    exited_changed: Condvar,
    pub(crate) config: Config,
    pub(crate) worker_counters: Box<[CachePadded<WorkerCounters>]>,
    pub(crate) counters: PoolCounters,
}

impl Shared {
    pub(crate) fn new(
        stealers: Vec<Stealer<Runnable>>,
        unparkers: Vec<UnparkFn>,
        config: Config,
    ) -> Self {
        let workers = stealers.len();
        Shared {
            injector: Injector::new(),
            stealers: stealers.into(),
            unparkers: unparkers.into(),
            idle: Idle::new(workers),
            tracker: Tracker::new((workers * 2).max(4)),
            gate: SpawnGate::new(),
            shutdown: AtomicBool::new(false),
            exited: Mutex::new(0),
            exited_changed: Condvar::new(),
            config,
            worker_counters: (0..workers).map(|_| CachePadded::default()).collect(),
            counters: PoolCounters::default(),
        }
    }

    pub(crate) fn workers(&self) -> usize {
        self.stealers.len()
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.shutdown.load(Ordering::Acquire)
    }

    /// The `schedule` function of every task: called by wakers on any thread.
    pub(crate) fn schedule(&self, runnable: Runnable) {
        if let Err(runnable) = context::schedule_woken(self, runnable) {
            self.inject(runnable);
        }
    }

    /// Queues a task on the injector and wakes a worker if none is searching.
    pub(crate) fn inject(&self, runnable: Runnable) {
        self.injector.push(runnable);
        self.notify_one();
    }

    /// Wakes one sleeping worker if new work needs one (see [`Idle::worker_to_notify`]).
    pub(crate) fn notify_one(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.counters.unparks.fetch_add(1, Ordering::Relaxed);
            (self.unparkers[index])();
        }
    }

    /// Whether any queue another worker could take from holds a task.
    pub(crate) fn has_visible_work(&self) -> bool {
        !self.injector.is_empty() || self.stealers.iter().any(|stealer| !stealer.is_empty())
    }

    /// Takes one task from the injector, moving a batch more into `local`.
    pub(crate) fn pop_injected(
        &self,
        local: &crossbeam_deque::Worker<Runnable>,
    ) -> Option<Runnable> {
        queues::take_batch(&self.injector, local)
    }

    /// Starts shutdown: refuses new spawns, tells workers to stop after their current poll
    /// and wakes them all. Idempotent.
    pub(crate) fn begin_shutdown(&self) {
        self.gate.close();
        // Before the tracker closes: a task refused by the closed tracker (in its first
        // `Pending`) requeues itself on its worker, which must then see the flag and drain.
        self.shutdown.store(true, Ordering::SeqCst);
        drop(self.tracker.close());
        for unpark in self.unparkers.iter() {
            unpark();
        }
    }

    /// Called by each worker as it leaves; the last one out sweeps.
    pub(crate) fn worker_exited(&self) {
        let mut exited = self.exited.lock().unwrap_or_else(PoisonError::into_inner);
        *exited += 1;
        let last = *exited == self.workers();
        drop(exited);
        self.exited_changed.notify_all();
        if last {
            self.sweep();
        }
    }

    /// How many workers have left their run loops.
    #[cfg(shuttle)]
    pub(crate) fn exited_count(&self) -> usize {
        *self.exited.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until at least `count` workers have left their loops, or `deadline` passes.
    /// Returns whether they did.
    pub(crate) fn wait_exited(&self, count: usize, deadline: Option<Instant>) -> bool {
        let mut exited = self.exited.lock().unwrap_or_else(PoisonError::into_inner);
        while *exited < count {
            exited = match deadline {
                None => self
                    .exited_changed
                    .wait(exited)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        return false;
                    };
                    self.exited_changed
                        .wait_timeout(exited, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
        true
    }

    /// Drops every task that is still live, once no worker polls any more: wakes each
    /// tracked one (so its `Runnable` lands on the injector) and drops what the injector
    /// yields, until the registry is empty and no spawn is on its way in. Tasks that never
    /// returned `Pending` are not tracked: their `Runnable` is already on the injector (the
    /// workers drained their local queues). Tasks woken by those drops are drained too.
    pub(crate) fn sweep(&self) {
        for waker in self.tracker.close() {
            waker.wake();
        }
        // Until no spawn is in flight and no tracked task is left (a waker on another
        // thread may have marked its task scheduled and be about to push it).
        self.gate.drain_until_quiet(
            || {
                while let Some(runnable) = self.steal_injected() {
                    drop(runnable);
                }
            },
            || self.tracker.is_empty(),
        );
    }

    fn steal_injected(&self) -> Option<Runnable> {
        queues::retry(|| self.injector.steal())
    }

    /// Reports a poll that ran longer than the threshold.
    pub(crate) fn report_blocked(&self, report: &BlockedPoll) {
        tracing::warn!(
            task = report.task.as_u64(),
            worker = report.worker,
            duration_us = report.duration.as_micros() as u64,
            "a task blocked its worker thread in a single poll; move blocking or CPU-heavy work off the executor"
        );
        if let Some(hook) = &self.config.on_blocked {
            hook(report);
        }
    }

    /// Tasks spawned minus task futures dropped, from counters read one by one (so only
    /// approximate while tasks run; clamped at zero).
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

    pub(crate) fn metrics(&self) -> PoolMetrics {
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
            blocked_polls: sum(|c| &c.blocked_polls),
            caught_panics: self.counters.caught_panics.load(Ordering::Relaxed),
        }
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("workers", &self.workers())
            .field("shutdown", &self.is_shutdown())
            .field("idle", &self.idle.counts())
            .finish_non_exhaustive()
    }
}
