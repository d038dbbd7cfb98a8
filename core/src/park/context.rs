//! [`ParkContext`]: what a park makes current on the thread that parks in it.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

type Install = Arc<dyn Fn() -> Box<dyn Any> + Send + Sync>;

/// The reactor handles a [`Park`](crate::Park) wants current on the thread that parks in it.
///
/// A reactor's free constructors (`sleep(d)`, `TcpStream::connect(addr)`) find "their"
/// reactor through a thread-local of the reactor crate, falling back to a global reactor
/// on its own thread. When an executor waits in a reactor's park, that reactor should be
/// the current one on the executor's threads, or the free constructors would quietly use
/// the global reactor instead of the one the executor drives. The executor cannot name the
/// reactor, so the park says what to install: each layer adds an installer (a closure that
/// sets the reactor crate's thread-local and returns its guard), and the executor calls
/// [`enter`](Self::enter) on every thread it runs tasks on.
///
/// ```
/// use std::cell::Cell;
/// use wakewire_core::park::ParkContext;
///
/// thread_local!(static CURRENT: Cell<u32> = const { Cell::new(0) });
///
/// struct Restore(u32);
/// impl Drop for Restore {
///     fn drop(&mut self) {
///         CURRENT.with(|current| current.set(self.0));
///     }
/// }
///
/// let context = ParkContext::new().with(|| Restore(CURRENT.with(|c| c.replace(7))));
/// {
///     let _entered = context.enter();
///     assert_eq!(CURRENT.with(Cell::get), 7); // what a free constructor would see
/// }
/// assert_eq!(CURRENT.with(Cell::get), 0); // restored
/// ```
#[derive(Clone, Default)]
pub struct ParkContext {
    installers: Vec<Install>,
}

impl ParkContext {
    /// A context that installs nothing (a plain thread parker's).
    pub fn new() -> Self {
        ParkContext::default()
    }

    /// Adds an installer: `install` makes something current on the calling thread and
    /// returns a guard that restores the previous state when dropped. Installers run in the
    /// order they were added; their guards are dropped in reverse.
    pub fn with<G: 'static>(mut self, install: impl Fn() -> G + Send + Sync + 'static) -> Self {
        self.installers
            .push(Arc::new(move || Box::new(install()) as Box<dyn Any>));
        self
    }

    /// Whether this context installs nothing.
    pub fn is_empty(&self) -> bool {
        self.installers.is_empty()
    }

    /// Installs everything on the current thread until the guard is dropped.
    pub fn enter(&self) -> ContextGuard {
        ContextGuard {
            guards: self.installers.iter().map(|install| install()).collect(),
            _not_send: PhantomData,
        }
    }
}

impl fmt::Debug for ParkContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParkContext")
            .field("installers", &self.installers.len())
            .finish()
    }
}

/// Keeps a [`ParkContext`] installed on this thread; restores the previous state when
/// dropped.
#[must_use = "the context is uninstalled when the guard is dropped"]
pub struct ContextGuard {
    guards: Vec<Box<dyn Any>>,
    /// Thread-local state is restored on the thread that installed it.
    _not_send: PhantomData<*const ()>,
}

impl Drop for ContextGuard {
    fn drop(&mut self) {
        while let Some(guard) = self.guards.pop() {
            drop(guard);
        }
    }
}

impl fmt::Debug for ContextGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextGuard")
            .field("installed", &self.guards.len())
            .finish()
    }
}
