//! Where a worker's tasks wait, and how tasks move between the worker's LIFO slot, its
//! local run queue, the pool's injector and the other workers' queues.
//!
//! The queues themselves are crossbeam-deque's (`Worker`, `Stealer`, `Injector`). The code
//! here is generic over them (through the traits below, gathered per pool in
//! [`Deques`](crate::deques::Deques)) so that the loom models run it over loom-visible
//! stand-ins: loom cannot see crossbeam's atomics.
//!
//! ```text
//!   (1) schedule     a woken task: into the LIFO slot when the task being polled woke it
//!                    (the slot's previous occupant moves to the back of the queue), else
//!                    to the back of the queue
//!   (2) next         the LIFO slot's task, at most MAX_LIFO_STREAK times in a row (then it
//!                    moves to the back of the queue), else the front of the queue
//!   (3) take_batch   from the injector or a peer's queue: one task to run now, and some
//!                    more moved into the local queue
//!   (4) steal        (3) from the first peer worth robbing, skipping a peer's only task
//!                    unless `take_lone`
//!   (5) pop_any      the slot, then the queue: the shutdown drain, and the hand-over of an
//!                    unwinding worker's tasks to the injector
//! ```
//!
//! A task is in exactly one place at a time: the slot, a local queue, the injector, or the
//! hands of the worker (or supervisor) about to run, drop or move it. With supervision on,
//! the slot is shared with the supervisor (see [`LifoSlot`]), which moves a blocked
//! worker's slot task to the injector. The local queues are unbounded, so
//! nothing overflows in normal running; tasks reach the injector from non-worker threads
//! and from the hand-over in (5).
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

use crossbeam_deque::{Injector, Steal, Stealer, Worker};

use crate::sync::{lock, spin_loop, Mutex};

/// How many LIFO-slot polls may follow each other before the local queue gets a turn.
pub const MAX_LIFO_STREAK: u32 = 3;

/// The owning worker's end of a local run queue (FIFO).
pub trait RunQueue<T> {
    /// Adds a task at the back.
    fn push(&self, task: T);
    /// Takes the task at the front.
    fn pop(&self) -> Option<T>;
}

/// Somewhere a worker takes a batch of tasks from: the injector or a peer's queue.
pub trait BatchSource<T, Q> {
    /// Takes one task to run and moves some more into `dest` (crossbeam's semantics:
    /// `Retry` means "lost a race, try again").
    fn steal_batch_and_pop(&self, dest: &Q) -> Steal<T>;
    /// How many tasks it holds (a hint).
    fn queued(&self) -> usize;
    /// Whether it holds no task. The idle protocol's last look before every worker sleeps
    /// relies on what this reads; see [`Deques`](crate::deques::Deques) for the contract.
    fn is_empty(&self) -> bool;
}

/// The global queue's other operations: pushes from anywhere, single steals for the
/// shutdown sweep.
pub trait Inject<T> {
    /// Adds a task at the back.
    fn push(&self, task: T);
    /// Takes the task at the front (`Retry`: lost a race, try again).
    fn steal(&self) -> Steal<T>;
}

impl<T> RunQueue<T> for Worker<T> {
    fn push(&self, task: T) {
        Worker::push(self, task);
    }

    fn pop(&self) -> Option<T> {
        Worker::pop(self)
    }
}

impl<T> BatchSource<T, Worker<T>> for Injector<T> {
    fn steal_batch_and_pop(&self, dest: &Worker<T>) -> Steal<T> {
        Injector::steal_batch_and_pop(self, dest)
    }

    fn queued(&self) -> usize {
        Injector::len(self)
    }

    fn is_empty(&self) -> bool {
        Injector::is_empty(self)
    }
}

impl<T> Inject<T> for Injector<T> {
    fn push(&self, task: T) {
        Injector::push(self, task);
    }

    fn steal(&self) -> Steal<T> {
        Injector::steal(self)
    }
}

impl<T> BatchSource<T, Worker<T>> for Stealer<T> {
    fn steal_batch_and_pop(&self, dest: &Worker<T>) -> Steal<T> {
        Stealer::steal_batch_and_pop(self, dest)
    }

    fn queued(&self) -> usize {
        Stealer::len(self)
    }

    fn is_empty(&self) -> bool {
        Stealer::is_empty(self)
    }
}

/// A worker's own queues: the LIFO slot in front of the local run queue. Peers steal from
/// the queue through its stealer; the slot is the owning worker's, except that with
/// supervision on the supervisor may take its task when the worker is stuck in a poll.
pub struct LocalQueues<T, Q> {
    lifo: LifoSlot<T>,
    queue: Q,
}

/// The slot that holds the task woken by the task being polled.
///
/// Without supervision only the owning worker ever touches it: a `Cell`, no atomic
/// operation. With supervision it is shared with the supervisor, which moves its task to
/// the injector when the worker is found blocked in a poll (a task woken just before the
/// poll blocked would otherwise wait for the poll to end): a mutex that only the owner
/// takes, except on that rare occasion, so it is never contended: an uncontended lock and
/// unlock when a task is put in or taken out, and none when the owner knows the slot is
/// empty (most polls). Under callgrind, `yield_many` (never uses the slot) and `ping_pong`
/// (every message goes through it) measure it.
pub enum LifoSlot<T> {
    /// The owner's alone.
    Owned(Cell<Option<T>>),
    /// Shared with the supervisor.
    Shared {
        /// The slot.
        slot: Arc<Mutex<Option<T>>>,
        /// The owner's note of whether it left a task there since it last took one: only
        /// the owner puts tasks in, so when this is `false` the slot is empty and the lock
        /// is skipped (the common case: most polls find no task in the slot). When the
        /// supervisor took the task, it is `true` and the lock finds the slot empty.
        maybe_full: Cell<bool>,
    },
}

impl<T> LifoSlot<T> {
    /// A slot shared with the supervisor through `slot` (empty).
    pub fn shared(slot: Arc<Mutex<Option<T>>>) -> Self {
        LifoSlot::Shared {
            slot,
            maybe_full: Cell::new(false),
        }
    }

    #[inline]
    fn replace(&self, task: T) -> Option<T> {
        match self {
            LifoSlot::Owned(cell) => cell.replace(Some(task)),
            LifoSlot::Shared { slot, maybe_full } => {
                maybe_full.set(true);
                lock(slot).replace(task)
            }
        }
    }

    #[inline]
    fn take(&self) -> Option<T> {
        match self {
            LifoSlot::Owned(cell) => cell.take(),
            LifoSlot::Shared { slot, maybe_full } => {
                if !maybe_full.replace(false) {
                    return None;
                }
                lock(slot).take()
            }
        }
    }
}

/// What [`LocalQueues::next`] found.
#[derive(Debug)]
pub struct Next<T> {
    /// The task to run, if the slot or the queue had one.
    pub task: Option<T>,
    /// Whether it came from the LIFO slot.
    pub from_lifo: bool,
    /// Whether the slot's task moved to the queue, where a peer could take it.
    pub requeued: bool,
}

impl<T, Q: RunQueue<T>> LocalQueues<T, Q> {
    /// Empty queues around `queue`, with a LIFO slot of the owner's alone.
    pub fn new(queue: Q) -> Self {
        LocalQueues::with_lifo(queue, LifoSlot::Owned(Cell::new(None)))
    }

    /// Queues around `queue` and the (empty) LIFO slot `lifo`.
    pub fn with_lifo(queue: Q, lifo: LifoSlot<T>) -> Self {
        LocalQueues { lifo, queue }
    }

    /// The local run queue.
    pub fn queue(&self) -> &Q {
        &self.queue
    }

    /// (1) Queues a woken task: into the LIFO slot if `into_lifo` (woken by the task being
    /// polled), else at the back of the queue. Returns whether a task was added to the
    /// queue, where a peer could take it (the caller then may wake one).
    #[inline]
    pub fn schedule(&self, task: T, into_lifo: bool) -> bool {
        if !into_lifo {
            self.queue.push(task);
            return true;
        }
        match self.lifo.replace(task) {
            Some(previous) => {
                self.queue.push(previous);
                true
            }
            None => false,
        }
    }

    /// (2) The next local task. `streak` counts the LIFO-slot tasks run in a row; the
    /// caller resets it when it takes a task from elsewhere.
    #[inline]
    pub fn next(&self, streak: &mut u32) -> Next<T> {
        let mut requeued = false;
        if let Some(task) = self.lifo.take() {
            if *streak < MAX_LIFO_STREAK {
                *streak += 1;
                return Next {
                    task: Some(task),
                    from_lifo: true,
                    requeued,
                };
            }
            // The slot has had its turns: queue its task behind the others.
            self.queue.push(task);
            requeued = true;
        }
        *streak = 0;
        Next {
            task: self.queue.pop(),
            from_lifo: false,
            requeued,
        }
    }

    /// (5) Takes a task from the slot, else from the front of the queue.
    pub fn pop_any(&self) -> Option<T> {
        self.lifo.take().or_else(|| self.queue.pop())
    }

    /// The local run queue, given back (a retiring replacement thread returns its queue
    /// for the next one). The slot must be empty.
    pub fn into_queue(self) -> Q {
        debug_assert!(self.lifo.take().is_none(), "a task left in the LIFO slot");
        self.queue
    }

    /// Pushes a task at the back of the local queue (a new spawn, or a task taken after
    /// shutdown began, for the drain to drop).
    pub fn push_back(&self, task: T) {
        self.queue.push(task);
    }
}

impl<T> fmt::Debug for LifoSlot<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LifoSlot::Owned(_) => "LifoSlot::Owned",
            LifoSlot::Shared { .. } => "LifoSlot::Shared",
        })
    }
}

impl<T, Q> fmt::Debug for LocalQueues<T, Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalQueues").finish_non_exhaustive()
    }
}

/// Repeats a steal `attempt` while it asks to be retried (it lost a race with another
/// thread); `None` once the source is empty.
pub fn retry<T>(mut attempt: impl FnMut() -> Steal<T>) -> Option<T> {
    loop {
        match attempt() {
            Steal::Success(task) => return Some(task),
            Steal::Empty => return None,
            Steal::Retry => spin_loop(),
        }
    }
}

/// (3) Takes one task from `source` to run now, moving a batch more into `dest`.
pub fn take_batch<T, Q, S: BatchSource<T, Q>>(source: &S, dest: &Q) -> Option<T> {
    retry(|| source.steal_batch_and_pop(dest))
}

/// (4) Steals a batch from the first of `peers` (visited from `start` on, skipping `me`)
/// that has work. A peer's only queued task is taken only when `take_lone` is set: its
/// own worker is about to run it, and moving it would just move a chain of spawns between
/// cores.
pub fn steal<T, Q, S: BatchSource<T, Q>>(
    peers: &[S],
    me: usize,
    start: usize,
    take_lone: bool,
    dest: &Q,
) -> Option<T> {
    let workers = peers.len();
    for offset in 0..workers {
        let victim = (start + offset) % workers;
        let peer = &peers[victim];
        if victim == me || (!take_lone && peer.queued() < 2) {
            continue;
        }
        if let Some(task) = take_batch(peer, dest) {
            return Some(task);
        }
    }
    None
}
