//! The spawn gate: refuses spawns once shutdown has begun, and lets shutdown's sweep wait
//! for the spawns from outside the workers that got in just before.
//!
//! Tasks join the live-task registry (core's
//! [`TaskRegistry`](wakewire_core::registry::TaskRegistry)) only when they first
//! return `Pending`; until then their one `Runnable` sits in a queue or is being polled, so
//! shutdown finds them by draining the queues. What it must not miss is a spawn still on its
//! way into a queue:
//!
//! ```text
//!   worker spawn   (1) is_closed? no → push on its own local queue. The same worker drains
//!                      that queue after its current poll, so no count is needed.
//!   outside spawn  (2) enter: in_flight += 1, then closed? no → push on the injector,
//!                      then (3) leave: in_flight -= 1.   (closed? yes → in_flight -= 1, refuse)
//!   shutdown       (4) close: closed = true.
//!   sweep          (5) is_quiet: in_flight == 0 read *before* draining the injector, so
//!                      every spawn that got in has pushed before the drain.
//! ```
//!
//! The count and the flag share one atomic word (`in_flight << 1 | closed`), so (2) and
//! (4) are read-modify-writes of the same location and one of them sees the other: either
//! the spawn sees `closed`, or the close (and every later read by the sweep) sees it in
//! flight. [`SpawnGate::admit`] is (2)–(3) around the push and [`SpawnGate::drain_until_quiet`]
//! is the sweep's loop around (5); `loom_injector_close_rejects_push` runs both against a
//! racing close, and `loom_shutdown_vs_spawn_vs_wake` checks the whole shutdown protocol.
#![cfg_attr(not(loom), allow(unreachable_pub))]

use crate::sync::{thread, AtomicUsize, Ordering};

const CLOSED: usize = 1;
const ONE_IN_FLIGHT: usize = 2;

/// See the [module docs](self).
#[derive(Debug)]
pub struct SpawnGate {
    /// `in_flight << 1 | closed`.
    state: AtomicUsize,
}

/// Proof of (2); dropping it is (3).
#[derive(Debug)]
pub struct GatePass<'a> {
    gate: &'a SpawnGate,
}

impl SpawnGate {
    /// An open gate.
    pub fn new() -> Self {
        SpawnGate {
            state: AtomicUsize::new(0),
        }
    }

    /// (1) Whether shutdown has begun. A worker may push on its own queue when this is
    /// `false`: it drains that queue itself before it exits.
    pub fn is_closed(&self) -> bool {
        self.state.load(Ordering::Acquire) & CLOSED != 0
    }

    /// (2) Enters the gate for a spawn from outside the workers; `None` once closed.
    pub fn enter(&self) -> Option<GatePass<'_>> {
        let previous = self.state.fetch_add(ONE_IN_FLIGHT, Ordering::AcqRel);
        if previous & CLOSED != 0 {
            self.state.fetch_sub(ONE_IN_FLIGHT, Ordering::AcqRel);
            return None;
        }
        Some(GatePass { gate: self })
    }

    /// (2)–(3) around a push from outside the workers: passes `task` to `push` inside the
    /// gate and returns what `push` returns.
    ///
    /// # Errors
    ///
    /// Once the gate is closed, `task` comes back untouched as `Err(task)`, for the caller
    /// to refuse (and drop) itself: a task is never dropped silently here.
    pub fn admit<T, R>(&self, task: T, push: impl FnOnce(T) -> R) -> Result<R, T> {
        let Some(pass) = self.enter() else {
            return Err(task);
        };
        let pushed = push(task);
        drop(pass);
        Ok(pushed)
    }

    /// The shutdown sweep's loop, after [`close`](Self::close): calls `drain` (empty the
    /// injector) until no admitted push is still in flight and `settled()` says nothing
    /// else can still arrive. Quiet is read *before* each drain, so every push admitted
    /// before that read has landed and is drained.
    pub fn drain_until_quiet(&self, mut drain: impl FnMut(), mut settled: impl FnMut() -> bool) {
        loop {
            let quiet = self.is_quiet();
            drain();
            if quiet && settled() {
                return;
            }
            // A spawn is between (2) and (3), or something `settled` waits for is about to
            // land: let it finish.
            thread::yield_now();
        }
    }

    /// (4) Refuses every later spawn. Idempotent.
    pub fn close(&self) {
        self.state.fetch_or(CLOSED, Ordering::AcqRel);
    }

    /// (5) Whether no outside spawn is between (2) and (3); when `true`, every spawn that
    /// got through has pushed its task. After [`close`](Self::close), once this is `true`
    /// it stays `true`.
    pub fn is_quiet(&self) -> bool {
        self.state.load(Ordering::Acquire) < ONE_IN_FLIGHT
    }
}

impl Default for SpawnGate {
    fn default() -> Self {
        SpawnGate::new()
    }
}

impl Drop for GatePass<'_> {
    fn drop(&mut self) {
        // Release: the push happens before a sweep that reads the count as zero.
        self.gate.state.fetch_sub(ONE_IN_FLIGHT, Ordering::AcqRel);
    }
}
