//! A multi-threaded, work-stealing executor for Wakewire.
//!
//! Poll → Wait → Wake: this crate is the **poll** step spread over a pool of worker
//! threads. Each worker pops a woken task and polls it; a task that returns `Pending` has
//! handed its waker to some reactor and **waits**; when the reactor **wakes** it — from
//! any thread — the task is queued again, on the waking worker when a worker wakes it,
//! on the pool's injector otherwise. Idle workers sleep in a [`Park`](wakewire_core::Park):
//! a plain thread parker by default, or a reactor's park set with
//! [`PoolBuilder::park_with`] so idle workers turn the reactor themselves. The pool never
//! names a reactor; they meet in `std::task::Waker` and the park.
//!
//! `spawn` and `block_on` are inherent methods of [`Pool`] (and `spawn` of
//! [`PoolSpawner`]), so no trait import is needed; both also implement the core traits
//! ([`Spawn`](wakewire_core::Spawn), [`BlockOn`](wakewire_core::BlockOn)) for code generic
//! over executors.
//!
//! ```
//! use wakewire_executor_pool::Pool;
//!
//! let pool = Pool::builder().workers(2).build();
//!
//! // Spawn from outside: the tasks go through the injector to whichever worker is free.
//! let squares: Vec<_> = (0..4u32).map(|i| pool.spawn(async move { i * i }).unwrap()).collect();
//!
//! // Block this (non-worker) thread on a future; tasks spawned by tasks stay local.
//! let handle = pool.spawner();
//! let total = pool.block_on(async move {
//!     let mut total = 0;
//!     for square in squares {
//!         total += square.await.unwrap();
//!     }
//!     let child = handle.spawn(async { 100 }).unwrap();
//!     total + child.await.unwrap()
//! });
//! assert_eq!(total, 114);
//! ```
//!
//! # Scheduling
//!
//! - **Local first.** A task spawned by a task goes to the back of its worker's queue. A
//!   task woken by the task being polled (it sent it a message, or finished and woke its
//!   joiner) goes to the worker's LIFO slot and runs next, so message-passing pairs stay on
//!   one worker, in cache. After 3 LIFO polls in a row the slot's task is queued behind the
//!   others, so such a pair cannot starve them. A task that wakes itself (a yield) goes to
//!   the back of the queue: a yield is a real trip through the scheduler.
//! - **Fair to remote work.** Every 61 polls a worker takes from the global injector before
//!   its own queue (and turns its park without blocking, for reactors driven by the park).
//! - **Stealing.** A worker with nothing to do takes a batch from the injector, or steals
//!   half of another worker's queue. At most half of the workers search at once.
//! - **Sleeping.** A worker that found nothing looks again for a few dozen rounds (a
//!   park/unpark round trip costs tens of microseconds, a look well under one), then parks.
//!   A new task wakes a sleeping worker only when no worker is searching already, so a
//!   burst of spawns wakes one worker, not all. Every worker going to sleep looks at
//!   every queue once more, so a task another worker could take never waits while a worker
//!   sleeps and none searches (also when the worker that queued it is stuck in a long
//!   poll); loom checks that protocol on the pool's own code (`tests/loom_park_unpark_no_lost_wakeup.rs`, with
//!   stand-in deques that have crossbeam's memory orderings), and shuttle runs the whole
//!   pool under randomized schedules (`tests/shuttle_pool_end_to_end.rs`, built with
//!   `RUSTFLAGS="--cfg shuttle"`, which swaps every thread, lock, atomic and thread-local
//!   of the pool for shuttle's).
//!
//! # Park mode: idle workers drive a reactor
//!
//! A reactor's park blocks one thread at a time (it owns the selector), so workers share
//! it through a [`SharedPark`](wakewire_core::SharedPark): each worker gets a
//! [`worker`](wakewire_core::SharedPark::worker) of it, and whichever worker is idle
//! blocks in the reactor while the others sleep on their own parkers. Busy workers turn it
//! without blocking every 61 polls. Each worker enters its park's
//! [context](wakewire_core::Park::context) while it runs tasks (and [`Pool::block_on`]
//! enters worker 0's), so a reactor's free constructors (`sleep`, `TcpStream::connect`)
//! called from tasks find the reactor the workers drive rather than a global one.
//!
//! ```
//! use wakewire_core::{SharedPark, ThreadParker};
//! use wakewire_executor_pool::Pool;
//!
//! // A reactor's park stack goes here, for example a timer park over a socket-reactor
//! // park over a thread parker; this crate names no reactor, so a bare parker stands in.
//! let stack = SharedPark::new(ThreadParker::new());
//! let pool = Pool::builder()
//!     .workers(2)
//!     .park_with(move |_| stack.worker())
//!     .build();
//! assert_eq!(pool.block_on(pool.spawn(async { 2 + 2 }).unwrap()).unwrap(), 4);
//! ```
//!
//! # Blocked workers
//!
//! A poll that does not return blocks its worker: the pool cannot interrupt it. Set a
//! threshold to learn about such polls:
//!
//! ```
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use std::sync::Arc;
//! use std::time::Duration;
//! use wakewire_executor_pool::Pool;
//!
//! let reports = Arc::new(AtomicUsize::new(0));
//! let counter = reports.clone();
//! let mut pool = Pool::builder()
//!     .workers(2)
//!     .blocked_poll_threshold(Duration::from_millis(20))
//!     .on_blocked_poll(move |report| {
//!         eprintln!("{report}"); // "task#7 blocked executor thread 1 for 50.1ms in one poll"
//!         if report.task().is_some() {
//!             counter.fetch_add(1, Ordering::SeqCst);
//!         }
//!     })
//!     .build();
//! let slow = pool.spawn(async { std::thread::sleep(Duration::from_millis(50)) }).unwrap();
//! pool.block_on(slow).unwrap();
//! // The report is made after the poll returned, maybe after `block_on` saw the output:
//! // the counts are exact once the workers have stopped.
//! pool.shutdown(Duration::from_secs(10)).unwrap();
//! assert_eq!(reports.load(Ordering::SeqCst), 1);
//! ```
//!
//! Each report is also a `tracing::warn!` event. Without a threshold nothing is measured.
//! The hook runs on the worker after the poll returned, outside the task: a panic in it is
//! caught and counted in [`PoolMetrics::caught_panics`], and the task keeps its output.
//! The future given to [`Pool::block_on`] is timed the same way (reported as
//! [`PolledFuture::BlockOn`], on the calling thread).
//!
//! # Supervision: moving work off a blocked worker
//!
//! Reporting is not enough when a worker is stuck: the task in its LIFO slot waits for the
//! poll to end, and the pool runs one worker short. With
//! [`PoolBuilder::supervise`], a monitor thread notices a worker inside one poll for the
//! threshold and moves its duties on without it: its LIFO task goes to the injector, a
//! sleeping worker is woken for its queued tasks, and a replacement thread keeps the pool at
//! its configured parallelism (at most
//! [`max_replacement_threads`](PoolBuilder::max_replacement_threads) at once, by default one
//! per worker) until the poll returns, when it retires. The hook hears about it while the
//! poll still runs:
//!
//! ```
//! use std::sync::mpsc;
//! use std::time::Duration;
//! use wakewire_executor_pool::{Pool, Replacement};
//!
//! let (reports, reported) = mpsc::channel();
//! let mut pool = Pool::builder()
//!     .workers(1)
//!     .supervise(Duration::from_millis(10))
//!     .on_blocked_poll(move |report| reports.send(*report).unwrap())
//!     .build();
//! let (release, released) = mpsc::channel::<()>();
//! let stuck = pool.spawn(async move { released.recv() }).unwrap(); // blocks the only worker
//! let report = reported.recv().unwrap(); // while it is stuck
//! assert!(report.still_running);
//! assert_eq!(report.moved.unwrap().replacement, Replacement::Started { worker: 1 });
//! // One worker is stuck, yet tasks still run: on the replacement thread.
//! assert_eq!(pool.block_on(pool.spawn(async { 6 * 7 }).unwrap()).unwrap(), 42);
//! drop(release);
//! pool.block_on(stuck).unwrap().unwrap_err(); // released: the poll returns
//! pool.shutdown(Duration::from_secs(10)).unwrap();
//! assert_eq!(pool.metrics().replacement_threads, 1);
//! ```
//!
//! Supervision costs each poll two plain stores (no clock read, no locked instruction)
//! and the LIFO slot an uncontended lock; without it, nothing. In park mode a worker never
//! holds the shared driver while it polls, and a release hands it to a waiting worker, so
//! an idle worker keeps the reactor turning while another is blocked, with or without
//! supervision.
//!
//! # Cooperative budget
//!
//! Each task poll (and each poll of a `block_on` future) runs under a
//! [budget](wakewire_core::coop) of 128 leaf completions: Wakewire's channel receives and
//! sends, socket operations and timers spend it, and once it is spent they return `Pending`
//! and wake the task, which goes to the back of its worker's queue. A task whose leaves
//! are always ready (a channel that always has data) thus lets the others run. Wrap a
//! future in [`coop::unconstrained`](wakewire_core::coop::unconstrained) to opt it out.
//! Leaves of other runtimes ignore the budget.
//!
//! # Semantics
//!
//! Everything in the core [join-handle contract](wakewire_core::join) holds: a panicking
//! task is reported through its handle and the worker keeps running; dropping a handle
//! detaches; [`cancel`](wakewire_core::JoinHandle::cancel) drops the future on a worker.
//! Dropping or [shutting down](Pool::shutdown) the pool drops every unfinished future
//! exactly once, outside any run loop (a destructor may block on another executor); later
//! spawns return [`SpawnError`](wakewire_core::SpawnError) and drop their future before
//! returning. Worker threads are *entered* (see [`wakewire_core::enter`]) while they run
//! tasks, so a `block_on` inside a task panics with a clear message instead of
//! deadlocking.
//!
//! There is no preemption: a poll that never returns keeps its worker (and, without
//! supervision, the task in its LIFO slot); the other workers steal the tasks queued
//! behind it.
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod builder;
mod metrics;
mod pool;
mod spawn;
mod spawner;
mod sync;

// The pool's own protocol code: public under `--cfg loom` so that the loom models in
// `tests/` build a pool from it over loom-visible deques.
/// Declares each module private, or public under `--cfg loom` (for the models in `tests/`).
macro_rules! loom_visible {
    ($($name:ident;)*) => {
        $(
            #[cfg(loom)]
            pub mod $name;
            #[cfg(not(loom))]
            mod $name;
        )*
    };
}
loom_visible! {
    deques;
    gate;
    idle;
    monitor;
    queues;
    schedule;
    shutdown;
    state;
    supervise;
    worker;
}

pub use builder::{BuildError, PoolBuilder};
pub use metrics::PoolMetrics;
pub use pool::{Pool, ShutdownTimeout};
pub use spawner::PoolSpawner;
/// The blocked-poll report and its parts, shared with every Wakewire executor.
pub use wakewire_core::blocked::{BlockedPoll, MovedWork, PolledFuture, Replacement};
