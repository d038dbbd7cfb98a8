//! The atomics of this crate's readiness protocol, swappable for loom's model-checked
//! versions with `RUSTFLAGS="--cfg loom"`.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::AtomicUsize;

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::AtomicUsize;

pub(crate) use std::sync::atomic::Ordering;
