//! The timer's error values.

use std::error::Error;
use std::fmt;

/// Why a timer future could not wait for its deadline.
///
/// Returned by [`Sleep::checked`](crate::Sleep::checked),
/// [`Interval::tick`](crate::Interval::tick) and friends. The default (global) timer never
/// shuts down, so this only comes from explicit timers ([`TimerThread`](crate::TimerThread),
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
