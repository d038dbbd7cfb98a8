//! Bridges between Wakewire and the `futures` crates.
//!
//! | you have | you need | use |
//! | --- | --- | --- |
//! | a Wakewire executor (any [`Spawn`] / [`LocalSpawn`]) | `futures_task::Spawn` / `LocalSpawn` (for `SpawnExt`, libraries written against `futures`) | [`FuturesSpawner`] |
//! | futures-executor's `ThreadPool` | Wakewire's [`Spawn`]/[`BlockOn`] and join contract | [`ThreadPoolExecutor`] |
//! | futures-executor's `LocalPool` | Wakewire's [`LocalSpawn`] for `!Send` tasks | [`LocalPoolExecutor`], [`attach_local_pool`] |
//!
//! # Where it sits in Poll → Wait → Wake
//!
//! [`FuturesSpawner`] adds no step of its own: it translates vocabulary. The executor
//! adapters take the **poll** step: a Wakewire task is created with
//! [`wakewire_core::task::spawn`], and each time it is scheduled its
//! [`Runnable`](wakewire_core::task::Runnable) goes to the `ThreadPool` as a tiny task that
//! runs it once (or, on a `LocalPool`, into a queue drained by one runner task). Our task
//! cell keeps the join contract: a panic is a `JoinError` with its payload and the thread
//! survives; dropping the handle detaches; `cancel()` drops the future at its next
//! scheduling; after shutdown, `spawn` is a `SpawnError` with the future already dropped.
//! futures-executor has no reactor, so wait and wake belong to whichever reactors the
//! tasks use.
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
//! - [`FuturesSpawner`]: `futures_task::Spawn` takes a boxed `FutureObj`, so each spawn
//!   through the bridge allocates that box on top of the task itself, and the task's
//!   [`JoinHandle`] is dropped (detached): `futures` reports the output through its own
//!   `RemoteHandle` when asked.
//! - [`ThreadPoolExecutor`]: a task scheduled from outside the pool (its first run, a
//!   wake from another thread) costs one `ThreadPool` task (a boxed future and an `Arc`'d
//!   task) sent through the pool's channel; a task woken on a pool thread by one of ours
//!   (a yield, a ping-pong) runs next on that thread, up to 32 in a row, without that
//!   trip. Each spawn also records the task's waker in a mutex-guarded set, so shutdown
//!   can drop waiting futures. Measured with the `futures_spawn_cost` example (release,
//!   Intel Xeon, 2 vCPU, idle, three runs): spawn and join 0.93–0.96× the pool's
//!   `spawn_with_handle` (whose `RemoteHandle` is a channel of its own); a wake 2.0–2.6×
//!   (about 160–250 ns against 80–100 ns: the pool re-polls a self-woken future in place,
//!   without a task cell). Before the in-place runs, each wake crossed to the other pool
//!   thread, asleep on the channel: about 1,100 ns.
//! - [`LocalPoolExecutor`]: our tasks share one runner task and a mutex-guarded queue
//!   (spawn and join measured at 0.46× `spawn_local_with_handle`).
//!
//! # What it cannot do
//!
//! - A `ThreadPool` cannot be stopped: after [`ThreadPoolExecutor::shutdown`] its threads
//!   live on while any clone of the pool does.
//! - A `LocalPool` driven with `run()` never returns while the runner is in it (the runner
//!   never completes): drive it with `run_until`, as [`LocalPoolExecutor`] does.
//!
//! [`JoinHandle`]: wakewire_core::JoinHandle
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod local_pool;
mod spawner;
mod thread_pool;

pub use local_pool::{attach_local_pool, LocalPoolExecutor};
pub use spawner::FuturesSpawner;
pub use thread_pool::{ThreadPoolExecutor, ThreadPoolSpawner};
#[doc(no_inline)]
pub use wakewire_core::{BlockOn, LocalSpawn, Spawn};
