//! The current reactor of a thread: what the free constructors (`TcpStream::connect`,
//! `UdpSocket::bind`, `Async::new`, ...) register with.

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::marker::PhantomData;

use crate::handle::Handle;

thread_local! {
    /// The handle [`Handle::set_default`] installed on this thread, if any.
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
}

impl Handle {
    /// The reactor of this thread: the one a [`set_default`](Self::set_default) guard
    /// installed — an executor parked in a [`ReactorPark`](crate::ReactorPark) installs
    /// that park's reactor on its threads through the park's
    /// [context](wakewire_core::Park::context) — or else the [global](Self::global) one.
    ///
    /// ```
    /// use wakewire_core::block_on::Blocker;
    /// use wakewire_core::BlockOn;
    /// use wakewire_reactor_mio::{Handle, Reactor};
    ///
    /// let reactor = Reactor::new()?;
    /// let mine = reactor.handle();
    /// assert_eq!(Handle::current()?, Handle::global()?); // nothing installed here
    /// let current = Blocker::with_park(reactor.park()).block_on(async { Handle::current() })?;
    /// assert_eq!(current, mine); // inside, the park's reactor is current
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`global`](Self::global), when no reactor is installed and the global one could
    /// not be started.
    pub fn current() -> io::Result<Handle> {
        let installed = CURRENT
            .try_with(|current| current.borrow().clone())
            .ok()
            .flatten();
        match installed {
            Some(handle) => Ok(handle),
            None => Handle::global(),
        }
    }

    /// Makes this handle's reactor the [current](Self::current) one on this thread until
    /// the guard is dropped, which restores the previous one. Guards nest; drop them in
    /// the reverse order of creation.
    pub fn set_default(&self) -> DefaultGuard {
        let previous = CURRENT.with(|current| current.replace(Some(self.clone())));
        DefaultGuard {
            previous,
            _not_send: PhantomData,
        }
    }
}

/// Keeps a handle [current](Handle::current) on this thread; see [`Handle::set_default`].
#[must_use = "the handle stops being current when the guard is dropped"]
pub struct DefaultGuard {
    previous: Option<Handle>,
    /// The thread-local is restored on the thread that set it.
    _not_send: PhantomData<*const ()>,
}

impl Drop for DefaultGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // `try_with`: a guard dropped during thread teardown has nothing left to restore.
        let replaced = CURRENT
            .try_with(|current| current.replace(previous))
            .ok()
            .flatten();
        drop(replaced);
    }
}

impl fmt::Debug for DefaultGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultGuard")
            .field("previous", &self.previous)
            .finish()
    }
}
