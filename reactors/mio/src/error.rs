//! The typed errors this crate puts inside `io::Error`.
//!
//! Every fallible operation returns `std::io::Result`, so the error plugs into `?` next to
//! the operating system's own. The reactor's own conditions carry one of these types as the
//! payload: test for them with [`is_shutdown`] or `err.get_ref()` and `downcast_ref`.

use std::error::Error;
use std::fmt;
use std::io;

/// The reactor that owns a registration was dropped: nothing can wake its futures any more.
///
/// Every pending leaf future of that reactor is woken and resolves with this error (inside
/// an `io::Error` of kind [`Other`](io::ErrorKind::Other)); new registrations fail with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReactorShutdown;

impl fmt::Display for ReactorShutdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the mio reactor was shut down (dropped); its I/O can no longer make progress")
    }
}

impl Error for ReactorShutdown {}

/// Whether `err` says the reactor was shut down (see [`ReactorShutdown`]).
pub fn is_shutdown(err: &io::Error) -> bool {
    err.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<ReactorShutdown>().is_some())
}

pub(crate) fn shutdown_error() -> io::Error {
    io::Error::other(ReactorShutdown)
}

pub(crate) fn not_registered(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("{what}: the source is not registered with this reactor"),
    )
}
