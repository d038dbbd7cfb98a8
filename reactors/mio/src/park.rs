//! [`ReactorPark`]: an idle executor thread turns the reactor.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::{Park, Unpark};

use crate::handle::Handle;
use crate::reactor::{Reactor, Shared};

/// A [`Park`] that waits in the reactor's selector: `park` is a turn with no timeout,
/// `park_timeout` a turn with that timeout, and [`ReactorUnpark`] wakes it through the
/// reactor's `mio::Waker` (an eventfd write).
///
/// It is the bottom layer of a park stack: it blocks in `epoll_wait`, so it cannot also
/// block in another park. Layers that only compute timeouts (a timer) stack *above* it.
///
/// ```
/// use wakewire_core::BlockOn;
/// use wakewire_executor_local::LocalExecutor;
/// use wakewire_reactor_mio::{Reactor, UdpSocket};
///
/// let reactor = Reactor::new()?;
/// let handle = reactor.handle();
/// let ex = LocalExecutor::with_park(reactor.park());
/// ex.block_on(async {
///     let a = UdpSocket::bind_with("127.0.0.1:0".parse().unwrap(), &handle)?;
///     let b = UdpSocket::bind_with("127.0.0.1:0".parse().unwrap(), &handle)?;
///     a.send_to(b"ping", b.local_addr()?).await?;
///     let mut buf = [0; 8];
///     let (n, from) = b.recv_from(&mut buf).await?; // the executor's idle thread turned the reactor
///     assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct ReactorPark {
    reactor: Reactor,
}

impl ReactorPark {
    pub(crate) fn new(reactor: Reactor) -> Self {
        ReactorPark { reactor }
    }

    /// A handle of the parked reactor.
    pub fn handle(&self) -> Handle {
        self.reactor.handle()
    }

    /// The reactor itself (to turn it by hand, or drop it through the park).
    pub fn reactor(&mut self) -> &mut Reactor {
        &mut self.reactor
    }
}

impl fmt::Debug for ReactorPark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReactorPark")
            .field("reactor", &self.reactor)
            .finish()
    }
}

impl Park for ReactorPark {
    type Unpark = ReactorUnpark;

    fn unparker(&self) -> ReactorUnpark {
        ReactorUnpark {
            shared: Arc::clone(self.reactor.handle().shared()),
        }
    }

    fn park(&mut self) -> io::Result<()> {
        self.reactor.turn(None).map(drop)
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.reactor.turn(Some(timeout)).map(drop)
    }
}

/// Wakes a [`ReactorPark`] from any thread.
#[derive(Clone)]
pub struct ReactorUnpark {
    shared: Arc<Shared>,
}

impl fmt::Debug for ReactorUnpark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReactorUnpark").finish_non_exhaustive()
    }
}

impl Unpark for ReactorUnpark {
    fn unpark(&self) {
        self.shared.unpark();
    }
}
