//! Channels for Wakewire: mpsc, oneshot, broadcast, watch and [`Notify`].
//!
//! Poll → Wait → Wake: a channel is a **reactor** whose event source is the other end.
//! A receive that finds nothing stores its task's waker in the channel (**wait**); the
//! send that delivers a value takes that waker out and calls it (**wake**); the executor
//! then **polls** the receive again and it returns the value. Senders waiting for room in a
//! full channel are woken the same way by the receiver. No thread, no driver, no executor
//! is named: these futures complete under any executor, ours, tokio's or `futures`'.
//!
//! | module | shape | a receive waits for |
//! | --- | --- | --- |
//! | [`mpsc`] | many senders → one receiver, bounded or unbounded | the next value |
//! | [`oneshot`] | one value, once | that value |
//! | [`broadcast`] | many senders → every receiver gets every value (bounded ring) | the next value; a lagging receiver is told how many it missed |
//! | [`watch`] | one latest value, versioned | a newer version |
//! | [`Notify`] | no value: an event | `notify_one` / `notify_waiters` |
//!
//! Common rules: a failed send hands the value back ([`SendError`], [`TrySendError`]); a
//! receiver sees "closed" only after it received everything sent before; values from one
//! sender arrive in the order they were sent; a pending future that is dropped takes its
//! waker out of the channel, and a wakeup it had been chosen for goes to the next waiter.
//!
//! # Wakers are foreign code
//!
//! A channel takes the wakers it needs out of its state while it holds its lock, and calls
//! them only after releasing it; the wakers it replaces or forgets are dropped after
//! releasing it too (dropping a task's last waker may free the task, whose futures call
//! back into the same channel). The oneshot has no lock: it takes a waker out with the
//! atomic transition that hands it over, and calls or drops it once that transition is
//! done. A panicking waker never corrupts a channel or loses a value. Wakes follow the one policy of [`wakewire_core::waker::wake_all`]:
//!
//! - Every waker of a batch is woken, even after one panicked (closing, `broadcast` and
//!   `watch` sends, [`Notify::notify_waiters`]).
//! - An operation you call (a send, a `close`, a `notify_*`) resumes the first panic in
//!   your thread once the channel is consistent, as if you had called the waker yourself:
//!   a value sent that way **was** delivered.
//! - A destructor (dropping a sender, a receiver or a pending future) disposes of the
//!   panic: a panic out of `Drop` could abort the process.
//! - A wake that hands out one unit (a slot freed by an mpsc receive, a
//!   [`Notify::notify_one`]) passes the unit to the next waiter when the chosen waker
//!   panics. A receive disposes of that panic, since unwinding would drop the value it is
//!   returning; `notify_one` resumes it.
//!
//! # Tutorial
//!
//! A producer task streams work to a consumer, which answers through a oneshot:
//!
//! ```
//! use wakewire_core::{BlockOn, LocalSpawn};
//! use wakewire_executor_local::LocalExecutor;
//! use wakewire_reactor_channel::{mpsc, oneshot};
//!
//! let ex = LocalExecutor::new();
//! let (jobs, mut inbox) = mpsc::bounded::<u64>(4);
//! let (answer_tx, answer_rx) = oneshot::channel();
//!
//! let consumer = ex
//!     .spawn_local(async move {
//!         let mut sum = 0;
//!         // `recv` waits while the channel is empty; `Err` means closed and drained.
//!         while let Ok(job) = inbox.recv().await {
//!             sum += job;
//!         }
//!         answer_tx.send(sum).unwrap();
//!     })
//!     .unwrap();
//!
//! let sum = ex.block_on(async move {
//!     for job in 1..=10 {
//!         jobs.send(job).await.unwrap(); // waits when 4 jobs are queued
//!     }
//!     drop(jobs); // closes the channel: the consumer drains it, then stops
//!     let sum = answer_rx.await.unwrap();
//!     consumer.await.unwrap();
//!     sum
//! });
//! assert_eq!(sum, 55);
//! ```
//!
//! Plain threads use the `*_blocking` methods:
//!
//! ```
//! use wakewire_reactor_channel::mpsc;
//!
//! let (tx, mut rx) = mpsc::bounded(1);
//! let producer = std::thread::spawn(move || {
//!     for i in 0..100 {
//!         tx.send_blocking(i).unwrap();
//!     }
//! });
//! let mut received = 0;
//! while let Ok(i) = rx.recv_blocking() {
//!     assert_eq!(i, received);
//!     received += 1;
//! }
//! producer.join().unwrap();
//! assert_eq!(received, 100);
//! ```
#![doc(test(attr(deny(warnings))))]
// The one exception, with its own `allow`: the lock-free protocol of `oneshot::raw`.
#![deny(unsafe_code)]

pub mod broadcast;
pub mod mpsc;
pub mod oneshot;
pub mod watch;

mod blocking;
mod error;
mod notify;
mod sync;
mod waiters;
mod wake;

pub use error::{RecvError, SendError, TryRecvError, TrySendError};
pub use notify::{Notified, Notify};
