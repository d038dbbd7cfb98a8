//! [`Handle`]: how sources find their reactor, and the lazily started global reactor.

use std::fmt;
use std::io;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::Duration;

use mio::event::Source;
use mio::Interest;

use crate::reactor::{Reactor, ReactorMetrics, Shared};
use crate::registration::Registration;

/// A cheap, `Send + Sync` reference to a [`Reactor`], used to register sources with it.
///
/// Every I/O type has a constructor taking a handle (`*_with`); the plain constructors use
/// [`Handle::global`].
///
/// A handle keeps the reactor's registry (a duplicate of its epoll descriptor) and its
/// wake eventfd open until the last handle is dropped, even after the [`Reactor`] itself
/// is gone; registering through it then fails with
/// [`ReactorShutdown`](crate::ReactorShutdown).
#[derive(Clone)]
pub struct Handle {
    shared: Arc<Shared>,
}

static GLOBAL: OnceLock<Handle> = OnceLock::new();
static GLOBAL_INIT: Mutex<()> = Mutex::new(());

impl Handle {
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Handle {
        Handle { shared }
    }

    /// The process-wide default reactor, started on its own thread on first use.
    ///
    /// That thread (`wakewire-mio`) turns the reactor forever, so I/O types created
    /// through this handle make progress under any executor, with no setup.
    ///
    /// # Errors
    ///
    /// Creating the reactor or its thread failed (for example no file descriptor left);
    /// the next call tries again.
    pub fn global() -> io::Result<Handle> {
        if let Some(handle) = GLOBAL.get() {
            return Ok(handle.clone());
        }
        // One initializer at a time, so two racing first uses start one thread.
        let _init = GLOBAL_INIT.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(handle) = GLOBAL.get() {
            return Ok(handle.clone());
        }
        let mut reactor = Reactor::new()?;
        let handle = reactor.handle();
        thread::Builder::new()
            .name("wakewire-mio".into())
            .spawn(move || loop {
                if let Err(err) = reactor.turn(None) {
                    // epoll_wait only fails on EINTR (handled in `turn`) or a broken
                    // epoll fd; back off rather than spin.
                    eprintln!("wakewire-mio: reactor turn failed: {err}");
                    thread::sleep(Duration::from_millis(10));
                }
            })?;
        Ok(GLOBAL.get_or_init(|| handle).clone())
    }

    /// Registers `source` for `interest`; its events reach the returned [`Registration`].
    ///
    /// Most code never calls this: the I/O types and [`Async`](crate::Async) do.
    ///
    /// # Errors
    ///
    /// - `AlreadyExists` if the same file descriptor is already registered with this
    ///   reactor (the first registration keeps working);
    /// - [`ReactorShutdown`](crate::ReactorShutdown) if the reactor was dropped;
    /// - any other error of `epoll_ctl`.
    pub fn register<S: Source + ?Sized>(
        &self,
        source: &mut S,
        interest: Interest,
    ) -> io::Result<Registration> {
        Registration::new(self.clone(), source, interest)
    }

    /// The reactor's counters.
    pub fn metrics(&self) -> ReactorMetrics {
        self.shared.metrics()
    }

    /// Makes the reactor's current or next blocking turn return.
    pub fn unpark(&self) {
        self.shared.unpark();
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("metrics", &self.shared.metrics())
            .finish()
    }
}
