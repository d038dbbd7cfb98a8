//! The contracts every Wakewire part agrees on.
//!
//! An async runtime turns a loop of three steps: an **executor** *polls* a task until it
//! returns `Pending`; the task *waits* while a **reactor** (sockets, timers, channels) holds
//! a clone of its [`Waker`](std::task::Waker); when the event arrives the reactor *wakes*
//! the waker and the executor polls the task again. Wakewire splits those roles into
//! separate crates that never name each other. This crate is the only thing they share:
//!
//! | module | what it defines | who implements it | who uses it |
//! | --- | --- | --- | --- |
//! | [`spawn`] | [`Spawn`], [`LocalSpawn`], [`BlockOn`] and their `dyn` forms | executors | user code |
//! | [`block_on`](mod@block_on) | [`block_on()`], [`Blocker`](block_on::Blocker): the simplest executor, a queue of one | this crate | user code, executors |
//! | [`timer`] | [`Timer`]: a leaf future completing at an `Instant`; [`timeout`](timer::timeout) written once against it | timer reactors, adapters | user code |
//! | [`future`] | [`yield_now`](future::yield_now) | this crate | user code, tests |
//! | [`join`] | [`JoinHandle`], [`JoinError`]: one contract for every executor | this crate | user code |
//! | [`join_set`] | [`JoinSet`]: tasks awaited in completion order, cancelled together on drop | this crate | user code |
//! | [`task`] | [`task::spawn`], [`task::Runnable`]: the task cell behind every handle; [`LiveTasks`](task::LiveTasks), [`RunQueue`](task::RunQueue): what an adapter needs to run our tasks on a foreign executor | this crate | executors, adapters |
//! | [`park`] | [`Park`], [`Unpark`], [`ThreadParker`]: how an idle thread waits; [`SharedPark`]: one park driven by whichever worker is idle; [`ParkContext`](park::ParkContext): the reactors a park makes current; [`BoxPark`](park::BoxPark): any park, type-erased | parkers, reactors | executors |
//! | [`blocked`] | [`BlockedPoll`]: the report of a poll that held its thread too long; [`BlockedPollWatch`](blocked::BlockedPollWatch): the threshold and hook that give it | this crate | executors, user hooks |
//! | [`coop`] | the cooperative budget: [`with_budget`](coop::with_budget) around a task poll, [`poll_proceed`](coop::poll_proceed)/[`budgeted`](coop::budgeted) in a leaf, [`unconstrained`](coop::unconstrained) to opt out | this crate | executors, leaf futures, user code |
//! | [`registry`] | [`TaskRegistry`](registry::TaskRegistry): the live tasks no queue holds, for shutdown to find | this crate | executors |
//! | [`enter`] | the guard that turns a nested `block_on` into a clear panic | this crate | executors |
//! | [`panic`](mod@panic) | [`payload_message`](crate::panic::payload_message), [`drop_payload`](crate::panic::drop_payload): a caught panic's message; disposing of it without a second unwind | this crate | executors, the blocking reactor |
//! | [`waker`] | [`WakerSlot`](waker::WakerSlot), [`wake_all`](waker::wake_all) (the one policy for panicking wakers), a no-op waker and a counting waker | this crate | reactors, executors, tests |
//!
//! Poll → Wait → Wake: this crate sits *between* the steps. Executors poll through
//! [`task::Runnable`], reactors wake through `std::task::Waker`, and an idle executor waits
//! in [`Park::park`], which a reactor may implement to turn its event loop on the idle thread.
//!
//! # Example: writing against the traits
//!
//! Code generic over [`Spawn`] runs on any executor and costs nothing extra; the same
//! executor can also be used as a `&dyn DynSpawn` when the type must be erased.
//!
//! ```
//! # #![allow(dead_code)]
//! use wakewire_core::{JoinHandle, Spawn, SpawnError};
//!
//! /// Spawns `n` tasks that each double their index, on whatever executor the caller uses.
//! fn fan_out<S: Spawn>(spawner: &S, n: u32) -> Result<Vec<JoinHandle<u32>>, SpawnError> {
//!     (0..n).map(|i| spawner.spawn(async move { i * 2 })).collect()
//! }
//! ```
//!
//! # Why not `futures-task`'s `Spawn`?
//!
//! `futures_task::Spawn` takes a boxed `FutureObj<'static, ()>` and returns no handle, so a
//! caller can neither get a value back nor learn that the task panicked. [`Spawn`] is generic
//! (no box), returns a [`JoinHandle`] and reports panics and cancellation through
//! [`JoinError`]. Code written for the `futures` vocabulary runs on any Wakewire executor
//! through the `FuturesSpawner` newtype of the `wakewire-adapter-futures` crate (a newtype,
//! so `ex.spawn(f)` never becomes ambiguous when `futures::task::SpawnExt` is in scope).
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

pub mod block_on;
pub mod blocked;
pub mod coop;
pub mod enter;
pub mod future;
pub mod join;
pub mod join_set;
pub mod panic;
pub mod park;
pub mod registry;
pub mod spawn;
mod sync;
pub mod task;
pub mod timer;
mod wake_all;
pub mod waker;
mod waker_slot;

pub use block_on::block_on;

pub use blocked::{BlockedPoll, PolledFuture};
pub use join::{JoinError, JoinHandle};
pub use join_set::JoinSet;
pub use park::{Park, SharedPark, ThreadParker, ThreadUnparker, Unpark};
pub use spawn::{BlockOn, DynBlockOn, DynLocalSpawn, DynSpawn, LocalSpawn, Spawn, SpawnError};
pub use task::TaskId;
pub use timer::Timer;
