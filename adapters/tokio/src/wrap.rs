//! [`InTokio`] and [`Checked`]: tokio leaf futures polled by a foreign executor.

use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use tokio::runtime::Handle;

use crate::error::{classify_panic, ReactorError};
use crate::reactor::{ReactorShared, TokioReactorHandle};

pin_project! {
    /// A tokio future bound to a [`TokioReactor`](crate::TokioReactor): it runs under any
    /// executor. Made by [`TokioReactorHandle::wrap`] or [`TokioFutureExt::in_tokio`].
    ///
    /// Resolves to `Ok(output)`, or to `Err(ReactorError::Shutdown)` once the reactor is
    /// shut down (the inner future is then dropped without being polled again).
    ///
    /// # Wakeups
    ///
    /// The inner future stores the task's waker in tokio's driver (an I/O readiness slot
    /// or a timer entry); the reactor's driver thread wakes it. A reactor shutdown wakes
    /// every stored waker.
    ///
    /// # Panics
    ///
    /// A panic of the inner future propagates, except tokio's "no runtime" and "runtime
    /// shut down" panics, which become [`ReactorError`]s (tokio's panic hook message is
    /// still printed once).
    #[must_use = "futures do nothing unless you poll them"]
    pub struct InTokio<F> {
        #[pin]
        future: Option<F>,
        shared: Arc<ReactorShared>,
    }

    impl<F> PinnedDrop for InTokio<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            // tokio resources deregister from their driver when dropped: do it with the
            // reactor current, like their polls.
            let _entered = this.shared.handle.enter();
            this.future.set(None);
        }
    }
}

impl<F> InTokio<F> {
    pub(crate) fn new(shared: Arc<ReactorShared>, future: F) -> Self {
        InTokio {
            future: Some(future),
            shared,
        }
    }
}

impl<F: Future> Future for InTokio<F> {
    type Output = Result<F::Output, ReactorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let _entered = this.shared.handle.enter();
        if this.shared.is_shut_down() {
            this.future.set(None);
            return Poll::Ready(Err(ReactorError::Shutdown));
        }
        poll_catching(this.future, cx)
    }
}

/// Polls a tokio future, turning tokio's context panics into a [`ReactorError`] (and
/// dropping the future then); `Ready` also drops it, so its resources go at once.
fn poll_catching<F: Future>(
    mut slot: Pin<&mut Option<F>>,
    cx: &mut Context<'_>,
) -> Poll<Result<F::Output, ReactorError>> {
    let future = slot
        .as_mut()
        .as_pin_mut()
        .expect("tokio adapter future polled after it completed");
    match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
        Ok(Poll::Pending) => Poll::Pending,
        Ok(Poll::Ready(output)) => {
            slot.set(None);
            Poll::Ready(Ok(output))
        }
        Err(payload) => match classify_panic(&*payload) {
            Some(error) => {
                wakewire_core::panic::drop_payload(payload);
                slot.set(None);
                Poll::Ready(Err(error))
            }
            None => resume_unwind(payload),
        },
    }
}

pin_project! {
    /// A tokio future that reports a missing reactor as [`ReactorError::NoReactor`]
    /// instead of tokio's panic. Made by [`checked`] or [`TokioFutureExt::checked`].
    ///
    /// Before each poll it asks tokio whether a runtime is current on this thread
    /// (`Handle::try_current`): inside a tokio runtime, or inside an [`InTokio`], the
    /// future is polled as usual; anywhere else it resolves to `Err(NoReactor)` without
    /// being polled, and is dropped.
    ///
    /// # Wakeups
    ///
    /// Those of the inner future.
    #[must_use = "futures do nothing unless you poll them"]
    pub struct Checked<F> {
        #[pin]
        future: Option<F>,
    }
}

/// Wraps a tokio future so that polling it without tokio's reactor gives
/// `Err(ReactorError::NoReactor)` with a message saying what to do, not a panic from
/// deep inside tokio.
///
/// ```
/// use wakewire_adapter_tokio::{checked, ReactorError};
///
/// // No reactor anywhere: tokio would panic; the checked future reports it.
/// let connect = checked(tokio::net::TcpStream::connect("127.0.0.1:9"));
/// let result = wakewire_core::block_on(connect);
/// assert_eq!(result.unwrap_err(), ReactorError::NoReactor);
/// ```
pub fn checked<F: Future>(future: F) -> Checked<F> {
    Checked {
        future: Some(future),
    }
}

impl<F: Future> Future for Checked<F> {
    type Output = Result<F::Output, ReactorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if Handle::try_current().is_err() {
            this.future.set(None);
            return Poll::Ready(Err(ReactorError::NoReactor));
        }
        poll_catching(this.future.as_mut(), cx)
    }
}

/// Adapter methods on every future, for tokio futures polled by other executors.
pub trait TokioFutureExt: Future + Sized {
    /// Binds the future to `reactor`; the same as `reactor.wrap(self)`.
    fn in_tokio(self, reactor: &TokioReactorHandle) -> InTokio<Self> {
        reactor.wrap(self)
    }

    /// Reports a missing reactor as an error; the same as [`checked(self)`](checked).
    fn checked(self) -> Checked<Self> {
        checked(self)
    }
}

impl<F: Future> TokioFutureExt for F {}

impl<F> std::fmt::Debug for InTokio<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InTokio")
            .field("done", &self.future.is_none())
            .field("shut_down", &self.shared.is_shut_down())
            .finish()
    }
}

impl<F> std::fmt::Debug for Checked<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checked")
            .field("done", &self.future.is_none())
            .finish()
    }
}
