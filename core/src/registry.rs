//! [`TaskRegistry`]: the live tasks no queue holds, so an executor's shutdown can find them.
//!
//! At any moment a task's one [`Runnable`](crate::task::Runnable) is in a run queue, in the
//! hands of the thread polling it, or nowhere: the task returned `Pending` and only its
//! waker, held by some reactor, can bring it back. An executor that shuts down drains its
//! queues, but a task of the third kind would outlive it, its future never dropped. So the
//! executor keeps a copy of the waker of every such task here; shutdown
//! [`close`](TaskRegistry::close)s the registry, wakes each copy (the task is scheduled, so
//! its `Runnable` lands in a queue) and drops what its queues yield until the registry is
//! empty.
//!
//! ```text
//!   (1) register    the task's waker goes in (at spawn, or at its first Pending), unless the
//!                   registry is closed: then the caller gets its closure back, uncalled
//!   (2) unregister  when the task's future is dropped (finished, cancelled, shut down); the
//!                   waker is handed back to be dropped after the lock is released
//!   (3) close       shutdown: refuse every later (1), take a copy of every waker
//! ```
//!
//! Closing shard by shard is enough: a `register` on a shard either ran before that shard
//! was closed (and `close` returns its waker) or sees it closed. The registry is sharded so
//! registrations on different threads of a multi-threaded executor do not contend; each
//! shard is a small mutex-protected slab.
//!
//! ```
//! use wakewire_core::registry::TaskRegistry;
//! use wakewire_core::waker::counting_waker;
//!
//! let registry = TaskRegistry::new(1);
//! let (waker, wakes) = counting_waker();
//! let key = registry.register(0, |key| (key, waker.clone())).ok().unwrap();
//! assert_eq!(registry.len(), 1);
//!
//! for waker in registry.close() {
//!     waker.wake(); // shutdown: the task is queued again, for the executor to drop
//! }
//! assert_eq!(wakes.wakes(), 1);
//! assert!(registry.register(0, |key| (key, waker.clone())).is_err()); // closed
//!
//! drop(registry.unregister(key)); // the task's future was dropped
//! assert!(registry.is_empty());
//! ```

use std::fmt;
use std::sync::PoisonError;
use std::task::Waker;

use slab::Slab;

use crate::sync::{Mutex, MutexGuard};

/// Where a task's entry lives, for [`TaskRegistry::unregister`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistryKey {
    shard: usize,
    slot: usize,
}

/// The live-task registry; see the [module docs](self).
pub struct TaskRegistry {
    shards: Box<[Padded<Mutex<Shard>>]>,
}

#[derive(Default)]
struct Shard {
    wakers: Slab<Waker>,
    closed: bool,
}

/// Keeps each shard on its own cache lines, so threads working on different shards do not
/// contend for one line (128 bytes: two lines, as adjacent-line prefetchers fetch pairs).
#[repr(align(128))]
struct Padded<T>(T);

impl TaskRegistry {
    /// A registry with at least `shards` shards (rounded up to a power of two, so picking
    /// a shard is a mask, not a division). A single-threaded executor wants one; a pool
    /// about two per worker.
    pub fn new(shards: usize) -> Self {
        TaskRegistry {
            shards: (0..shards.max(1).next_power_of_two())
                .map(|_| Padded(Mutex::new(Shard::default())))
                .collect(),
        }
    }

    fn shard(&self, index: usize) -> MutexGuard<'_, Shard> {
        // The lock only guards slab edits that cannot panic halfway; a poisoned lock still
        // holds a consistent slab.
        self.shards[index]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// (1) Registers a task, in the shard `shard_hint` picks (any number: it is masked).
    /// `make` runs under the shard's lock: it receives the task's key and returns what the
    /// caller keeps plus the task's waker. It may create the task itself, so that a closed
    /// registry refuses the task before it exists.
    ///
    /// # Errors
    ///
    /// Returns `make` back, uncalled, if the registry is closed: the caller then drops what
    /// it captured (the future) after the lock is released.
    pub fn register<T, M>(&self, shard_hint: usize, make: M) -> Result<T, M>
    where
        M: FnOnce(RegistryKey) -> (T, Waker),
    {
        let shard = shard_hint & (self.shards.len() - 1);
        let mut guard = self.shard(shard);
        if guard.closed {
            return Err(make);
        }
        let entry = guard.wakers.vacant_entry();
        let key = RegistryKey {
            shard,
            slot: entry.key(),
        };
        let (kept, waker) = make(key);
        entry.insert(waker);
        Ok(kept)
    }

    /// (2) Removes a task's entry and returns its waker, for the caller to drop after this
    /// returns: dropping a task's waker may re-enter the executor's scheduler, which must
    /// not find the lock held.
    #[must_use = "drop the waker after the call, not inside it"]
    pub fn unregister(&self, key: RegistryKey) -> Option<Waker> {
        self.shard(key.shard).wakers.try_remove(key.slot)
    }

    /// (3) Refuses every later [`register`](Self::register) and returns a copy of every
    /// registered waker. Calling it again returns the wakers registered since (none, once
    /// closed) plus those still registered.
    pub fn close(&self) -> Vec<Waker> {
        let mut wakers = Vec::new();
        for index in 0..self.shards.len() {
            let mut shard = self.shard(index);
            shard.closed = true;
            wakers.extend(shard.wakers.iter().map(|(_, waker)| waker.clone()));
        }
        wakers
    }

    /// The number of registered tasks (exact once no thread registers or unregisters).
    pub fn len(&self) -> usize {
        (0..self.shards.len())
            .map(|index| self.shard(index).wakers.len())
            .sum()
    }

    /// Whether no task is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for TaskRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskRegistry")
            .field("shards", &self.shards.len())
            .field("live", &self.len())
            .finish()
    }
}
