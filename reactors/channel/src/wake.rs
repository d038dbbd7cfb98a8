//! Waking the wakers a channel took out of its state, by the one policy of
//! [`wakewire_core::waker::wake_all`].
//!
//! A channel takes wakers out while it holds its lock and wakes them after releasing it,
//! so when a waker panics the channel is already consistent. Every waker of a batch is
//! woken even if one panics; what becomes of the first panic depends on who is waking
//! ([`OnPanic`]): an operation the user called passes it on to the user, a destructor (or
//! a receive, which must return its value) disposes of it.

use std::panic;
use std::task::Waker;

use wakewire_core::panic::drop_payload;
use wakewire_core::waker::wake_all;

/// The name channels give themselves while they wake (see
/// [`wake_source`](wakewire_core::waker::wake_source)).
const SOURCE: &str = "channel";

/// What to do with the panic of a waker the channel woke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnPanic {
    /// Resume it in the caller, after every waker ran: the user called an operation
    /// (`send`, `close`, `notify_one`), and a waker's panic reaches them as if they had
    /// called the waker themselves.
    Resume,
    /// Dispose of it with `drop_payload`: the caller is a destructor (a panic out of `Drop`
    /// aborts the process if it is already unwinding), or a receive that must still
    /// return the value it took.
    Dispose,
}

impl OnPanic {
    fn settle(self, payload: Box<dyn std::any::Any + Send>) {
        match self {
            OnPanic::Resume => panic::resume_unwind(payload),
            OnPanic::Dispose => drop_payload(payload),
        }
    }
}

/// Wakes every waker of `wakers`, in order, even if some panic; then settles the first
/// panic as `on_panic` says.
pub(crate) fn wake<I: IntoIterator<Item = Waker>>(on_panic: OnPanic, wakers: I) {
    if let Some(payload) = wake_all(SOURCE, wakers) {
        on_panic.settle(payload);
    }
}

/// Wakes `waker`; if it panics, wakes the waker `next` hands out instead, and so on until
/// one wakes cleanly or `next` has none. Then settles the first panic as `on_panic` says.
///
/// Used where exactly one waiter was chosen for a unit of something (a freed slot, a
/// `notify_one`): a chosen waiter whose waker panics cannot use it, so the unit goes on to
/// the next one in line instead of being stranded.
pub(crate) fn wake_or_pass_on(
    on_panic: OnPanic,
    waker: Option<Waker>,
    mut next: impl FnMut() -> Option<Waker>,
) {
    let mut first_panic = None;
    let mut current = waker;
    while let Some(waker) = current {
        match wake_all(SOURCE, Some(waker)) {
            None => break,
            Some(payload) => {
                match first_panic {
                    None => first_panic = Some(payload),
                    Some(_) => drop_payload(payload),
                }
                current = next();
            }
        }
    }
    if let Some(payload) = first_panic {
        on_panic.settle(payload);
    }
}
