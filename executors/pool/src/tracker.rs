//! The registry of live tasks, so shutdown can find and drop futures that wait in a reactor
//! (no queue holds those).
//!
//! A task registers here the first time its future returns `Pending` (`Registration` in
//! the spawn module): before that its one `Runnable` is in a queue or being polled, and
//! shutdown finds it by draining the queues, so a task that finishes in its first poll
//! never takes a lock here. The registration removes the entry when the future is dropped
//! (finished, cancelled or shut down). The registry is sharded by worker so registrations
//! and drops on different workers do not contend; each shard is a small mutex-protected
//! slab of the tasks' wakers.
//!
//! ```text
//!   (1) track      first Pending: insert the task's waker, unless the shard is closed (then
//!                  Err: the task wakes itself, so it lands on its worker's local queue,
//!                  which that worker drains before it exits)
//!   (2) untrack    the registration, when the future is dropped
//!   (3) close      shutdown: mark every shard closed and take a copy of every waker
//!   then the shutdown sweep wakes each copied waker (its task is scheduled, so its Runnable
//!   lands in a queue) and drops every Runnable it drains, until `is_empty` and no spawn is
//!   in flight (see the spawn gate).
//! ```
//!
//! Closing shard by shard is enough: a `track` on a shard either ran before that shard was
//! closed (and `close` returns its waker) or sees `closed`. `loom_shutdown_vs_spawn_vs_wake`
//! checks that every future is dropped exactly once.
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::task::Waker;

use crossbeam_utils::CachePadded;
use slab::Slab;

use crate::sync::{lock, Mutex};

/// Where a task's entry lives, for [`Tracker::untrack`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackKey {
    shard: usize,
    slot: usize,
}

#[derive(Debug, Default)]
struct Shard {
    wakers: Slab<Waker>,
    closed: bool,
}

/// The live-task registry; see the [module docs](self).
#[derive(Debug)]
pub struct Tracker {
    shards: Box<[CachePadded<Mutex<Shard>>]>,
}

impl Tracker {
    /// A registry with at least `shards` shards (rounded up to a power of two, so picking
    /// a shard is a mask, not a division).
    pub fn new(shards: usize) -> Self {
        Tracker {
            shards: (0..shards.max(1).next_power_of_two())
                .map(|_| CachePadded::new(Mutex::new(Shard::default())))
                .collect(),
        }
    }

    /// (1) Registers a task: `make` receives the task's key and returns what the caller
    /// keeps plus the task's waker.
    ///
    /// # Errors
    ///
    /// Returns `make` back, uncalled, if the registry is closed.
    pub fn track<T, M>(&self, shard_hint: usize, make: M) -> Result<T, M>
    where
        M: FnOnce(TrackKey) -> (T, Waker),
    {
        let shard = shard_hint & (self.shards.len() - 1);
        let mut guard = lock(&self.shards[shard]);
        if guard.closed {
            return Err(make);
        }
        let entry = guard.wakers.vacant_entry();
        let key = TrackKey {
            shard,
            slot: entry.key(),
        };
        let (task, waker) = make(key);
        entry.insert(waker);
        Ok(task)
    }

    /// (2) Removes a task's entry. The waker is returned so the caller drops it after the
    /// lock is released (dropping a waker may re-enter the scheduler).
    pub fn untrack(&self, key: TrackKey) -> Option<Waker> {
        lock(&self.shards[key.shard]).wakers.try_remove(key.slot)
    }

    /// (3) Refuses every later `track` and returns a copy of every live task's waker.
    pub fn close(&self) -> Vec<Waker> {
        let mut wakers = Vec::new();
        for shard in self.shards.iter() {
            let mut shard = lock(shard);
            shard.closed = true;
            wakers.extend(shard.wakers.iter().map(|(_, waker)| waker.clone()));
        }
        wakers
    }

    /// The number of live tasks.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| lock(shard).wakers.len())
            .sum()
    }

    /// Whether no task is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
