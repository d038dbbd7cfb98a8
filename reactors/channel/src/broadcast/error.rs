//! Errors of broadcast receivers.

use std::error::Error;
use std::fmt;

/// Why a broadcast receive returned no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecvError {
    /// The receiver fell behind and this many values were overwritten before it read them.
    /// The next receive returns the oldest value still retained.
    Lagged(u64),
    /// Every sender is gone and this receiver read every retained value.
    Closed,
}

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecvError::Lagged(missed) => {
                write!(f, "receiver lagged behind and missed {missed} values")
            }
            RecvError::Closed => f.write_str("receiving on a closed and drained broadcast channel"),
        }
    }
}

impl Error for RecvError {}

/// Why a broadcast `try_recv` returned no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// No new value yet; senders remain.
    Empty,
    /// As [`RecvError::Lagged`].
    Lagged(u64),
    /// As [`RecvError::Closed`].
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("no new value in the broadcast channel"),
            TryRecvError::Lagged(missed) => RecvError::Lagged(*missed).fmt(f),
            TryRecvError::Closed => RecvError::Closed.fmt(f),
        }
    }
}

impl Error for TryRecvError {}
