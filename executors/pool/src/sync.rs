//! The synchronization primitives of the pool, swappable for model-checked versions: loom's
//! with `RUSTFLAGS="--cfg loom"`, shuttle's with `RUSTFLAGS="--cfg shuttle"`, std's
//! otherwise.
//!
//! Both checkers run every modelled thread on one OS thread, and only their own primitives
//! are scheduling points, so every wait, lock, protocol atomic, thread and thread-local of
//! the pool goes through this module: blocking in a std lock would stop a model, a spin
//! loop that does not yield could starve the thread it waits for, and a std thread-local
//! would be shared by every modelled thread.
//!
//! The work-stealing deques are the exception: crossbeam's atomics are std's. Shuttle
//! accepts each of their operations as one atomic step (it checks sequentially consistent
//! executions only). Loom would not see them at all, so the loom models build the pool
//! over loom-visible stand-ins with crossbeam's memory orderings instead (see
//! [`Deques`](crate::deques::Deques)). The metrics counters are std's too: nothing
//! synchronizes through them. `Arc` is std's (shuttle's is a re-export of it).

#[cfg(loom)]
pub(crate) use loom::{
    sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize},
    sync::{Condvar, Mutex, MutexGuard},
    thread,
    thread::LocalKey,
};

#[cfg(all(shuttle, not(loom)))]
pub(crate) use shuttle::{
    sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize},
    sync::{Condvar, Mutex, MutexGuard},
    thread,
    thread::LocalKey,
};

#[cfg(not(any(loom, shuttle)))]
pub(crate) use std::{
    sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize},
    sync::{Condvar, Mutex, MutexGuard},
    thread,
    thread::LocalKey,
};

pub(crate) use std::sync::atomic::Ordering;

/// Declares a thread-local of the chosen primitives. Under loom, std's `const { .. }`
/// initializer is accepted and evaluated at first use in each model thread.
#[cfg(loom)]
macro_rules! pool_thread_local {
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = const { $init:expr };) => {
        loom::thread_local!($(#[$attr])* $vis static $name: $t = $init;);
    };
}

#[cfg(all(shuttle, not(loom)))]
macro_rules! pool_thread_local {
    ($($tokens:tt)*) => {
        shuttle::thread_local!($($tokens)*);
    };
}

#[cfg(not(any(loom, shuttle)))]
macro_rules! pool_thread_local {
    ($($tokens:tt)*) => {
        std::thread_local!($($tokens)*);
    };
}

pub(crate) use pool_thread_local as thread_local;

/// Locks `mutex`, ignoring poisoning: every critical section in this crate only edits
/// plain collections and cannot leave them half-updated.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One round of a wait for another thread: a spin-loop hint, or a yield under the checkers
/// (the wait is for another modelled thread to move, which only a yield lets happen).
pub(crate) fn spin_loop() {
    #[cfg(loom)]
    loom::hint::spin_loop();
    #[cfg(all(shuttle, not(loom)))]
    shuttle::hint::spin_loop();
    #[cfg(not(any(loom, shuttle)))]
    std::hint::spin_loop();
}

/// Busy-waits for about `iterations` spin-loop hints, between two looks for work. Under the
/// checkers a look is what matters, not the wait: one yield under shuttle, nothing under
/// loom (whose models keep every spin short; a yield would only multiply the schedules).
pub(crate) fn spin(iterations: u32) {
    #[cfg(loom)]
    let _ = iterations;
    #[cfg(all(shuttle, not(loom)))]
    {
        let _ = iterations;
        thread::yield_now();
    }
    #[cfg(not(any(loom, shuttle)))]
    for _ in 0..iterations {
        std::hint::spin_loop();
    }
}
