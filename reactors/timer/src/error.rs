//! The timer's error values.

use std::error::Error;
use std::fmt;

/// Why a timer future could not wait for its deadline.
///
/// Returned by [`Sleep::checked`](crate::Sleep::checked),
/// [`Interval::tick`](crate::Interval::tick) and friends. The default (global) timer never
/// shuts down, so this only comes from explicit timers ([`Timer`](crate::Timer),
/// [`TimerPark`](crate::TimerPark)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimerError {
    /// The timer's driver was dropped: no deadline will fire any more. Pending timers
    /// are woken when that happens and new ones resolve with this error on first poll.
    Shutdown,
}

impl fmt::Display for TimerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimerError::Shutdown => f.write_str("timer driver shut down"),
        }
    }
}

impl Error for TimerError {}

/// The error of a [`Timeout`](crate::Timeout): the deadline came before the future
/// finished, or the timer shut down so the deadline can no longer be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    shutdown: bool,
}

impl Elapsed {
    pub(crate) fn new(shutdown: bool) -> Self {
        Elapsed { shutdown }
    }

    /// Whether the timeout ended because its timer shut down (rather than because the
    /// deadline passed). Either way the inner future did not finish.
    pub fn is_shutdown(&self) -> bool {
        self.shutdown
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.shutdown {
            f.write_str("deadline abandoned: timer driver shut down")
        } else {
            f.write_str("deadline has elapsed")
        }
    }
}

impl Error for Elapsed {}

impl From<TimerError> for Elapsed {
    fn from(TimerError::Shutdown: TimerError) -> Self {
        Elapsed::new(true)
    }
}
