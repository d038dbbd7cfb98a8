//! Wakewire and tokio, both ways.
//!
//! | you have | you want | use |
//! | --- | --- | --- |
//! | a tokio runtime (`multi_thread`, or any `Handle`) | Wakewire's [`Spawn`]/[`BlockOn`] and join contract | [`TokioExecutor`], [`TokioSpawner`] |
//! | a `current_thread` runtime and a `LocalSet` | Wakewire's [`LocalSpawn`] for `!Send` tasks | [`TokioLocal`], [`attach_local_set`] |
//! | tokio leaf futures (`tokio::net`, `tokio::time`) | to await them under any executor (Wakewire's, smol's, `futures`') | [`TokioReactor`] and its [`wrap`](TokioReactorHandle::wrap) |
//! | code generic over Wakewire's [`Timer`] | tokio's timer | [`TokioReactor`] implements [`Timer`] |
//! | Wakewire's `futures-io` sockets | tokio's `AsyncRead`/`AsyncWrite` (and back, for tokio's sockets) | [`compat`]: `tokio-util`'s `Compat`, re-exported |
//!
//! # Where it sits in Poll → Wait → Wake
//!
//! - **Foreign executor (poll).** A Wakewire task is created with
//!   [`wakewire_core::task::spawn`]; its `schedule` function hands each
//!   [`Runnable`](wakewire_core::task::Runnable) to tokio as a tiny tokio task that runs it
//!   once. tokio polls; our task cell keeps the join contract (a panic is a `JoinError`
//!   with its payload and the worker survives; dropping the handle detaches; `cancel()`
//!   drops the future at its next scheduling; after shutdown, `spawn` is a `SpawnError`
//!   with the future already dropped).
//! - **Foreign reactor (wait, wake).** A [`TokioReactor`] is tokio's I/O and time drivers on
//!   a thread you can see. A wrapped tokio future registers the task's waker with them;
//!   the driver thread wakes it. No global runtime is started behind your back.
//!
//! ```
//! use std::time::Duration;
//! use wakewire_adapter_tokio::{TokioExecutor, TokioReactor};
//! use wakewire_core::timer::{timeout, Timer};
//! use wakewire_core::{BlockOn, Spawn};
//!
//! // tokio's reactor, awaited through the generic Timer trait under core's block_on:
//! let reactor = TokioReactor::on_own_thread().unwrap();
//! wakewire_core::block_on(reactor.sleep(Duration::from_millis(1)));
//! let slow = std::future::pending::<()>();
//! assert!(wakewire_core::block_on(timeout(&reactor, Duration::from_millis(1), slow)).is_err());
//!
//! // tokio's executor behind Wakewire's traits:
//! let ex = TokioExecutor::multi_thread(1).unwrap();
//! let task = ex.spawn(async { 1 + 1 }).unwrap();
//! assert_eq!(ex.block_on(task).unwrap(), 2);
//! ```
//!
//! # Cost
//!
//! - [`TokioSpawner`]: a task scheduled from outside (its first run, a wake from another
//!   thread) costs one tokio task spawned to run it: a second allocation next to our task
//!   cell. A task woken on a worker by one of ours (a yield, a ping-pong) runs next on that
//!   worker inside the same tokio task, up to 32 in a row
//!   ([`run_in_place`](wakewire_core::task::run_in_place)): no tokio task per wake. Each
//!   spawn also records the task's waker in a mutex-guarded set (so shutdown can drop
//!   waiting futures). Measured with the `tokio_spawn_cost` example (release, Intel Xeon,
//!   2 vCPU, idle, three runs): spawn and join 2.2–2.3× tokio's own `spawn`; a wake
//!   0.6–0.7× tokio's (about 110–120 ns against 170–185 ns; before the in-place runs,
//!   about 4×).
//! - [`TokioLocal`]: our tasks share one `LocalSet` task (the runner) and a mutex-guarded
//!   queue; a wake is a queue push plus, when the runner sleeps, one waker call. No
//!   per-wake tokio task: spawn and join measured at 0.75× a `LocalSet::spawn_local`.
//! - [`TokioReactor`]: one thread (yours or its own) and one epoll instance; every poll of a
//!   wrapped future enters tokio's context (two thread-local writes and a reference count);
//!   each event costs a thread hop from the driver thread to the executor.
//!
//! # What it cannot do
//!
//! - tokio's driver is private to tokio, so a [`TokioReactor`] cannot be driven from a
//!   Wakewire executor's `Park` (no idle-thread integration): it always runs on its own
//!   thread.
//! - A tokio future that is polled unwrapped on a non-tokio thread panics inside tokio
//!   (caught by our task cell as a `JoinError`); wrap it, or use [`checked`] to get
//!   [`ReactorError::NoReactor`] instead. Constructors that need the reactor when called
//!   (`tokio::time::sleep`, `UdpSocket::from_std`) must be called inside
//!   [`enter`](TokioReactorHandle::enter) or [`wrap_with`](TokioReactorHandle::wrap_with).
//! - tokio's cooperative budget and `tokio::task::spawn` are not available inside a
//!   wrapped future run by another executor (`spawn` would go to the reactor's runtime,
//!   which runs no tasks).
//! - A [`TokioSpawner`] keeps every live task's waker until the task ends or the runtime
//!   shuts down, like Wakewire's own executors.
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

pub mod compat;
mod error;
mod executor;
mod local;
mod reactor;
mod sleep;
mod wrap;

pub use error::ReactorError;
pub use executor::{TokioExecutor, TokioSpawner};
pub use local::{attach_local_set, TokioLocal};
pub use reactor::{TokioDriver, TokioReactor, TokioReactorHandle};
pub use sleep::TokioSleep;
pub use wrap::{checked, Checked, InTokio, TokioFutureExt};

#[doc(no_inline)]
pub use wakewire_core::{BlockOn, LocalSpawn, Spawn, Timer};
