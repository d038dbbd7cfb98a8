//! A single-threaded executor for Wakewire.
//!
//! Poll → Wait → Wake: this crate is the **poll** step for one thread. It pops a woken
//! task, polls it, and when nothing is ready it **waits** in a [`Park`](wakewire_core::Park)
//! until some waker — from any thread, from any reactor — queues a task again. It knows no
//! reactor; reactors know no executor. They meet in `std::task::Waker` and, optionally, in
//! the park: hand [`LocalExecutor::with_park`] a reactor's park and the idle executor
//! thread turns that reactor itself, while the park's
//! [context](wakewire_core::Park::context) makes that reactor the current one for the
//! tasks.
//!
//! `spawn`, `spawn_local` and `block_on` are inherent methods, so no trait import is
//! needed; the executor and its handles also implement the core traits
//! ([`Spawn`](wakewire_core::Spawn), [`LocalSpawn`](wakewire_core::LocalSpawn),
//! [`BlockOn`](wakewire_core::BlockOn)) for code generic over executors.
//!
//! ```
//! use wakewire_executor_local::LocalExecutor;
//!
//! let ex = LocalExecutor::new();
//! let handles: Vec<_> = (0..3).map(|i| ex.spawn(async move { i * i }).unwrap()).collect();
//! let squares = ex.block_on(async {
//!     let mut out = Vec::new();
//!     for handle in handles {
//!         out.push(handle.await.unwrap());
//!     }
//!     out
//! });
//! assert_eq!(squares, [0, 1, 4]);
//! ```
//!
//! # Semantics
//!
//! Everything in the core [join-handle contract](wakewire_core::join) holds. In addition:
//!
//! - A panicking task is reported through its handle; the executor keeps running.
//! - `!Send` futures are only polled and dropped on the executor's thread, even when the
//!   last waker is dropped elsewhere or after the executor is gone.
//! - Cooperative budget: each task poll (and each poll of the `block_on` future) runs
//!   with a [budget](wakewire_core::coop) of 128 leaf completions. A task whose leaves are
//!   always ready (a channel that always has data) is made to yield after that many, and
//!   goes to the back of the queue, so the other tasks run; wrap a future in
//!   [`coop::unconstrained`](wakewire_core::coop::unconstrained) to opt it out. Between two
//!   polls of the `block_on` future the executor runs at most 61 tasks. Wakes made on the
//!   executor's thread while it runs are queued there without atomics; a task woken from
//!   another thread joins the back of that queue within 31 polls, so tasks that keep
//!   waking themselves cannot starve it.
//! - There is no preemption: a poll that blocks (CPU work, a blocking call) holds the
//!   thread. To find such polls, set [`LocalBuilder::blocked_poll_threshold`]: each task
//!   poll and each poll of the `block_on` future that runs that long is reported as a
//!   [`BlockedPoll`](wakewire_core::BlockedPoll) to a hook and a `tracing` warning, after
//!   the poll returned (a panicking hook reaches the caller that drives the executor; the
//!   task keeps its output).
//! - Dropping the executor drops every unfinished future on the dropping thread, outside
//!   any run loop: a destructor may block on another executor.
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod builder;
mod executor;
mod owner_queue;
mod ready_queue;
mod sleep;
mod spawner;
mod sync;

pub use builder::LocalBuilder;
pub use executor::{LocalExecutor, LocalMetrics};
pub use spawner::{LocalSpawner, Spawner};
