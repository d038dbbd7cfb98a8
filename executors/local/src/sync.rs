//! The synchronization primitives of this crate's own atomic protocols, swappable for
//! loom's model-checked versions with `RUSTFLAGS="--cfg loom"`.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::AtomicU8;

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::AtomicU8;

pub(crate) use std::sync::atomic::Ordering;
