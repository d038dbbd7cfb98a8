//! A minimal `block_on` for the `*_blocking` methods that plain threads call.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use crate::sync::thread;

/// Wakes a parked thread.
struct ThreadWaker(thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` on the current thread, parking between polls, until it completes.
///
/// # Panics
///
/// If the current thread is running a Wakewire executor: blocking it would stop every task
/// on that executor, possibly the very one that would make `future` ready.
pub(crate) fn block_on<F: Future>(what: &str, future: F) -> F::Output {
    assert!(
        !wakewire_core::enter::is_entered(),
        "{what} called from a thread that runs an executor: it would block every task on \
         that thread; use the async method instead"
    );
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // A wake that happened since the poll left an unpark token: park returns at once.
        thread::park();
    }
}
