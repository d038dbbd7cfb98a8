//! [`TracedPark`]: records park, wake-up and unpark around any [`Park`], with no change
//! to the executor that parks in it or to the reactor layers inside it.

use std::fmt;
use std::io;
use std::time::{Duration, Instant};

use wakewire_core::park::ParkContext;
use wakewire_core::{Park, Unpark};

use crate::event::EventKind;
use crate::recorder::Recorder;

/// A [`Park`] layer that records every park (with its timeout), how long it lasted, and
/// every unpark (with the unparking thread) into a [`Recorder`].
///
/// Put it anywhere in a park stack: outermost to see the executor's idle waits, or
/// around one reactor layer to see that layer's turns. Events belong to no task; the
/// renderers draw them in the lane of the thread that parked or unparked.
///
/// ```
/// use wakewire_adapter_trace::{Recorder, TraceExt};
/// use wakewire_core::{BlockOn, ThreadParker};
/// use wakewire_executor_local::LocalExecutor;
///
/// let recorder = Recorder::new();
/// let ex = LocalExecutor::with_park(recorder.traced_park(ThreadParker::new()));
/// ex.block_on(async { 1 }.traced_in(&recorder, "one"));
/// ```
pub struct TracedPark<P: Park> {
    inner: P,
    recorder: Recorder,
    layer: Option<&'static str>,
}

impl<P: Park> TracedPark<P> {
    /// Wraps `inner`, recording into `recorder`.
    pub fn new(inner: P, recorder: Recorder) -> Self {
        TracedPark {
            inner,
            recorder,
            layer: None,
        }
    }

    /// Names this layer in its events, to tell the layers of a park stack apart.
    pub fn layer(mut self, name: &'static str) -> Self {
        self.layer = Some(name);
        self
    }

    /// The wrapped park.
    pub fn get_ref(&self) -> &P {
        &self.inner
    }

    /// The wrapped park, mutably.
    pub fn get_mut(&mut self) -> &mut P {
        &mut self.inner
    }

    /// Unwraps the park.
    pub fn into_inner(self) -> P {
        self.inner
    }

    fn around(
        &mut self,
        timeout: Option<Duration>,
        park: impl FnOnce(&mut P) -> io::Result<()>,
    ) -> io::Result<()> {
        let layer = self.layer;
        self.recorder
            .record(None, EventKind::ParkStart { timeout, layer });
        let started = Instant::now();
        let result = park(&mut self.inner);
        let duration = started.elapsed();
        self.recorder
            .record(None, EventKind::ParkEnd { duration, layer });
        result
    }
}

impl<P: Park> Park for TracedPark<P> {
    type Unpark = TracedUnpark<P::Unpark>;

    fn unparker(&self) -> Self::Unpark {
        TracedUnpark {
            inner: self.inner.unparker(),
            recorder: self.recorder.clone(),
            layer: self.layer,
        }
    }

    fn park(&mut self) -> io::Result<()> {
        self.around(None, |inner| inner.park())
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.around(Some(timeout), |inner| inner.park_timeout(timeout))
    }

    fn context(&self) -> ParkContext {
        self.inner.context()
    }
}

impl<P: Park + fmt::Debug> fmt::Debug for TracedPark<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TracedPark")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

/// The [`Unpark`] of a [`TracedPark`]: records the unpark, then forwards it.
#[derive(Clone)]
pub struct TracedUnpark<U> {
    inner: U,
    recorder: Recorder,
    layer: Option<&'static str>,
}

impl<U: Unpark> Unpark for TracedUnpark<U> {
    fn unpark(&self) {
        let layer = self.layer;
        self.recorder.record(None, EventKind::Unpark { layer });
        self.inner.unpark();
    }
}

impl<U: fmt::Debug> fmt::Debug for TracedUnpark<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TracedUnpark")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}
