//! The synchronization primitives of this crate, swappable for model-checked versions.
//!
//! - The idle/searching bookkeeping, the live-task tracker and the spawn gate use the
//!   items at the top of this module: loom's with `RUSTFLAGS="--cfg loom"`, shuttle's with
//!   `RUSTFLAGS="--cfg shuttle"`, std's otherwise.
//! - The rest of the pool (the run loop, spawn, shutdown, `block_on`, the worker threads
//!   and their thread-local context) uses [`rt`]: shuttle's under `--cfg shuttle`, std's
//!   otherwise. Loom models only the protocols above and never builds a whole pool.
//!
//! Under shuttle every modelled thread runs on one OS thread and only shuttle's primitives
//! are scheduling points, so every wait in the pool must go through them: blocking in a std
//! lock would stop the model, and a spin loop that does not yield could starve the thread
//! it waits for. The work-stealing deques (crossbeam) keep their real atomics: each of
//! their operations is atomic from shuttle's point of view, which shuttle accepts.
//! `Arc` stays std's (shuttle's `Arc` is a re-export of it).

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{fence, AtomicUsize};
#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};
#[cfg(loom)]
pub(crate) use loom::thread::yield_now;

#[cfg(all(shuttle, not(loom)))]
pub(crate) use shuttle::sync::atomic::{fence, AtomicUsize};
#[cfg(all(shuttle, not(loom)))]
pub(crate) use shuttle::sync::{Mutex, MutexGuard};
#[cfg(all(shuttle, not(loom)))]
pub(crate) use shuttle::thread::yield_now;

#[cfg(not(any(loom, shuttle)))]
pub(crate) use std::sync::atomic::{fence, AtomicUsize};
#[cfg(not(any(loom, shuttle)))]
pub(crate) use std::sync::{Mutex, MutexGuard};
#[cfg(not(any(loom, shuttle)))]
pub(crate) use std::thread::yield_now;

pub(crate) use std::sync::atomic::Ordering;

/// Locks `mutex`, ignoring poisoning: every critical section in this crate only edits
/// plain collections and cannot leave them half-updated.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    #[cfg(loom)]
    {
        mutex.lock().unwrap()
    }
    #[cfg(not(loom))]
    {
        mutex
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The primitives of the pool's run loop and lifecycle: shuttle's under `--cfg shuttle`,
/// std's otherwise (see the [module docs](self)).
pub(crate) mod rt {
    #[cfg(shuttle)]
    pub(crate) use shuttle::hint::spin_loop;
    #[cfg(shuttle)]
    pub(crate) use shuttle::sync::atomic::AtomicBool;
    #[cfg(shuttle)]
    pub(crate) use shuttle::sync::{Condvar, Mutex};
    #[cfg(shuttle)]
    pub(crate) use shuttle::{thread, thread_local};

    #[cfg(not(shuttle))]
    pub(crate) use std::hint::spin_loop;
    #[cfg(not(shuttle))]
    pub(crate) use std::sync::atomic::AtomicBool;
    #[cfg(not(shuttle))]
    pub(crate) use std::sync::{Condvar, Mutex};
    #[cfg(not(shuttle))]
    pub(crate) use std::{thread, thread_local};

    /// Busy-waits for about `iterations` spin-loop hints. Under shuttle it is one yield:
    /// the wait is only for another thread to move, and a yield lets the scheduler run it.
    pub(crate) fn spin(iterations: u32) {
        #[cfg(shuttle)]
        {
            let _ = iterations;
            thread::yield_now();
        }
        #[cfg(not(shuttle))]
        for _ in 0..iterations {
            spin_loop();
        }
    }
}
