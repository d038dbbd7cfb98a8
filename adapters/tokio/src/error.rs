//! [`ReactorError`]: why a tokio leaf future could not run, as a value instead of tokio's panic.

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::io;

/// Why a wrapped tokio future resolved without its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReactorError {
    /// The future was polled where no tokio reactor is reachable: it was not wrapped by a
    /// [`TokioReactor`](crate::TokioReactor), and the thread is not inside a tokio runtime.
    NoReactor,
    /// The [`TokioReactor`](crate::TokioReactor) the future waits on was shut down.
    Shutdown,
}

impl fmt::Display for ReactorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReactorError::NoReactor => f.write_str(
                "a tokio leaf future was polled without tokio's reactor: create a \
                 `TokioReactor` and wrap the future with `reactor.wrap(future)`",
            ),
            ReactorError::Shutdown => {
                f.write_str("the TokioReactor this future waits on was shut down")
            }
        }
    }
}

impl Error for ReactorError {}

impl From<ReactorError> for io::Error {
    fn from(error: ReactorError) -> io::Error {
        io::Error::other(error)
    }
}

/// Recognises tokio's "no runtime" and "runtime shut down" panics (tokio 1.x messages), so
/// the wrappers can turn them into a [`ReactorError`]. Any other panic is not ours to eat.
pub(crate) fn classify_panic(payload: &(dyn Any + Send)) -> Option<ReactorError> {
    let message = wakewire_core::panic::payload_message(payload)?;
    if message.contains("must be called from the context of a Tokio 1.x runtime")
        || message.contains("Tokio context thread-local variable has been destroyed")
        || message.contains("but IO is disabled")
        || message.contains("but timers are disabled")
    {
        Some(ReactorError::NoReactor)
    } else if message.contains("Tokio 1.x context was found, but it is being shutdown")
        || message.starts_with("timer error")
    {
        Some(ReactorError::Shutdown)
    } else {
        None
    }
}
