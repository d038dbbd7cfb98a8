//! Helpers shared by the blocking reactor's behaviour tests.
#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Counts how many times guards made from it were dropped.
#[derive(Clone, Default)]
pub struct DropCounter(Arc<AtomicUsize>);

impl DropCounter {
    pub fn guard(&self) -> DropGuard {
        DropGuard(self.0.clone())
    }

    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Bumps its counter when dropped.
pub struct DropGuard(Arc<AtomicUsize>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A latch: closures `wait` on it until the test `open`s it, so a test decides exactly when
/// a pool thread is busy and when it is free.
#[derive(Clone, Default)]
pub struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    pub fn open(&self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_all();
    }

    /// Blocks until the gate opens; fails loudly after 10 s (a test bug, not a slow machine).
    pub fn wait(&self) {
        let (open, cvar) = &*self.0;
        let guard = open.lock().unwrap();
        let (guard, timeout) = cvar
            .wait_timeout_while(guard, Duration::from_secs(10), |open| !*open)
            .unwrap();
        assert!(*guard && !timeout.timed_out(), "gate never opened");
    }
}

/// Starts a job that holds one of `pool`'s threads until the returned gate opens, then
/// returns `result()`; returns once the job is running.
pub fn occupy<T: Send + 'static>(
    pool: &wakewire_reactor_blocking::BlockingPool,
    result: impl FnOnce() -> T + Send + 'static,
) -> (Gate, wakewire_reactor_blocking::BlockingJob<T>) {
    let (gate, started) = (Gate::default(), Gate::default());
    let task = pool.spawn({
        let (gate, started) = (gate.clone(), started.clone());
        move || {
            started.open();
            gate.wait();
            result()
        }
    });
    started.wait();
    (gate, task)
}

/// Aborts the test process with a message if not dropped within `limit`: a hang becomes a
/// loud failure instead of a stuck CI job.
pub struct Watchdog(Option<mpsc::Sender<()>>);

pub fn watchdog(name: &'static str, limit: Duration) -> Watchdog {
    let (disarm, disarmed) = mpsc::channel::<()>();
    thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = disarmed.recv_timeout(limit) {
            eprintln!("watchdog: `{name}` did not finish within {limit:?}: hang");
            std::process::abort();
        }
    });
    Watchdog(Some(disarm))
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.take();
    }
}

/// Polls `condition` until it holds; panics with `what` after `limit`.
pub fn wait_until(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        thread::sleep(Duration::from_millis(2));
    }
}

/// Threads of this process, from `/proc/self/task`.
pub fn os_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task is readable on Linux")
        .count()
}

/// `RELIABILITY_SCALE` (default 1.0) applied to a count, at least 1.
pub fn scaled(count: usize) -> usize {
    let scale: f64 = std::env::var("RELIABILITY_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    ((count as f64 * scale) as usize).max(1)
}
