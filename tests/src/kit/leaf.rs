//! Reactors as factories of leaf futures: [`LeafSource`], the part of a reactor the
//! generic scenarios are written against; [`Leaf`], one leaf future and the event that
//! completes it; [`Clockwork`], the timer the timeout scenarios use.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::spawn::BoxFuture;
use wakewire_core::timer::DynTimer;

/// A leaf future of some reactor, and the event that completes it.
pub struct Leaf {
    /// The leaf: pending until its event happens, then `Ok`, or `Err` with what went wrong
    /// (the reactor shut down, a socket error). It registers with its reactor when first
    /// polled, and releases the registration when completed or dropped.
    pub future: BoxFuture<Result<(), String>>,
    /// Makes the event happen; callable from any thread. `None` for a reactor whose only
    /// events are deadlines on the real clock: the leaf then completes by itself a few
    /// tens of milliseconds after it was made. Dropping `fire` without calling it may
    /// also complete the leaf (a channel whose sender is dropped): scenarios that need
    /// the leaf to stay pending keep it until the end.
    pub fire: Option<Box<dyn FnOnce() + Send>>,
}

impl Leaf {
    /// A leaf completed by calling `fire`.
    pub fn new(
        future: impl std::future::Future<Output = Result<(), String>> + Send + 'static,
        fire: impl FnOnce() + Send + 'static,
    ) -> Self {
        Leaf {
            future: Box::pin(future),
            fire: Some(Box::new(fire)),
        }
    }

    /// A leaf that completes by itself (a short real-clock deadline).
    pub fn self_firing(
        future: impl std::future::Future<Output = Result<(), String>> + Send + 'static,
    ) -> Self {
        Leaf {
            future: Box::pin(future),
            fire: None,
        }
    }
}

impl fmt::Debug for Leaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Leaf")
            .field("fire", &self.fire.is_some())
            .finish_non_exhaustive()
    }
}

/// Reads how many registrations a reactor holds.
pub type RegistrationCount = Arc<dyn Fn() -> usize + Send + Sync>;

/// A core [`Timer`](wakewire_core::Timer) for the timeout scenarios, and how to make its
/// deadlines pass.
#[derive(Clone)]
pub struct Clockwork {
    /// What the timer is (shown in reports).
    pub name: String,
    /// The timer, type-erased.
    pub timer: Arc<dyn DynTimer + Send + Sync>,
    /// Moves the timer's clock forward (a manual clock; callable from any thread), or
    /// `None` for a real clock, where the scenarios use deadlines tens of milliseconds away.
    pub advance: Option<Arc<dyn Fn(Duration) + Send + Sync>>,
}

impl fmt::Debug for Clockwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clockwork")
            .field("name", &self.name)
            .field("manual", &self.advance.is_some())
            .finish()
    }
}

/// A reactor as a factory of leaf futures: enough for the kit's generic scenarios (the
/// leaf completes; a wake from another thread; only the latest waker is woken; dropping
/// and cancelling release the registration; timeouts through core's `Timer`).
///
/// Implement it for your own reactor and hand it to [`ReactorBuilder::leaves`](crate::ReactorBuilder::leaves) to run
/// those scenarios on every executor of the matrix.
pub trait LeafSource: 'static {
    /// A leaf whose event happens when `fire` is called (or by itself soon; see
    /// [`Leaf::fire`]).
    fn leaf(&self) -> Leaf;

    /// A leaf whose event does not happen while the scenario runs, unless its `fire` is
    /// called (the scenario never does). The default is [`leaf`](Self::leaf); a reactor
    /// whose leaves fire by themselves returns one with a far deadline.
    fn idle_leaf(&self) -> Leaf {
        self.leaf()
    }

    /// How many registrations the reactor holds, for reactors that count them; the
    /// drop and cancel scenarios then check that a released leaf gives its back.
    fn registrations(&self) -> Option<RegistrationCount> {
        None
    }

    /// A future that completes once the reactor has applied what it was asked so far, for
    /// a reactor that releases dropped registrations on its driver's next turn (async-io
    /// does): the release checks await it first. `None` (the default): releases happen in
    /// the drop itself.
    fn settle(&self) -> Option<BoxFuture<()>> {
        None
    }

    /// The timer the timeout scenarios use: the reactor itself when it is a timer; `None`
    /// lets the kit use a Wakewire timer on its own thread with a manual clock.
    fn clockwork(&self) -> Option<Clockwork> {
        None
    }
}
