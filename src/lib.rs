//! Wakewire: build async runtimes from interchangeable executors and reactors that meet
//! only through `std::task::Waker`.
//!
//! This facade re-exports the parts, one cargo feature each:
//!
//! | module | crate | feature |
//! | --- | --- | --- |
//! | [`core`] | `wakewire-core`: the traits every part shares | always |
//! | [`local`] | `wakewire-executor-local`: a single-threaded executor | `local` (default) |
//! | [`pool`] | `wakewire-executor-pool`: a multi-threaded, work-stealing executor | `pool` (default) |
//! | [`timer`] | `wakewire-reactor-timer`: sleep, interval, timeout on a timing wheel | `timer` (default) |
//! | [`channel`] | `wakewire-reactor-channel`: mpsc, oneshot, broadcast, watch, Notify | `channel` (default) |
//! | [`net`] | `wakewire-reactor-mio`: TCP, UDP, Unix sockets and any fd, on mio | `mio` (default) |
//! | [`blocking`] | `wakewire-reactor-blocking`: `spawn_blocking` on an elastic thread pool | `blocking` (default) |
//! | `tokio` | `wakewire-adapter-tokio`: tokio's runtimes behind the core traits, tokio's reactor under any executor | `tokio` |
//! | `smol` | `wakewire-adapter-smol`: async-executor behind the core traits, async-io's timer as a core `Timer` | `smol` |
//! | `futures` | `wakewire-adapter-futures`: futures-executor behind the core traits, the futures spawn vocabulary | `futures` |
//! | `cancel` | `wakewire-adapter-cancel`: cancelable futures and cancellation tokens | `cancel` |
//! | `hyper` | `wakewire-adapter-hyper`: hyper 1.x on any executor and timer | `hyper` |
//! | `trace` | `wakewire-adapter-trace`: the waker tracer, timelines and the async doctor | `trace` |
//!
//! For a ready-made runtime — the pool with the timer and socket reactors driven by its idle
//! workers, the blocking pool, blocked-poll reports on — use [`Runtime`] or [`run`]
//! (features `pool`, `timer`, `mio`, `blocking`, all on by default):
//!
//! ```
//! # #[cfg(all(feature = "pool", feature = "timer", feature = "mio", feature = "blocking"))] {
//! use std::time::Duration;
//!
//! let rt = wakewire::Runtime::new().unwrap();
//! let slept = rt.block_on(async {
//!     let task = rt.spawn(wakewire::timer::sleep(Duration::from_millis(5))).unwrap();
//!     task.await.is_ok()
//! });
//! assert!(slept);
//! # }
//! ```
//!
//! Code written against the core traits runs on either executor:
//!
//! ```
//! # #[cfg(all(feature = "local", feature = "pool"))] {
//! use wakewire::core::{BlockOn, Spawn};
//! use wakewire::local::LocalExecutor;
//! use wakewire::pool::Pool;
//!
//! fn double_on<E: Spawn + BlockOn>(ex: &E) -> u32 {
//!     let task = ex.spawn(async { 1 + 1 }).unwrap();
//!     ex.block_on(task).unwrap() * 2
//! }
//!
//! assert_eq!(double_on(&LocalExecutor::new()), 4);
//! assert_eq!(double_on(&Pool::builder().workers(2).build()), 4);
//! # }
//! ```
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

pub use wakewire_core as core;

#[cfg(feature = "local")]
pub use wakewire_executor_local as local;

#[cfg(feature = "pool")]
pub use wakewire_executor_pool as pool;

#[cfg(feature = "timer")]
pub use wakewire_reactor_timer as timer;

#[cfg(feature = "channel")]
pub use wakewire_reactor_channel as channel;

#[cfg(feature = "mio")]
pub use wakewire_reactor_mio as net;

#[cfg(feature = "blocking")]
pub use wakewire_reactor_blocking as blocking;

#[cfg(feature = "tokio")]
pub use wakewire_adapter_tokio as tokio;

#[cfg(feature = "smol")]
pub use wakewire_adapter_smol as smol;

#[cfg(feature = "futures")]
pub use wakewire_adapter_futures as futures;

#[cfg(feature = "cancel")]
pub use wakewire_adapter_cancel as cancel;

#[cfg(feature = "hyper")]
pub use wakewire_adapter_hyper as hyper;

#[cfg(feature = "trace")]
pub use wakewire_adapter_trace as trace;

#[cfg(all(feature = "pool", feature = "timer", feature = "mio", feature = "blocking"))]
mod runtime;
#[cfg(all(feature = "pool", feature = "timer", feature = "mio", feature = "blocking"))]
pub use runtime::{run, Runtime, RuntimeBuilder};

/// The README's Rust examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
