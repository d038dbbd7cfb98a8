//! The primitives of this crate's readiness protocol (the readiness word and the wait
//! lists), swappable for loom's model-checked versions with `RUSTFLAGS="--cfg loom"`.

#[cfg(loom)]
pub(crate) use loom::sync::{atomic::AtomicUsize, Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::{atomic::AtomicUsize, Mutex, MutexGuard};

pub(crate) use std::sync::atomic::Ordering;
