//! Wakewire's blocking reactor: run a closure on a thread pool, await it from any executor.
//!
//! Code between two `.await`s runs on the executor's thread: a blocking syscall or a long
//! computation there stalls every other task on that thread. [`spawn_blocking`] moves such
//! work to an elastic pool of plain threads and hands back a leaf future,
//! [`BlockingJob`], that resolves with the closure's value.
//!
//! ```
//! use wakewire_executor_local::LocalExecutor;
//! use wakewire_reactor_blocking::spawn_blocking;
//!
//! let ex = LocalExecutor::new();
//! let sum = ex.block_on(async {
//!     // CPU-heavy: off the executor thread, awaited like any other event.
//!     let total = spawn_blocking(|| (1..=1_000_000u64).sum::<u64>());
//!     let other = ex.spawn(async { 1 }).unwrap(); // the executor stays free meanwhile
//!     total.await.unwrap() + other.await.unwrap()
//! });
//! assert_eq!(sum, 500_000_500_001);
//! ```
//!
//! # Where it sits in Poll → Wait → Wake
//!
//! This crate is a **reactor** whose events are *finished jobs*. Polling a [`BlockingJob`]
//! stores the task's waker in the job's cell (**wait**); the pool thread that runs the
//! closure stores the result and calls that waker (**wake**); the executor polls the task
//! again and the future returns the value. The pool knows no executor: it only ever calls
//! `Waker::wake`, so the future works under Wakewire's executors and foreign ones (tokio,
//! futures-executor, smol) alike, and needs no runtime context.
//!
//! # Semantics
//!
//! - A closure that **panics** resolves its future to a [`BlockingError`] that keeps the
//!   payload; the pool thread survives.
//! - Dropping the future **before the job starts cancels** it: the closure never runs.
//!   After it started, the closure runs to the end and its value is dropped.
//! - A pool that is dropped or [shut down](BlockingPool::shutdown_timeout) resolves every
//!   queued job's future to a shutdown error, and every later job's too: no future hangs.
//! - Threads start on demand — about one per job in flight, up to a maximum — and exit
//!   after an idle keep-alive. A task awaiting jobs one after another reuses one thread.
//!
//! [`spawn_blocking`] uses a lazily started process-wide pool ([`global_pool`]); build a
//! [`BlockingPool`] to choose the limits, the thread names, and when it shuts down.
//!
//! ```
//! use std::time::Duration;
//! use wakewire_executor_local::LocalExecutor;
//! use wakewire_reactor_blocking::BlockingPool;
//!
//! let ex = LocalExecutor::new();
//! let pool = BlockingPool::builder().max_threads(1).thread_name("worker").build();
//!
//! // A panic is a value, not a crash.
//! let err = ex.block_on(pool.spawn(|| -> u32 { panic!("disk on fire") })).unwrap_err();
//! assert_eq!(err.panic_message(), Some("disk on fire"));
//!
//! // Shutting down resolves queued jobs with an error instead of leaving them hanging.
//! let (release, hold) = std::sync::mpsc::channel::<()>();
//! let busy = pool.spawn(move || hold.recv().ok());
//! let queued = pool.spawn(|| "never runs");
//! while pool.metrics().queued_jobs > 1 {
//!     std::thread::yield_now(); // wait until the one thread has taken `busy`
//! }
//! assert!(!pool.shutdown_timeout(Duration::ZERO)); // `busy` still runs
//! assert!(ex.block_on(queued).unwrap_err().is_shutdown());
//! release.send(()).unwrap();
//! assert_eq!(ex.block_on(busy).unwrap(), Some(()));
//! ```
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod blocking_job;
mod error;
mod global;
mod job;
mod pool;
mod sync;
mod workers;

pub use blocking_job::BlockingJob;
pub use error::BlockingError;
pub use global::{global_pool, spawn_blocking};
pub use pool::{
    BlockingPool, BlockingPoolBuilder, BlockingPoolMetrics, DEFAULT_KEEP_ALIVE,
    DEFAULT_MAX_THREADS, DEFAULT_THREAD_NAME,
};
