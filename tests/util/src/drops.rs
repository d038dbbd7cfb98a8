//! Counting drops: move a guard into a future, and the counter says when (and how often)
//! the future was dropped.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Counts how many [`DropGuard`]s made from it were dropped. Clones share the count.
///
/// ```
/// use wakewire_test_util::DropCounter;
///
/// let drops = DropCounter::default();
/// let guard = drops.guard();
/// let future = async move {
///     let _guard = guard;
/// };
/// assert_eq!(drops.get(), 0);
/// drop(future);
/// assert_eq!(drops.get(), 1);
/// ```
#[derive(Clone, Debug, Default)]
pub struct DropCounter(Arc<AtomicUsize>);

impl DropCounter {
    /// A guard that counts one drop when it is dropped.
    pub fn guard(&self) -> DropGuard {
        DropGuard(Arc::clone(&self.0))
    }

    /// The drops counted so far.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Adds one to its [`DropCounter`] when dropped.
#[derive(Debug)]
pub struct DropGuard(Arc<AtomicUsize>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}
