//! [`TokioReactor`]: tokio's I/O and time drivers, owned by you, running on a thread you see.

use std::fmt;
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use tokio::runtime::{Builder, EnterGuard, Handle, Runtime};
use tokio::sync::oneshot;

use crate::wrap::InTokio;

/// What the reactor's handles share: tokio's runtime handle and whether it was shut down.
pub(crate) struct ReactorShared {
    pub(crate) handle: Handle,
    shut_down: AtomicBool,
}

impl ReactorShared {
    pub(crate) fn is_shut_down(&self) -> bool {
        // Acquire pairs with the Release in `mark_shut_down`, which comes before the
        // runtime drops and wakes every waiter: a woken future sees the flag.
        self.shut_down.load(Ordering::Acquire)
    }

    fn mark_shut_down(&self) {
        self.shut_down.store(true, Ordering::Release);
    }
}

/// tokio's reactor (its I/O driver and its timer) as a Wakewire reactor: you create it,
/// you choose the thread that drives it, you shut it down.
///
/// tokio's leaf futures (`tokio::net`, `tokio::time`) find their reactor through a
/// thread-local "current runtime" that only tokio's own threads have. A `TokioReactor` is a
/// `current_thread` runtime with I/O and time enabled, parked in its driver on one thread
/// and running no tasks; [`wrap`](TokioReactorHandle::wrap) makes it current around each
/// poll of a tokio future, so the future registers with it, and the driver thread wakes
/// the task's waker when the event comes, under whatever executor polls the task.
///
/// ```
/// use std::time::Duration;
/// use wakewire_adapter_tokio::TokioReactor;
///
/// let reactor = TokioReactor::on_own_thread().unwrap();
/// let nap = reactor.wrap(async { tokio::time::sleep(Duration::from_millis(1)).await });
/// // Any executor: here core's plain block_on.
/// assert_eq!(wakewire_core::block_on(nap), Ok(()));
/// reactor.shutdown();
/// ```
///
/// # Shutdown
///
/// [`shutdown`](Self::shutdown) (or dropping the reactor) stops the driver: every future
/// waiting on it is woken and resolves with [`ReactorError::Shutdown`](crate::ReactorError)
/// (a [`TokioSleep`](crate::TokioSleep) completes instead, like Wakewire's own timer), and
/// so does every wrapped future polled later. Nothing waits forever.
pub struct TokioReactor {
    handle: TokioReactorHandle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

/// The part of a [`TokioReactor`] that turns its drivers: run it on the thread of your
/// choice with [`run`](Self::run).
#[must_use = "the reactor does nothing until its driver runs"]
pub struct TokioDriver {
    runtime: Runtime,
    stop: oneshot::Receiver<()>,
    shared: Arc<ReactorShared>,
}

/// A cheap, cloneable, `Send + Sync` handle to a [`TokioReactor`]: wraps tokio futures and
/// makes sleeps. It does not keep the reactor running.
#[derive(Clone)]
pub struct TokioReactorHandle {
    pub(crate) shared: Arc<ReactorShared>,
}

impl TokioReactor {
    /// A reactor and its driver, for you to run: nothing is driven until some thread calls
    /// [`TokioDriver::run`].
    ///
    /// ```
    /// use std::thread;
    /// use wakewire_adapter_tokio::TokioReactor;
    /// use wakewire_core::Timer;
    ///
    /// let (reactor, driver) = TokioReactor::new().unwrap();
    /// let driving = thread::spawn(move || driver.run());
    /// let nap = reactor.sleep(std::time::Duration::from_millis(1));
    /// wakewire_core::block_on(nap);
    /// reactor.shutdown(); // tells the driver to stop ...
    /// driving.join().unwrap(); // ... which it does after waking every waiter
    /// ```
    ///
    /// # Errors
    ///
    /// The error of building tokio's runtime (creating its epoll instance and wakeup fd).
    pub fn new() -> io::Result<(TokioReactor, TokioDriver)> {
        let runtime = Builder::new_current_thread().enable_all().build()?;
        let shared = Arc::new(ReactorShared {
            handle: runtime.handle().clone(),
            shut_down: AtomicBool::new(false),
        });
        let (stop_tx, stop_rx) = oneshot::channel();
        let reactor = TokioReactor {
            handle: TokioReactorHandle {
                shared: Arc::clone(&shared),
            },
            stop: Some(stop_tx),
            thread: None,
        };
        let driver = TokioDriver {
            runtime,
            stop: stop_rx,
            shared,
        };
        Ok((reactor, driver))
    }

    /// A reactor driven by a thread of its own, `wakewire-tokio-reactor`, which
    /// [`shutdown`](Self::shutdown) stops and joins.
    ///
    /// # Errors
    ///
    /// The error of building tokio's runtime or of starting the thread.
    pub fn on_own_thread() -> io::Result<TokioReactor> {
        let (mut reactor, driver) = TokioReactor::new()?;
        let thread = thread::Builder::new()
            .name("wakewire-tokio-reactor".into())
            .spawn(move || driver.run())?;
        reactor.thread = Some(thread);
        Ok(reactor)
    }

    /// A handle to wrap futures and make sleeps from anywhere.
    pub fn handle(&self) -> TokioReactorHandle {
        self.handle.clone()
    }

    /// Stops the driver. Every future waiting on this reactor is woken and resolves with
    /// [`ReactorError::Shutdown`](crate::ReactorError). With
    /// [`on_own_thread`](Self::on_own_thread), returns once the driver thread has exited;
    /// with [`new`](Self::new), tells your driver thread to stop and returns.
    pub fn shutdown(mut self) {
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        // First the flag, then the stop: futures the driver wakes on its way out see it.
        self.handle.shared.mark_shut_down();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The driver thread runs no user code, so it does not panic; if it did, the
            // reactor is gone either way.
            let _ = thread.join();
        }
    }
}

impl std::ops::Deref for TokioReactor {
    type Target = TokioReactorHandle;

    fn deref(&self) -> &TokioReactorHandle {
        &self.handle
    }
}

impl Drop for TokioReactor {
    fn drop(&mut self) {
        self.stop_driver();
    }
}

impl fmt::Debug for TokioReactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokioReactor")
            .field("shut_down", &self.handle.is_shut_down())
            .field("own_thread", &self.thread.is_some())
            .finish()
    }
}

impl TokioDriver {
    /// Turns the reactor on the calling thread until [`TokioReactor::shutdown`] (or the
    /// reactor is dropped), then shuts tokio's drivers down, which wakes every waiter.
    pub fn run(self) {
        let TokioDriver {
            runtime,
            stop,
            shared,
        } = self;
        // A current_thread runtime blocked here waits in its driver: epoll and the timer
        // wheel turn, and wake the wakers that wrapped futures registered.
        runtime.block_on(async {
            let _ = stop.await;
        });
        shared.mark_shut_down();
        drop(runtime);
    }
}

impl fmt::Debug for TokioDriver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokioDriver").finish_non_exhaustive()
    }
}

impl TokioReactorHandle {
    /// Wraps a tokio future so it runs under any executor: tokio's context is entered
    /// around each poll (and the drop) of `future`. See [`InTokio`].
    pub fn wrap<F: Future>(&self, future: F) -> InTokio<F> {
        InTokio::new(Arc::clone(&self.shared), future)
    }

    /// Makes this reactor current on this thread until the guard drops, for tokio
    /// constructors that need it when called (`UdpSocket::from_std`,
    /// `tokio::time::sleep`).
    pub fn enter(&self) -> EnterGuard<'_> {
        self.shared.handle.enter()
    }

    /// Calls `make` with this reactor current, then wraps the future it returns.
    ///
    /// ```
    /// use std::time::Duration;
    /// use wakewire_adapter_tokio::TokioReactor;
    ///
    /// let reactor = TokioReactor::on_own_thread().unwrap();
    /// // `tokio::time::sleep` needs the reactor already when called:
    /// let nap = reactor.wrap_with(|| tokio::time::sleep(Duration::from_millis(1)));
    /// assert!(wakewire_core::block_on(nap).is_ok());
    /// ```
    pub fn wrap_with<F: Future>(&self, make: impl FnOnce() -> F) -> InTokio<F> {
        let future = {
            let _entered = self.enter();
            make()
        };
        self.wrap(future)
    }

    /// Whether the reactor was shut down.
    pub fn is_shut_down(&self) -> bool {
        self.shared.is_shut_down()
    }

    /// tokio's own runtime handle, for APIs that take one.
    pub fn tokio_handle(&self) -> &Handle {
        &self.shared.handle
    }
}

impl fmt::Debug for TokioReactorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokioReactorHandle")
            .field("shut_down", &self.is_shut_down())
            .finish()
    }
}
