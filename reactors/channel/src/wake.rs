//! Waking a batch of wakers so that one panicking waker cannot strand the others.

use std::panic::{self, AssertUnwindSafe};
use std::task::Waker;

/// Wakes every waker in `wakers`, in order, even if some of them panic.
///
/// Channels collect the wakers to call while they hold their lock and call them after
/// releasing it, through this function. A waker is foreign code: if one panics, the others
/// in the batch are still woken, and the first panic is then resumed so that it reaches the
/// caller (the channel itself is already consistent by then).
pub(crate) fn wake_all<I: IntoIterator<Item = Waker>>(wakers: I) {
    let mut first_panic = None;
    for waker in wakers {
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| waker.wake())) {
            first_panic.get_or_insert(payload);
        }
    }
    if let Some(payload) = first_panic {
        panic::resume_unwind(payload);
    }
}

/// Wakes `waker` if there is one. A panic of the waker reaches the caller.
pub(crate) fn wake_opt(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// The payload of a caught panic.
pub(crate) type PanicPayload = Box<dyn std::any::Any + Send>;

/// Wakes `waker`; if it panics, wakes the waker `next` hands out instead, and so on until
/// one wakes cleanly or `next` has none. Returns the first panic, if any.
///
/// Used where exactly one waiter was chosen for a unit of something (a freed slot, a
/// `notify_one`): a chosen waiter whose waker panics cannot use it, so the unit goes on to
/// the next one in line instead of being stranded.
pub(crate) fn wake_or_pass_on(
    waker: Option<Waker>,
    mut next: impl FnMut() -> Option<Waker>,
) -> Option<PanicPayload> {
    let mut first_panic = None;
    let mut current = waker;
    while let Some(waker) = current {
        match panic::catch_unwind(AssertUnwindSafe(|| waker.wake())) {
            Ok(()) => break,
            Err(payload) => {
                first_panic.get_or_insert(payload);
                current = next();
            }
        }
    }
    first_panic
}
