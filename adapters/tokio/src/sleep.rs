//! [`TokioSleep`]: tokio's timer behind Wakewire's [`Timer`] trait.

use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use pin_project_lite::pin_project;
use wakewire_core::Timer;

use crate::error::{classify_panic, ReactorError};
use crate::reactor::{ReactorShared, TokioReactor, TokioReactorHandle};

pin_project! {
    /// A deadline on a [`TokioReactor`]'s timer (tokio's `sleep_until`), the leaf future of
    /// its [`Timer`] implementation.
    ///
    /// Completes at its deadline, or as soon as the reactor is shut down (like Wakewire's
    /// own timer: a sleep never outlives its driver). A deadline too far away for tokio
    /// (`Duration::MAX`) never fires.
    ///
    /// # Wakeups
    ///
    /// Stores the task's waker in tokio's timer wheel, which the reactor's driver thread
    /// fires at the deadline (or at shutdown).
    #[must_use = "futures do nothing unless you poll them"]
    pub struct TokioSleep {
        #[pin]
        sleep: tokio::time::Sleep,
        shared: Arc<ReactorShared>,
    }
}

impl TokioSleep {
    fn new(shared: &Arc<ReactorShared>, deadline: Instant) -> Self {
        let sleep = {
            let _entered = shared.handle.enter();
            tokio::time::sleep_until(tokio::time::Instant::from_std(deadline))
        };
        TokioSleep {
            sleep,
            shared: Arc::clone(shared),
        }
    }

    /// The instant this sleep completes at.
    pub fn deadline(&self) -> Instant {
        self.sleep.deadline().into_std()
    }
}

impl Future for TokioSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        if this.shared.is_shut_down() {
            return Poll::Ready(());
        }
        let _entered = this.shared.handle.enter();
        let sleep = this.sleep;
        match catch_unwind(AssertUnwindSafe(|| sleep.poll(cx))) {
            Ok(poll) => poll,
            // tokio panics when its timer shut down under a sleep; ours completes.
            Err(payload) if classify_panic(&*payload) == Some(ReactorError::Shutdown) => {
                wakewire_core::panic::drop_payload(payload);
                Poll::Ready(())
            }
            Err(payload) => resume_unwind(payload),
        }
    }
}

impl std::fmt::Debug for TokioSleep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokioSleep")
            .field("deadline", &self.deadline())
            .finish()
    }
}

impl Timer for TokioReactorHandle {
    type Sleep = TokioSleep;

    fn sleep_until(&self, deadline: Instant) -> TokioSleep {
        TokioSleep::new(&self.shared, deadline)
    }
}

impl Timer for TokioReactor {
    type Sleep = TokioSleep;

    fn sleep_until(&self, deadline: Instant) -> TokioSleep {
        TokioSleep::new(&self.shared, deadline)
    }
}
