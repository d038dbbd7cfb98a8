//! [`Handle`]: a reference to a reactor, through which sources register with it.

use std::fmt;
use std::sync::Arc;

use crate::metrics::ReactorMetrics;
use crate::reactor_state::ReactorState;

/// A cheap, `Send + Sync` reference to a [`Reactor`](crate::Reactor), used to register
/// sources with it.
///
/// Every I/O type has a constructor taking a handle (`*_with`); the plain constructors use
/// [`Handle::current`]: the reactor the executor of this thread drives (its park made it
/// current), or else [`Handle::global`], a reactor on its own thread.
///
/// A handle keeps the reactor's registry (a duplicate of its epoll descriptor) and its
/// wake eventfd open until the last handle is dropped, even after the `Reactor` itself
/// is gone; registering through it then fails with
/// [`ReactorShutdown`](crate::ReactorShutdown).
///
/// Two handles are equal when they refer to the same reactor.
#[derive(Clone)]
pub struct Handle {
    state: Arc<ReactorState>,
}

impl Handle {
    pub(crate) fn from_state(state: Arc<ReactorState>) -> Handle {
        Handle { state }
    }

    pub(crate) fn state(&self) -> &Arc<ReactorState> {
        &self.state
    }

    /// The reactor's counters.
    pub fn metrics(&self) -> ReactorMetrics {
        self.state.metrics()
    }

    /// Makes the reactor's current or next blocking turn return.
    pub fn unpark(&self) {
        self.state.unpark();
    }
}

impl PartialEq for Handle {
    fn eq(&self, other: &Handle) -> bool {
        Arc::ptr_eq(&self.state, &other.state)
    }
}

impl Eq for Handle {}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("metrics", &self.state.metrics())
            .finish()
    }
}
