//! Cancellation without touching executors or reactors.
//!
//! Poll → Wait → Wake: a cancelable future sits *between* a task and the leaf future it
//! waits on. It keeps a clone of the task's waker next to an atomic flag. Cancelling sets
//! the flag and **wakes** the task through that waker; at the next **poll** the wrapper
//! drops the inner future (so the leaf gives its resource back to its reactor) and
//! returns `Err(Canceled)`. No executor or reactor has a "cancel" operation, or needs one.
//!
//! | you want | use |
//! | --- | --- |
//! | to stop one future from outside, and have its awaiter go on | [`Cancelable`] and its [`CancelHandle`] |
//! | one signal for a tree of work (a server, its connections, their requests) | [`CancellationToken`] and [`child_token`](CancellationToken::child_token) |
//!
//! ```
//! use std::time::Duration;
//! use wakewire_adapter_cancel::{Cancelable, Canceled, CancellationToken};
//!
//! // A future stopped by its handle, from another thread:
//! let (slow, handle) = Cancelable::new(std::future::pending::<()>());
//! std::thread::spawn(move || handle.cancel());
//! assert_eq!(wakewire_core::block_on(slow), Err(Canceled));
//!
//! // A tree of tokens:
//! let root = CancellationToken::new();
//! let child = root.child_token();
//! std::thread::spawn(move || root.cancel());
//! wakewire_core::block_on(child.cancelled());
//! # let _ = Duration::ZERO;
//! ```
//!
//! # Cost
//!
//! [`Cancelable`]: one allocation (the flag and the waker slot) per future; each poll
//! takes an uncontended lock to store the waker (no clone when the task is unchanged).
//! [`CancellationToken`]: one allocation per token node; cloning, dropping and
//! `child_token` take the node's lock; `is_cancelled` is one atomic load.
//!
//! # What it cannot do
//!
//! - It cannot interrupt a poll in progress: a future that never returns to its executor
//!   is canceled only when it does.
//! - A `Cancelable` that is never polled again (its task is gone) never drops its inner
//!   future through the cancel; dropping the `Cancelable` does.
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod cancelable;
mod sync;
mod token;

pub use cancelable::{CancelHandle, Cancelable, Canceled};
pub use token::{CancellationToken, WaitForCancellation};
