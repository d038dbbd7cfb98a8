//! A latch between threads.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

/// A latch: threads [`wait`](Self::wait) until the test [`open`](Self::open)s it, so a test
/// decides exactly when a thread is busy and when it is free. Clones share the latch.
///
/// ```
/// use wakewire_test_util::Gate;
///
/// let gate = Gate::default();
/// let waiter = std::thread::spawn({
///     let gate = gate.clone();
///     move || gate.wait()
/// });
/// gate.open();
/// waiter.join().unwrap();
/// ```
#[derive(Clone, Debug, Default)]
pub struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    /// Opens the gate: every waiter, present and future, goes through.
    pub fn open(&self) {
        *self.0 .0.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.0 .1.notify_all();
    }

    /// Whether the gate is open.
    pub fn is_open(&self) -> bool {
        *self.0 .0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Blocks until the gate opens.
    ///
    /// # Panics
    ///
    /// After 10 s: a gate never opened is a test bug, not a slow machine.
    pub fn wait(&self) {
        let (open, opened) = &*self.0;
        let guard = open.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, timeout) = opened
            .wait_timeout_while(guard, Duration::from_secs(10), |open| !*open)
            .unwrap_or_else(PoisonError::into_inner);
        assert!(*guard && !timeout.timed_out(), "gate never opened");
    }
}

/// Starts a job on `pool` that holds one of its threads until the returned gate opens, then
/// returns `result()`; returns once the job is running. For tests of Wakewire's blocking
/// pool that need a thread busy at a known moment.
pub fn occupy_blocking_thread<T: Send + 'static>(
    pool: &wakewire_reactor_blocking::BlockingPool,
    result: impl FnOnce() -> T + Send + 'static,
) -> (Gate, wakewire_reactor_blocking::BlockingJob<T>) {
    let (gate, started) = (Gate::default(), Gate::default());
    let job = pool.spawn({
        let (gate, started) = (gate.clone(), started.clone());
        move || {
            started.open();
            gate.wait();
            result()
        }
    });
    started.wait();
    (gate, job)
}
