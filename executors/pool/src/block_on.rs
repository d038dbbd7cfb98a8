//! `block_on` for threads that are not workers: poll one future, sleep between wakes.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use wakewire_core::enter::enter;
use wakewire_core::{Park, ThreadParker, ThreadUnparker, Unpark};

use crate::sync::rt::AtomicBool;

/// The waker of the blocked-on future: a flag (to skip polls after spurious wakeups) and
/// the blocked thread's unparker.
struct MainWake {
    woken: AtomicBool,
    unparker: ThreadUnparker,
}

impl Wake for MainWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Release pairs with the Acquire swap before the poll.
        if !self.woken.swap(true, Ordering::Release) {
            self.unparker.unpark();
        }
    }
}

/// Polls `future` on this thread until it completes, parking between wakes.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let _enter = enter().unwrap_or_else(|error| panic!("Pool::block_on: {error}"));
    let mut parker = ThreadParker::new();
    let main = Arc::new(MainWake {
        woken: AtomicBool::new(true),
        unparker: parker.unparker(),
    });
    let waker = Waker::from(Arc::clone(&main));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if main.woken.swap(false, Ordering::Acquire) {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
        // The thread parker never fails.
        let _ = parker.park();
    }
}
