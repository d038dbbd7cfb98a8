//! A private socket reactor on a thread of its own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use wakewire_reactor_mio::{Handle, Reactor};

/// A Wakewire socket reactor turned by a thread of its own until dropped; dropping it
/// stops the thread and drops the reactor, which wakes every pending future with
/// `ReactorShutdown`.
///
/// ```
/// use wakewire_test_util::MioReactorThread;
///
/// let driver = MioReactorThread::start();
/// let handle = driver.handle();
/// assert_eq!(handle.metrics().registrations, 0);
/// ```
#[derive(Debug)]
pub struct MioReactorThread {
    handle: Handle,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl MioReactorThread {
    /// Starts a new reactor on its own thread.
    ///
    /// # Panics
    ///
    /// When the reactor or its thread cannot be created.
    pub fn start() -> MioReactorThread {
        Self::start_with(Reactor::new().expect("a mio reactor"))
    }

    /// Starts `reactor` on its own thread.
    ///
    /// # Panics
    ///
    /// When the thread cannot be started; on that thread, when a turn fails.
    pub fn start_with(mut reactor: Reactor) -> MioReactorThread {
        let handle = reactor.handle();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("wakewire-mio-reactor".into())
            .spawn(move || {
                while !flag.load(Ordering::Acquire) {
                    if let Err(error) = reactor.turn(None) {
                        panic!("the socket reactor failed to turn: {error}");
                    }
                }
            })
            .expect("cannot start the reactor thread");
        MioReactorThread {
            handle,
            stop,
            thread: Some(thread),
        }
    }

    /// A handle to register sources with the reactor.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }
}

impl Drop for MioReactorThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.handle.unpark();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs the future `test` makes for a private socket reactor on Wakewire's local executor,
/// which drives that reactor through its park, under a 20 s watchdog. For the socket
/// reactor's own tests of its semantics; every executor and both drive modes are the
/// matrix's job.
///
/// # Panics
///
/// When the reactor cannot be created.
pub fn run_with_mio_reactor<F: std::future::Future>(test: impl FnOnce(Handle) -> F) -> F::Output {
    use wakewire_core::BlockOn;
    let _watchdog = crate::watchdog(
        "a test on a private socket reactor",
        std::time::Duration::from_secs(20),
    );
    let reactor = Reactor::new().expect("a mio reactor");
    let handle = reactor.handle();
    let ex = wakewire_executor_local::LocalExecutor::with_park(reactor.park());
    BlockOn::block_on(&ex, test(handle))
}
