//! Test helpers shared by every crate of the workspace, defined here once: a crate's own
//! tests use them through a dev-dependency on this crate, and the cross-compatibility
//! matrix (`wakewire-matrix`, whose kit re-exports them as `wakewire_matrix::util`) is
//! built on them. They live in a crate of their own, beside the kit, so a crate's tests
//! get them without linking every runtime the matrix runs.
//!
//! | helper | what it is for |
//! | --- | --- |
//! | [`watchdog`], [`finishes_within`], [`wait_until`] | bounding every wait: a hang becomes a loud failure |
//! | [`scaled`] | the `WAKEWIRE_TEST_SCALE` knob for loop counts (0.02 under valgrind) |
//! | [`DropCounter`] | counting how many times futures were dropped |
//! | [`CountingAllocator`] | live heap bytes, for leak checks (install it as a test binary's global allocator) |
//! | [`poll_once`], [`poll_in_task`] | polling by hand, or once from inside a task |
//! | [`panicking_waker`], [`reenters_on_drop`], [`forwarding_counter`] | misbehaving and observing wakers |
//! | [`panic_text`] | the text of a caught panic payload |
//! | [`yield_now`], [`Parked`] | a real trip through the scheduler (core's); a future that waits forever and hands out its wakers |
//! | [`Mailbox`] | one value handed to a waiting task |
//! | [`Gate`], [`occupy_blocking_thread`] | a latch deciding when a thread may go on |
//! | [`run_local`] | a test that spawns `!Send` tasks, on Wakewire's local executor |
//! | [`RecordingPark`] | a park that records what it is asked, for stepping park layers |
//! | [`Rng`] | deterministic random data |
//! | [`run_in_child`], [`in_child`] | one test in a child process (for aborts) |
//! | [`open_fds`], [`os_threads`] | what the process holds, for leak checks |
//! | [`MioReactorThread`], [`run_with_mio_reactor`] | a private socket reactor on a thread of its own, or driven by the local executor |
//! | [`timing::compare`] | a quick native-versus-adapter timing for the adapters' cost examples |

#![doc(test(attr(deny(warnings))))]
#![deny(unsafe_code)]

mod alloc;
mod child;
mod drops;
mod gate;
mod local_tasks;
mod mailbox;
mod mio_thread;
mod panic;
mod park;
mod parked;
mod poll;
mod process;
mod rng;
mod scale;
pub mod timing;
mod wakers;
mod watchdog;

pub use alloc::CountingAllocator;
pub use child::{in_child, run_in_child};
pub use drops::{DropCounter, DropGuard};
pub use gate::{occupy_blocking_thread, Gate};
pub use local_tasks::{run_local, LocalTasks};
pub use mailbox::Mailbox;
pub use mio_thread::{run_with_mio_reactor, MioReactorThread};
pub use panic::panic_text;
pub use park::{CountingUnpark, RecordingPark};
pub use parked::Parked;
pub use poll::{poll_in_task, poll_once, PollInTask};
pub use process::{open_fds, os_threads};
pub use rng::Rng;
pub use scale::scaled;
pub use wakers::{forwarding_counter, panicking_waker, reenters_on_drop, ForwardingCounter};
pub use wakewire_core::future::yield_now;
pub use watchdog::{finishes_within, wait_until, watchdog, Watchdog};
