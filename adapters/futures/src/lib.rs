//! Bridges between Wakewire and the `futures` crates.
//!
//! Poll → Wait → Wake: this crate adds no step of its own. It translates vocabulary, so
//! code written for one side runs on the other.
//!
//! | you have | you need | use |
//! | --- | --- | --- |
//! | a Wakewire executor (any [`Spawn`] / [`LocalSpawn`]) | `futures_task::Spawn` / `LocalSpawn` (for `SpawnExt`, libraries written against `futures`) | [`FuturesSpawner`] |
//!
//! # Why a newtype and not a direct impl
//!
//! If Wakewire's executors implemented `futures_task::Spawn` themselves, `ex.spawn(f)` would
//! be ambiguous (error E0034) as soon as `futures::task::SpawnExt` is in scope, because
//! both traits have a method called `spawn`. Wrapping the executor keeps the common name
//! unambiguous and makes the bridge visible where it is used.
//!
//! ```
//! use futures_util::task::SpawnExt;
//! use wakewire_adapter_futures::FuturesSpawner;
//! use wakewire_core::BlockOn;
//! use wakewire_executor_local::LocalExecutor;
//!
//! let ex = LocalExecutor::new();
//! let futures_side = FuturesSpawner::new(ex.spawner());
//! let handle = futures_side.spawn_with_handle(async { 6 * 7 }).unwrap();
//! assert_eq!(ex.block_on(handle), 42);
//! ```
//!
//! # Cost
//!
//! `futures_task::Spawn` takes a boxed `FutureObj`, so each spawn through the bridge
//! allocates that box on top of the task itself, and the task's [`JoinHandle`] is dropped
//! (detached): `futures` reports the output through its own `RemoteHandle` when asked.
//!
//! [`JoinHandle`]: wakewire_core::JoinHandle
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod spawner;

pub use spawner::FuturesSpawner;
#[doc(no_inline)]
pub use wakewire_core::{LocalSpawn, Spawn};
