//! [`BlockingError`]: why a blocking job gave no value.

use std::any::Any;
use std::error::Error;
use std::fmt;

/// Why a [`BlockingJob`](crate::BlockingJob) resolved without the closure's value.
///
/// Two reasons, mirroring the core [`JoinError`](wakewire_core::JoinError):
///
/// - the closure **panicked**: the payload is kept, for [`std::panic::resume_unwind`] or
///   inspection;
/// - the pool **shut down** before the job started: the closure was dropped, never run.
pub struct BlockingError {
    repr: Repr,
}

enum Repr {
    /// `None` only once the payload was handed out (`try_into_panic`).
    Panicked(Option<Box<dyn Any + Send + 'static>>),
    Shutdown,
}

impl BlockingError {
    pub(crate) fn panicked(payload: Box<dyn Any + Send + 'static>) -> Self {
        BlockingError {
            repr: Repr::Panicked(Some(payload)),
        }
    }

    pub(crate) fn shutdown() -> Self {
        BlockingError {
            repr: Repr::Shutdown,
        }
    }

    /// Whether the closure panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panicked(_))
    }

    /// Whether the pool shut down (or was already shut down) before the job started, so the
    /// closure never ran.
    pub fn is_shutdown(&self) -> bool {
        matches!(self.repr, Repr::Shutdown)
    }

    /// The panic message, when the payload is a string (as with `panic!("...")`).
    pub fn panic_message(&self) -> Option<&str> {
        match &self.repr {
            Repr::Panicked(payload) => payload
                .as_deref()
                .and_then(wakewire_core::panic::payload_message),
            Repr::Shutdown => None,
        }
    }

    /// The panic payload, or the error back if the job was refused by a shut-down pool.
    ///
    /// # Errors
    ///
    /// Returns `Err(self)` when [`is_shutdown`](Self::is_shutdown) is true.
    pub fn try_into_panic(mut self) -> Result<Box<dyn Any + Send + 'static>, BlockingError> {
        match &mut self.repr {
            Repr::Panicked(payload) => Ok(payload.take().expect("the payload is handed out once")),
            Repr::Shutdown => Err(self),
        }
    }

    /// The panic payload.
    ///
    /// # Panics
    ///
    /// Panics if the error is a shutdown; use [`try_into_panic`](Self::try_into_panic) to
    /// find out without panicking.
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("BlockingError::into_panic called on a shutdown error")
    }
}

impl Drop for BlockingError {
    /// A panic payload is user data whose own `Drop` may panic, and a `BlockingError` is
    /// often dropped where unwinding must not happen (a pool thread, a future's `Drop`), so
    /// the payload is disposed of with [`drop_payload`](wakewire_core::panic::drop_payload),
    /// which contains such a second panic.
    fn drop(&mut self) {
        if let Repr::Panicked(payload) = &mut self.repr {
            if let Some(payload) = payload.take() {
                wakewire_core::panic::drop_payload(payload);
            }
        }
    }
}

impl fmt::Debug for BlockingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Panicked(_) => write!(f, "BlockingError::Panicked({:?})", self.panic_message()),
            Repr::Shutdown => f.write_str("BlockingError::Shutdown"),
        }
    }
}

impl fmt::Display for BlockingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Panicked(_) => match self.panic_message() {
                Some(message) => write!(f, "the blocking closure panicked: {message}"),
                None => f.write_str("the blocking closure panicked"),
            },
            Repr::Shutdown => f.write_str(
                "the blocking pool shut down before the job started; the closure was dropped without running",
            ),
        }
    }
}

impl Error for BlockingError {}
