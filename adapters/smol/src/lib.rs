//! Wakewire and smol, both ways.
//!
//! | you have | you want | use |
//! | --- | --- | --- |
//! | an async-executor `Executor` | Wakewire's [`Spawn`]/[`BlockOn`] and join contract | [`SmolExecutor`] (threads included), [`SmolSpawner`] (you drive it) |
//! | an async-executor `LocalExecutor` | Wakewire's [`LocalSpawn`] for `!Send` tasks | [`SmolLocal`], [`attach_local_executor`] |
//! | code generic over Wakewire's [`Timer`] | async-io's timer | [`AsyncIoTimer`] |
//! | async-io leaf futures (`Async<TcpStream>`, `Timer`) and `smol-timeout` | to await them under Wakewire's executors | nothing: they work as they are (async-io drives itself) |
//!
//! # Where it sits in Poll → Wait → Wake
//!
//! - **Foreign executor (poll).** A Wakewire task is created with
//!   [`wakewire_core::task::spawn`]; each time it is scheduled, its
//!   [`Runnable`](wakewire_core::task::Runnable) goes to async-executor as a tiny task that
//!   runs it once (or, on a `LocalExecutor`, into a queue drained by one runner task). Our
//!   task cell keeps the join contract: a panic is a `JoinError` with its payload and the
//!   thread survives; dropping the handle detaches; `cancel()` drops the future at its next
//!   scheduling; after shutdown, `spawn` is a `SpawnError` with the future already dropped.
//! - **Foreign reactor (wait, wake).** async-io's reactor holds the wakers of its leaf
//!   futures and is driven by its own `async-io` thread, or by a thread inside
//!   `async_io::block_on`. Nothing to set up: async-io never says "no reactor running".
//!
//! ```
//! use std::time::Duration;
//! use smol_timeout::TimeoutExt;
//! use wakewire_adapter_smol::{AsyncIoTimer, SmolExecutor};
//! use wakewire_core::{BlockOn, Spawn, Timer};
//!
//! let ex = SmolExecutor::new(1).unwrap();
//! let task = ex
//!     .spawn(async {
//!         AsyncIoTimer.sleep(Duration::from_millis(1)).await;
//!         std::future::pending::<()>().timeout(Duration::from_millis(1)).await
//!     })
//!     .unwrap();
//! assert_eq!(ex.block_on(task).unwrap(), None); // smol-timeout's "timed out"
//! ```
//!
//! # Cost
//!
//! - [`SmolSpawner`]: a task scheduled from outside (its first run, a wake from another
//!   thread) costs one async-executor task spawned to run it: a second allocation next to
//!   our task cell, and async-executor's own bookkeeping (its active-task set is a
//!   mutex-guarded slab). A task woken on an executor thread by one of ours runs next on
//!   that thread inside the same async-executor task, up to 32 in a row
//!   ([`run_in_place`](wakewire_core::task::run_in_place)). Each spawn also records the
//!   task's waker in our own mutex-guarded set. Measured with the `smol_spawn_cost`
//!   example (release, Intel Xeon, 2 vCPU, idle, three runs): spawn and join 1.5–2.1×
//!   `Executor::spawn`, a wake 0.7× (about 135–145 ns against 195–200 ns; before the
//!   in-place runs, about 2.5×).
//! - [`SmolLocal`]: our tasks share one runner task and a mutex-guarded queue: a wake is a
//!   queue push plus, when the runner sleeps, one waker call (spawn and join measured at
//!   0.9× `LocalExecutor::spawn`).
//! - [`AsyncIoTimer`]: async-io's timer; its reactor runs on the `async-io` thread (one
//!   thread, started on first use), so each expiry is a thread hop to the executor.
//!
//! # What it cannot do
//!
//! - async-io's reactor cannot be driven from a Wakewire executor's `Park`: it drives
//!   itself (its own thread, or `async_io::block_on`).
//! - An async-executor that someone else keeps alive is not shut down by
//!   [`SmolExecutor::shutdown`]: our waiting futures are dropped, but those queued in the
//!   executor at that moment are dropped only when it runs them (they are then dropped
//!   instead of polled) or when it is dropped.
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod executor;
mod local;
mod timer;

pub use executor::{SmolExecutor, SmolSpawner};
pub use local::{attach_local_executor, SmolLocal};
pub use timer::{AsyncIoSleep, AsyncIoTimer};

#[doc(no_inline)]
pub use smol_timeout::TimeoutExt;
#[doc(no_inline)]
pub use wakewire_core::{BlockOn, LocalSpawn, Spawn, Timer};
