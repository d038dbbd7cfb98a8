//! Wakewire's timer reactor: `sleep`, `interval` and `timeout` for any executor.
//!
//! Poll → Wait → Wake: a [`Sleep`] is a **leaf future**. When polled before its deadline
//! it hands the task's waker to the timer's **wheel** and returns `Pending` (the task
//! *waits*); the timer's **driver** fires the wheel when the deadline passes and *wakes*
//! that waker, so the executor polls the task again. The wheel is a hierarchical timing
//! wheel ([`wheel::Wheel`]): O(1) insert and cancel, 1 ms ticks, 64-slot levels.
//!
//! # Sleeping, under any executor
//!
//! With no setup, the free functions use a global timer whose driver is its own thread,
//! started on first use. So they work under every executor (Wakewire's, tokio's, smol's,
//! `futures-executor`), never with a "no reactor running" error:
//!
//! ```
//! use std::time::Duration;
//! use wakewire_reactor_timer::{sleep, timeout};
//!
//! futures_executor::block_on(async {
//!     sleep(Duration::from_millis(1)).await;
//!     let slow = sleep(Duration::from_secs(3600));
//!     assert!(timeout(Duration::from_millis(1), slow).await.is_err());
//! });
//! ```
//!
//! # Driving the timer from the executor's idle thread
//!
//! A [`TimerPark`] is the timer as a `wakewire_core::Park` layer: an executor that waits
//! in it fires the timers itself, between polls, with no thread hop. It wraps another park
//! (a thread parker, or a socket reactor's park), so layers stack. Its
//! [`handle`](TimerPark::handle) makes futures for that timer, and
//! [`TimerHandle::set_default`] makes the free functions use it on this thread.
//!
//! ```
//! use std::time::Duration;
//! use wakewire_core::{BlockOn, ThreadParker};
//! use wakewire_executor_local::LocalExecutor;
//! use wakewire_reactor_timer::TimerPark;
//!
//! let park = TimerPark::new(ThreadParker::new());
//! let timer = park.handle();
//! let ex = LocalExecutor::with_park(park);
//! let mut ticks = timer.interval(Duration::from_millis(1));
//! ex.block_on(async {
//!     for _ in 0..3 {
//!         ticks.tick().await.unwrap();
//!     }
//! });
//! ```
//!
//! # Testing with a manual clock
//!
//! A [`ManualClock`] only moves when told to. Build a timer on it and advance it by hand,
//! or turn on auto-advance and let an idle [`TimerPark`] jump to the next deadline:
//! an hour of sleeps takes no real time.
//!
//! ```
//! use std::task::{Context, Poll};
//! use std::time::Duration;
//! use wakewire_core::waker::counting_waker;
//! use wakewire_core::ThreadParker;
//! use wakewire_reactor_timer::{ManualClock, TimerPark};
//!
//! let clock = ManualClock::new();
//! let mut park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
//! let mut sleep = park.handle().sleep(Duration::from_secs(3600));
//! let (waker, wakes) = counting_waker();
//! let mut cx = Context::from_waker(&waker);
//! assert_eq!(sleep.poll_checked(&mut cx), Poll::Pending);
//! clock.advance(Duration::from_secs(3599));
//! park.turn();
//! assert_eq!(wakes.wakes(), 0); // not yet
//! clock.advance(Duration::from_secs(1));
//! park.turn();
//! assert_eq!(wakes.wakes(), 1); // fired exactly at the deadline
//! assert_eq!(sleep.poll_checked(&mut cx), Poll::Ready(Ok(())));
//! ```
//!
//! # Bad input and shutdown
//!
//! - `Duration::ZERO` and deadlines in the past complete on the first poll.
//! - `Duration::MAX` and deadlines too far away to represent never fire, never overflow
//!   and never panic; such futures can still be reset or dropped.
//! - Dropping a timer's driver ([`Timer`], [`TimerPark`]) wakes every pending future of
//!   that timer: [`Sleep`] completes (use [`Sleep::checked`] to get
//!   `Err(TimerError::Shutdown)`), [`Interval`] ends, [`Timeout`] returns an [`Elapsed`]
//!   whose [`is_shutdown`](Elapsed::is_shutdown) is true. The global timer never shuts down.
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod clock;
mod error;
mod handle;
mod inner;
mod interval;
mod park;
mod sleep;
mod sync;
mod thread;
mod timeout;
pub mod wheel;

pub use clock::{Clock, ManualClock};
pub use error::{Elapsed, TimerError};
pub use handle::{DefaultGuard, TimerHandle};
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use park::TimerPark;
pub use sleep::{sleep, sleep_until, CheckedSleep, Sleep};
pub use thread::Timer;
pub use timeout::{timeout, timeout_at, Timeout};
