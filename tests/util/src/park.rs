//! A park for stepping park layers by hand.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::{Park, Unpark};

/// A [`Park`] that never blocks and records what it was asked: for stepping a reactor's
/// park layer (a `TimerPark` over it) by hand and checking how it parks the layer below.
///
/// ```
/// use std::time::Duration;
/// use wakewire_core::{Park, Unpark};
/// use wakewire_test_util::RecordingPark;
///
/// let mut park = RecordingPark::default();
/// park.park_timeout(Duration::from_millis(5)).unwrap();
/// park.unparker().unpark();
/// assert_eq!(park.timeouts, [Duration::from_millis(5)]);
/// assert_eq!(park.unparks.count(), 1);
/// ```
#[derive(Debug, Default)]
pub struct RecordingPark {
    /// Calls of `park`.
    pub parks: usize,
    /// The timeouts of `park_timeout` calls, in order.
    pub timeouts: Vec<Duration>,
    /// Counts the unparks of every unparker handed out.
    pub unparks: CountingUnpark,
}

/// An [`Unpark`] that counts its calls. Clones share the count.
#[derive(Debug, Default, Clone)]
pub struct CountingUnpark(pub Arc<AtomicUsize>);

impl CountingUnpark {
    /// Unparks so far.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Unpark for CountingUnpark {
    fn unpark(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Park for RecordingPark {
    type Unpark = CountingUnpark;

    fn unparker(&self) -> CountingUnpark {
        self.unparks.clone()
    }

    fn park(&mut self) -> io::Result<()> {
        self.parks += 1;
        Ok(())
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.timeouts.push(timeout);
        Ok(())
    }
}
