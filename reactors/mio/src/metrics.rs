//! [`ReactorMetrics`]: the counters a reactor keeps for tests and diagnostics.

use std::sync::atomic::{AtomicU64, Ordering};

/// Test-visible counters of a reactor; see [`Handle::metrics`](crate::Handle::metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ReactorMetrics {
    /// Live registrations (sources not yet dropped or deregistered).
    pub registrations: usize,
    /// Completed turns (selector calls that returned events or timed out).
    pub turns: u64,
    /// Events delivered to a live registration.
    pub events: u64,
    /// Events dropped because their token's registration is gone (or was replaced by a
    /// newer one at the same slab index): the fd-reuse defence at work.
    pub stale_events: u64,
    /// Selector calls that returned `Interrupted` (retried on the next turn).
    pub interrupted: u64,
    /// Wakers woken.
    pub wakes: u64,
    /// Batches of wakers (one turn's, or a shutdown's) in which at least one waker
    /// panicked. Every other waker of the batch still ran; the panic was dropped.
    pub waker_panics: u64,
}

/// The live counters behind [`ReactorMetrics`] (all but `registrations`, which is the
/// token table's length).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) turns: AtomicU64,
    pub(crate) events: AtomicU64,
    pub(crate) stale_events: AtomicU64,
    pub(crate) interrupted: AtomicU64,
    pub(crate) wakes: AtomicU64,
    pub(crate) waker_panics: AtomicU64,
}

impl Counters {
    /// Adds `n` to `counter` (relaxed: the counters order nothing).
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        if n > 0 {
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }

    pub(crate) fn snapshot(&self, registrations: usize) -> ReactorMetrics {
        ReactorMetrics {
            registrations,
            turns: self.turns.load(Ordering::Relaxed),
            events: self.events.load(Ordering::Relaxed),
            stale_events: self.stale_events.load(Ordering::Relaxed),
            interrupted: self.interrupted.load(Ordering::Relaxed),
            wakes: self.wakes.load(Ordering::Relaxed),
            waker_panics: self.waker_panics.load(Ordering::Relaxed),
        }
    }
}
