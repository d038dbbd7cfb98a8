//! [`BoxPark`] and [`AnyUnpark`]: a [`Park`] and its [`Unpark`] with their types erased.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use crate::park::{Park, ParkContext, Unpark};

/// Any [`Unpark`], type-erased (one `Arc`; cloning it is a reference-count increment).
///
/// ```
/// use wakewire_core::park::AnyUnpark;
/// use wakewire_core::{Park, ThreadParker, Unpark};
///
/// let mut parker = ThreadParker::new();
/// let unpark = AnyUnpark::new(parker.unparker());
/// unpark.unpark();
/// parker.park().unwrap(); // returns at once: the token was kept
/// ```
#[derive(Clone)]
pub struct AnyUnpark {
    inner: Arc<dyn Fn() + Send + Sync>,
}

impl AnyUnpark {
    /// Erases `unpark`'s type.
    pub fn new(unpark: impl Unpark) -> Self {
        AnyUnpark {
            inner: Arc::new(move || unpark.unpark()),
        }
    }
}

impl Unpark for AnyUnpark {
    fn unpark(&self) {
        (self.inner)();
    }
}

impl fmt::Debug for AnyUnpark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyUnpark").finish_non_exhaustive()
    }
}

/// The object-safe form of [`Park`]; every `Park` implements it.
pub trait DynPark {
    /// [`Park::unparker`], type-erased.
    fn unparker_dyn(&self) -> AnyUnpark;
    /// [`Park::park`].
    ///
    /// # Errors
    ///
    /// As [`Park::park`].
    fn park_dyn(&mut self) -> io::Result<()>;
    /// [`Park::park_timeout`].
    ///
    /// # Errors
    ///
    /// As [`Park::park_timeout`].
    fn park_timeout_dyn(&mut self, timeout: Duration) -> io::Result<()>;
    /// [`Park::context`].
    fn context_dyn(&self) -> ParkContext;
}

impl<P: Park + ?Sized> DynPark for P {
    fn unparker_dyn(&self) -> AnyUnpark {
        AnyUnpark::new(self.unparker())
    }

    fn park_dyn(&mut self) -> io::Result<()> {
        self.park()
    }

    fn park_timeout_dyn(&mut self, timeout: Duration) -> io::Result<()> {
        self.park_timeout(timeout)
    }

    fn context_dyn(&self) -> ParkContext {
        self.context()
    }
}

/// Any `Send` [`Park`] in a box, itself a `Park`: for executors that take parks of any
/// type at run time (a pool's workers) and for holding parks in a table.
///
/// ```
/// use std::time::Duration;
/// use wakewire_core::park::BoxPark;
/// use wakewire_core::{Park, ThreadParker};
///
/// let mut parks: Vec<BoxPark> = vec![BoxPark::new(ThreadParker::new())];
/// parks[0].park_timeout(Duration::ZERO).unwrap();
/// ```
pub struct BoxPark {
    inner: Box<dyn DynPark + Send>,
}

impl BoxPark {
    /// Boxes `park`.
    pub fn new(park: impl Park + Send + 'static) -> Self {
        BoxPark {
            inner: Box::new(park),
        }
    }
}

impl Park for BoxPark {
    type Unpark = AnyUnpark;

    fn unparker(&self) -> AnyUnpark {
        self.inner.unparker_dyn()
    }

    fn park(&mut self) -> io::Result<()> {
        self.inner.park_dyn()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.inner.park_timeout_dyn(timeout)
    }

    fn context(&self) -> ParkContext {
        self.inner.context_dyn()
    }
}

impl fmt::Debug for BoxPark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoxPark").finish_non_exhaustive()
    }
}
