//! The primitives of this crate's shared state, swappable for loom's under
//! `RUSTFLAGS="--cfg loom"` so the cancel handshake can be model-checked
//! (`tests/loom_cancel_handshake.rs`). Core's `WakerSlot` follows the same switch.

#[cfg(loom)]
pub(crate) use loom::sync::{
    atomic::{AtomicBool, Ordering},
    Arc, Mutex, MutexGuard,
};

#[cfg(not(loom))]
pub(crate) use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc, Mutex, MutexGuard,
};
