//! Counters the pool keeps for tests and diagnostics.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of a [`Pool`](crate::Pool)'s counters.
///
/// Per-worker counts (polls, steals, ...) include the replacement threads a supervisor
/// runs.
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
    /// Polls that ran for the blocked-poll threshold or longer, of tasks and of
    /// [`block_on`](crate::Pool::block_on) futures.
    pub blocked_polls: u64,
    /// Panics caught in user code a worker calls outside any task: the thread start and
    /// stop hooks, the park and the blocked-poll hook. Each is also reported as a
    /// `tracing` error; the worker goes on. (A panic in a task is the task's: it reaches its
    /// `JoinHandle`.)
    pub caught_panics: u64,
    /// Polls the supervisor found blocked (each reported while it still ran, with what was
    /// moved off its worker; see [`PoolBuilder::supervise`](crate::PoolBuilder::supervise)).
    pub supervised_blocks: u64,
    /// Replacement threads the supervisor started (also counted in `thread_starts`, and in
    /// `thread_stops` once retired).
    pub replacement_threads: u64,
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
    /// Tasks this worker spawned, and task futures it dropped (for `live_tasks`).
    pub(crate) spawned: AtomicU64,
    pub(crate) dropped: AtomicU64,
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
    pub(crate) caught_panics: AtomicU64,
    pub(crate) supervised_blocks: AtomicU64,
    /// Slow polls of `block_on` futures (on threads that are not workers).
    pub(crate) block_on_blocked_polls: AtomicU64,
    pub(crate) replacement_threads: AtomicU64,
    /// Tasks spawned, and task futures dropped, by threads that are not workers.
    pub(crate) outside_spawned: AtomicU64,
    pub(crate) outside_dropped: AtomicU64,
}
