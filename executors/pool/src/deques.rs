//! [`Deques`]: the queues one pool is built from, and the worker context each of its worker
//! threads keeps in a thread-local.
//!
//! The pool runs on crossbeam-deque's queues ([`Crossbeam`]). Everything else in the pool
//! is written against this trait, so the loom models build the same pool — the same run
//! loop, idle protocol, spawn path and shutdown — over loom-visible stand-ins.
//!
//! # What the idle protocol needs from a deque
//!
//! No lock orders a push against a worker going to sleep: the push is a deque operation,
//! the sleep a read-modify-write of the idle word followed by a look at the deques. What
//! makes "either the pusher sees the worker asleep and wakes someone, or the worker sees
//! the push" hold on a weakly ordered machine (see [`crate::idle`] for the protocol) is
//! this pairing:
//!
//! ```text
//!   pusher                                   worker going to sleep (or last searcher
//!                                            giving up its search)
//!   W: deque push, an atomic write of the    R1: idle word fetch_sub (RMW)
//!      location is_empty reads (any order)   F2: fence(SeqCst)  (Idle::begin_park /
//!   F1: fence(SeqCst)                                            Idle::end_searching)
//!       (Idle::worker_to_notify)
//!   R: load of the idle word                 R2: is_empty of every deque: a load of that
//!                                                location (any order)
//! ```
//!
//! The two fences are ordered in the single total order of `SeqCst` operations. If F1 comes
//! first, R2 (after F2) reads W or something later: the worker sees the task. If F2 comes
//! first, R (after F1) reads R1 or something later: the pusher sees the lowered count and
//! wakes a sleeper (C++20 `[atomics.fences]`/`[atomics.order]`, which Rust follows).
//! Neither side needs more than the fences, so a deque qualifies when:
//!
//! - `push` (owner end or injector) ends with an atomic write to a location that
//!   `is_empty` reads, sequenced before the pusher's next fence;
//! - `is_empty` reads that location with an atomic load (any ordering).
//!
//! crossbeam-deque 0.8 meets it with nothing to spare on the local queues: `Worker::push`
//! writes the slot, issues `fence(Release)` (for the task's bytes, not for us) and stores
//! the back index `Relaxed`; `Stealer::is_empty` loads the front index, issues its own
//! `fence(SeqCst)` and loads the back index `Acquire`. The injector's push is a `SeqCst`
//! compare-exchange of its tail and its `is_empty` two `SeqCst` loads. No tool checks
//! crossbeam itself here; the loom models check the argument over stand-ins that do what
//! crossbeam's local push and `is_empty` do, with loom's weak-memory exploration
//! (`tests/loom_park_unpark_no_lost_wakeup.rs`; removing either fence makes loom find a
//! stranded task).
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use crossbeam_deque::{Injector, Stealer, Worker};
use wakewire_core::task::Runnable;
use wakewire_core::TaskId;

use crate::queues::{BatchSource, Inject, LocalQueues, RunQueue};
use crate::sync::{thread_local, LocalKey};

/// The queue types of one pool, and the thread-local that holds its workers' contexts.
/// See the [module docs](self) for what the idle protocol requires of them.
pub trait Deques: Sized + 'static {
    /// A worker's own run queue (the owner's end).
    type Local: RunQueue<Runnable> + Send;
    /// The other workers' end of a local run queue.
    type Stealer: BatchSource<Runnable, Self::Local> + Send + Sync;
    /// The pool's global queue, for tasks from threads that are not workers.
    type Injector: BatchSource<Runnable, Self::Local> + Inject<Runnable> + Send + Sync;

    /// A new local run queue and its stealer.
    fn local() -> (Self::Local, Self::Stealer);

    /// A new, empty injector.
    fn injector() -> Self::Injector;

    /// The thread-local holding the context of the worker running on this thread.
    fn current() -> &'static LocalKey<CurrentWorker<Self>>;
}

/// What a worker thread's thread-local holds: its context while it runs.
pub type CurrentWorker<D> = RefCell<Option<Rc<WorkerContext<D>>>>;

/// What the scheduling paths need from the worker running on this thread.
pub struct WorkerContext<D: Deques> {
    /// Identifies the pool (the address of its state), so a worker of one pool is no
    /// worker of another.
    pub(crate) pool: *const (),
    pub(crate) index: usize,
    /// The LIFO slot and the local run queue (see [`crate::queues`]).
    pub(crate) queues: LocalQueues<Runnable, D::Local>,
    /// The task being polled right now, to tell a yield from a wake of another task.
    pub(crate) running: Cell<Option<TaskId>>,
}

impl<D: Deques> fmt::Debug for WorkerContext<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerContext")
            .field("index", &self.index)
            .field("running", &self.running.get())
            .finish_non_exhaustive()
    }
}

/// crossbeam-deque's queues: what every [`Pool`](crate::Pool) runs on.
#[derive(Debug)]
pub struct Crossbeam;

thread_local! {
    static CROSSBEAM_CURRENT: CurrentWorker<Crossbeam> = const { RefCell::new(None) };
}

impl Deques for Crossbeam {
    type Local = Worker<Runnable>;
    type Stealer = Stealer<Runnable>;
    type Injector = Injector<Runnable>;

    fn local() -> (Worker<Runnable>, Stealer<Runnable>) {
        let worker = Worker::new_fifo();
        let stealer = worker.stealer();
        (worker, stealer)
    }

    fn injector() -> Injector<Runnable> {
        Injector::new()
    }

    fn current() -> &'static LocalKey<CurrentWorker<Self>> {
        &CROSSBEAM_CURRENT
    }
}
