//! Test helpers shared by every crate of the workspace: each is defined here once, and a
//! crate's own tests use them through a dev-dependency on `wakewire-matrix`.
//!
//! | helper | what it is for |
//! | --- | --- |
//! | [`watchdog`], [`finishes_within`], [`wait_until`] | bounding every wait: a hang becomes a loud failure |
//! | [`scaled`] | the `RELIABILITY_SCALE` knob for loop counts (0.02 under valgrind) |
//! | [`DropCounter`] | counting how many times futures were dropped |
//! | [`CountingAllocator`] | live heap bytes, for leak checks (install it as a test binary's global allocator) |
//! | [`poll_once`], [`poll_in_task`] | polling by hand, or once from inside a task |
//! | [`panicking_waker`], [`reenters_on_drop`], [`forwarding_counter`] | misbehaving and observing wakers |
//! | [`panic_text`] | the text of a caught panic payload |
//! | [`yield_now`] | a real trip through the scheduler (core's, re-exported) |

mod alloc;
mod drops;
mod panic;
mod poll;
mod process;
mod scale;
mod wakers;
mod watchdog;

pub use alloc::CountingAllocator;
pub use drops::{DropCounter, DropGuard};
pub use panic::panic_text;
pub use poll::{poll_in_task, poll_once, PollInTask};
pub use process::{open_fds, os_threads};
pub use scale::scaled;
pub use wakers::{forwarding_counter, panicking_waker, reenters_on_drop, ForwardingCounter};
pub use wakewire_core::future::yield_now;
pub use watchdog::{finishes_within, wait_until, watchdog, Watchdog};
