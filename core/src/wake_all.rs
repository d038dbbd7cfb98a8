//! Waking a batch of wakers on behalf of a reactor: one policy for every Wakewire reactor.

use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::Waker;

use crate::sync::thread_local;

thread_local! {
    /// The reactor waking wakers on this thread right now, if it named itself.
    static SOURCE: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Runs `wake` with `source` named as the reactor that is waking wakers on this thread,
/// so instrumented wakers (a tracer) can tell which reactor woke them. Costs two
/// thread-local writes; nests (the outer name is restored after).
///
/// ```
/// use wakewire_core::waker::{wake_source, with_wake_source};
///
/// assert_eq!(wake_source(), None);
/// with_wake_source("timer", || assert_eq!(wake_source(), Some("timer")));
/// assert_eq!(wake_source(), None);
/// ```
pub fn with_wake_source<R>(source: &'static str, wake: impl FnOnce() -> R) -> R {
    struct Restore(Option<&'static str>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = SOURCE.try_with(|current| current.set(self.0));
        }
    }
    let outer = SOURCE
        .try_with(|current| current.replace(Some(source)))
        .ok()
        .flatten();
    let _restore = Restore(outer);
    wake()
}

/// The reactor that is waking wakers on this thread right now (see [`with_wake_source`]),
/// or `None` when the wake comes from elsewhere (a task, a user's thread).
pub fn wake_source() -> Option<&'static str> {
    SOURCE.try_with(Cell::get).ok().flatten()
}

/// Wakes every waker of `wakers` on behalf of the reactor `source`; see the policy below.
///
/// A reactor collects the wakers of the events it found while it holds its lock, releases
/// the lock, then calls this. Every Wakewire reactor follows the same policy:
///
/// 1. **Every waker is woken**, in order, even after one of them panics: a waker is foreign
///    code (an executor's, or a user's), and one broken waker must not strand the tasks
///    behind it in the batch.
/// 2. **A waker's panic never unwinds through the reactor.** It is caught; the first panic's
///    payload is returned, later ones are disposed of with
///    [`drop_payload`](crate::panic::drop_payload) (their own `Drop` may panic again).
/// 3. **The caller decides what the panic means.** A driver (a park, a reactor thread, a
///    shutdown or a destructor) has nobody to report to: it drops the payload (with
///    `drop_payload`) and keeps turning. An operation a user called (a channel's `send`, a
///    `notify`) may resume it on the user's thread once its own state is consistent,
///    exactly as if the user had called the waker.
///
/// ```
/// use std::task::Waker;
/// use wakewire_core::panic::drop_payload;
/// use wakewire_core::waker::{counting_waker, wake_all};
///
/// let (waker, counter) = counting_waker();
/// let batch: Vec<Waker> = vec![waker.clone(), waker];
/// if let Some(payload) = wake_all("example", batch) {
///     drop_payload(payload); // a driver: nobody to report to
/// }
/// assert_eq!(counter.wakes(), 2);
/// ```
pub fn wake_all<I>(source: &'static str, wakers: I) -> Option<Box<dyn Any + Send>>
where
    I: IntoIterator<Item = Waker>,
{
    with_wake_source(source, || {
        let mut first_panic = None;
        for waker in wakers {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| waker.wake())) {
                match first_panic {
                    None => first_panic = Some(payload),
                    Some(_) => crate::panic::drop_payload(payload),
                }
            }
        }
        first_panic
    })
}
