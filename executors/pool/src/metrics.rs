//! Counters the pool keeps for tests and diagnostics, and the blocked-poll report.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use wakewire_core::TaskId;

/// A snapshot of a [`Pool`](crate::Pool)'s counters.
///
/// Counts are read one by one while the workers run, so a snapshot taken under load is
/// only approximately consistent; after [`shutdown`](crate::Pool::shutdown) it is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolMetrics {
    /// Worker threads the pool was built with.
    pub workers: usize,
    /// Tasks whose futures are alive (not finished, cancelled or dropped).
    pub live_tasks: usize,
    /// Task polls run by the workers.
    pub polls: u64,
    /// Polls of a task taken from the LIFO slot (woken by the task polled just before).
    pub lifo_polls: u64,
    /// Successful steals from another worker's queue (each moves up to half of it).
    pub steals: u64,
    /// Times a worker went to sleep in its park.
    pub parks: u64,
    /// Times a sleeping worker was woken to look for new work.
    pub unparks: u64,
    /// Worker threads started.
    pub thread_starts: u64,
    /// Worker threads that finished (after their on-stop hook).
    pub thread_stops: u64,
    /// Polls that ran longer than the blocked-poll threshold.
    pub blocked_polls: u64,
}

/// A poll that ran longer than the pool's blocked-poll threshold: the task kept its worker
/// thread busy and the worker's other tasks waited (unless another worker stole them).
///
/// Reported on the worker as the poll returns (before the task's output, if it finished,
/// can be seen by its handle), through the hook set with
/// [`PoolBuilder::on_blocked_poll`](crate::PoolBuilder::on_blocked_poll) and a
/// `tracing::warn!` event. Move CPU-heavy or blocking work to a thread pool (for example
/// `spawn_blocking`) and await its result instead.
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlockedPoll {
    /// The task whose poll was slow.
    pub task: TaskId,
    /// How long that single poll ran.
    pub duration: Duration,
    /// The index of the worker that ran it.
    pub worker: usize,
}

impl fmt::Debug for BlockedPoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockedPoll")
            .field("task", &self.task)
            .field("duration", &self.duration)
            .field("worker", &self.worker)
            .finish()
    }
}

impl fmt::Display for BlockedPoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} blocked worker {} for {:?} in one poll",
            self.task, self.worker, self.duration
        )
    }
}

/// Per-worker counters, written only by their worker (a load and a store, no locked
/// instruction), read by anyone.
#[derive(Debug, Default)]
pub(crate) struct WorkerCounters {
    pub(crate) polls: AtomicU64,
    pub(crate) lifo_polls: AtomicU64,
    pub(crate) steals: AtomicU64,
    pub(crate) parks: AtomicU64,
    pub(crate) blocked_polls: AtomicU64,
}

/// Adds one to a counter that only the current thread writes.
pub(crate) fn bump(counter: &AtomicU64) {
    counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}

/// Counters written by any thread (slow paths only).
#[derive(Debug, Default)]
pub(crate) struct PoolCounters {
    pub(crate) unparks: AtomicU64,
    pub(crate) thread_starts: AtomicU64,
    pub(crate) thread_stops: AtomicU64,
}
