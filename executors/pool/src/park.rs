//! The worker's park with its type erased, so `Pool` is one type whatever park it uses.

use std::io;
use std::time::Duration;

use wakewire_core::Park;

/// A [`Park`] behind a box: only the blocking calls the worker loop needs.
pub(crate) trait DynPark: Send {
    fn park(&mut self) -> io::Result<()>;
    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()>;
}

impl<P: Park + Send> DynPark for P {
    fn park(&mut self) -> io::Result<()> {
        Park::park(self)
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        Park::park_timeout(self, timeout)
    }
}
