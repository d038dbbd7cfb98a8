//! The primitives of core's own shared state, swappable for model-checked versions:
//! loom's with `RUSTFLAGS="--cfg loom"`, shuttle's with `RUSTFLAGS="--cfg shuttle"`.
//!
//! Under loom and shuttle every modelled thread runs on one OS thread, so core's
//! thread-locals (the `enter` flag, the cancellation flag, the wake source) must be the
//! checker's too, or one modelled thread would see another's values (two model threads
//! running executors would each find the other "entered").

#[cfg(loom)]
pub(crate) use loom::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Condvar, Mutex, MutexGuard,
};

#[cfg(all(shuttle, not(loom)))]
pub(crate) use shuttle::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Condvar, Mutex, MutexGuard,
};

#[cfg(not(any(loom, shuttle)))]
pub(crate) use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Condvar, Mutex, MutexGuard,
};

/// loom's `thread_local!`, accepting std's `const { .. }` initializers (evaluated at first
/// use in each model thread instead).
#[cfg(loom)]
macro_rules! loom_thread_local {
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = const { $init:expr };) => {
        loom::thread_local!($(#[$attr])* $vis static $name: $t = $init;);
    };
}

#[cfg(loom)]
pub(crate) use loom_thread_local as thread_local;

#[cfg(all(shuttle, not(loom)))]
pub(crate) use shuttle::thread_local;

#[cfg(not(any(loom, shuttle)))]
pub(crate) use std::thread_local;
