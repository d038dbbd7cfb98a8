//! The primitives of core's own shared state, swappable for model-checked versions:
//! loom's with `RUSTFLAGS="--cfg loom"`, shuttle's with `RUSTFLAGS="--cfg shuttle"`.
//!
//! Under shuttle every modelled thread runs on one OS thread, so core's thread-locals
//! (the `enter` flag, the cancellation flag) must be shuttle's too, or one modelled thread
//! would see another's values.

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

#[cfg(shuttle)]
pub(crate) use shuttle::thread_local;

#[cfg(not(shuttle))]
pub(crate) use std::thread_local;
