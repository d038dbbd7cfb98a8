//! The `*_blocking` methods that plain threads call: the async method, run to completion
//! by core's `block_on`.

use std::future::Future;

/// Runs `future` to completion on the current thread, parking it while the future waits.
///
/// # Panics
///
/// If the current thread is running a Wakewire executor: blocking it would stop every task
/// on that executor, possibly the very one that would make `future` ready.
pub(crate) fn block_on<F: Future>(what: &str, future: F) -> F::Output {
    // Core's `block_on` refuses too; checked here for a message naming the user's call.
    assert!(
        !wakewire_core::enter::is_entered(),
        "{what} called from a thread that runs an executor: it would block every task on \
         that thread; use the async method instead"
    );
    #[cfg(not(loom))]
    return wakewire_core::block_on(future);
    #[cfg(loom)]
    return model::block_on(future);
}

/// The loop the loom models block in. Loom runs every modelled thread on one OS thread,
/// and core's `block_on` marks "this thread runs an executor" in a std thread-local, which
/// the modelled threads would share (the second one to block would be refused). This loop
/// parks loom's threads and marks nothing.
#[cfg(loom)]
mod model {
    use std::future::Future;
    use std::pin::pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    use loom::thread;

    struct ThreadWaker(thread::Thread);

    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    pub(super) fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            // A wake since the poll left an unpark token: park returns at once.
            thread::park();
        }
    }
}
