//! One job's life: the closure on the pool's side, the result cell shared with its future.
//!
//! ```text
//!                 (1) start                 (2) finish
//!   QUEUED ─────────────────────► RUNNING ─────────────────► DONE ──(3) take──► TAKEN
//!     │  │                          │                          ▲
//!     │  │ (4) cancel               │ (5) abandon              │
//!     │  ▼                          ▼                          │
//!     │ CANCELLED               ABANDONED                      │
//!     │                        (result dropped                 │
//!     └──────────────── (6) refuse ───────────────────────────┘
//!                       (shutdown error)
//!
//!   (1) start    a pool thread, before calling the closure       QUEUED → RUNNING
//!   (2) finish   a pool thread, after the closure returned       RUNNING → DONE(result), then the pool wakes
//!   (3) take     BlockingJob::poll                              DONE → TAKEN
//!   (4) cancel   BlockingJob dropped before the job started     QUEUED → CANCELLED: never runs
//!   (5) abandon  BlockingJob dropped while the closure runs     RUNNING → ABANDONED: result dropped
//!   (6) refuse   the job dropped unrun (pool shut down)          QUEUED → DONE(shutdown error), wake
//!   (7) discard  BlockingJob dropped with an unread result      DONE → TAKEN: result dropped with it
//! ```
//!
//! Every transition happens under the cell's mutex; wakers run after it is released
//! ([`WakerSlot`] guarantees that). The future registers its waker *before* it looks at the
//! stage, and (2)/(6) set the stage *before* they wake, so no completion is missed. The
//! loom models in `tests/loom_pool.rs` check (1)/(4) and (2)/(5)/(7) racing each other.

use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::task::Waker;

use wakewire_core::panic::drop_payload;
use wakewire_core::waker::{wake_all, WakerSlot};

use crate::error::BlockingError;
use crate::sync::{lock, Arc, Mutex};

pub(crate) enum Stage<T> {
    Queued,
    Running,
    Done(Result<T, BlockingError>),
    Taken,
    Cancelled,
    Abandoned,
}

/// The cell a job and its [`BlockingJob`](crate::BlockingJob) share.
pub(crate) struct Completion<T> {
    stage: Mutex<Stage<T>>,
    pub(crate) waker: WakerSlot,
}

impl<T> Completion<T> {
    pub(crate) fn new() -> Self {
        Completion {
            stage: Mutex::new(Stage::Queued),
            waker: WakerSlot::new(),
        }
    }

    /// (3) The result, if the job is done.
    pub(crate) fn try_take(&self) -> Option<Result<T, BlockingError>> {
        let mut stage = lock(&self.stage);
        match mem::replace(&mut *stage, Stage::Taken) {
            Stage::Done(result) => Some(result),
            other => {
                *stage = other;
                None
            }
        }
    }

    /// Whether the job has produced its result (or error) and the future has not taken it.
    pub(crate) fn is_done(&self) -> bool {
        matches!(*lock(&self.stage), Stage::Done(_))
    }

    /// (4)/(5)/(7) The future went away: cancel a queued job, abandon a running one. Returns
    /// a result that was ready but never taken, for the caller to drop outside the lock.
    pub(crate) fn detach(&self) -> Option<Result<T, BlockingError>> {
        let mut stage = lock(&self.stage);
        let next = match &*stage {
            Stage::Queued => Stage::Cancelled,
            Stage::Running => Stage::Abandoned,
            Stage::Done(_) => Stage::Taken,
            Stage::Taken | Stage::Cancelled | Stage::Abandoned => return None,
        };
        match mem::replace(&mut *stage, next) {
            Stage::Done(result) => Some(result),
            _ => None,
        }
    }

    /// (1) Whether the job may run (its future still wants it).
    fn start(&self) -> bool {
        let mut stage = lock(&self.stage);
        match &*stage {
            Stage::Queued => {
                *stage = Stage::Running;
                true
            }
            _ => false,
        }
    }

    /// (6) Marks a queued job as refused. Returns whether the future must be woken.
    fn refuse(&self) -> bool {
        let mut stage = lock(&self.stage);
        match &*stage {
            Stage::Queued => {
                *stage = Stage::Done(Err(BlockingError::shutdown()));
                true
            }
            _ => false,
        }
    }

    /// (2) Stores the result and returns the future's waker, for the pool thread to wake
    /// once it has told the pool it is free; drops the result instead when nobody waits.
    fn complete(&self, result: Result<T, BlockingError>) -> Option<Waker> {
        let unwanted = {
            let mut stage = lock(&self.stage);
            match &*stage {
                Stage::Queued | Stage::Running => {
                    *stage = Stage::Done(result);
                    None
                }
                _ => Some(result),
            }
        };
        match unwanted {
            // Nobody will read it: drop it here, outside the lock. A panic in the value's
            // `Drop` must not kill the pool thread.
            Some(result) => {
                swallow_panic(move || drop(result));
                None
            }
            None => self.waker.take(),
        }
    }
}

/// Runs `f`, disposing of a panic: user code (a value's `Drop`) must not kill a pool
/// thread.
pub(crate) fn swallow_panic(f: impl FnOnce()) {
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(f)) {
        drop_payload(payload);
    }
}

/// Wakes the future of a job, if it waits. The pool's threads are drivers, with nobody to
/// report a waker's panic to: it is disposed of (core's `wake_all` policy).
pub(crate) fn wake_future(waker: Option<Waker>) {
    if let Some(payload) = wake_all("blocking", waker) {
        drop_payload(payload);
    }
}

/// A queued closure, type-erased for the pool's queue.
pub(crate) trait QueuedJob: Send {
    /// Runs the closure on the current (pool) thread, unless its future was dropped.
    ///
    /// Calls `before_publish` exactly once, after the closure returned (or was skipped)
    /// and *before* the future can see the outcome, so the pool can count this thread as
    /// free before the awaiting task can react. Returns the waker of the job's future, for
    /// the caller to wake (see `Workers::run_thread`).
    fn run(self: Box<Self>, before_publish: &mut dyn FnMut()) -> Option<Waker>;
}

/// A closure and the cell its result goes to. Dropped without [`QueuedJob::run`] (a pool shutting
/// down, or refusing a job), it resolves its future with a shutdown error.
pub(crate) struct JobCell<F, T> {
    closure: Option<F>,
    completion: Arc<Completion<T>>,
}

impl<F, T> JobCell<F, T> {
    pub(crate) fn new(closure: F, completion: Arc<Completion<T>>) -> Self {
        JobCell {
            closure: Some(closure),
            completion,
        }
    }
}

impl<F, T> QueuedJob for JobCell<F, T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    fn run(mut self: Box<Self>, before_publish: &mut dyn FnMut()) -> Option<Waker> {
        let closure = self.closure.take().expect("a job runs once");
        if !self.completion.start() {
            // (4) cancelled: the closure is dropped unrun. Its `Drop` may panic too.
            swallow_panic(move || drop(closure));
            before_publish();
            return None;
        }
        let result =
            panic::catch_unwind(AssertUnwindSafe(closure)).map_err(BlockingError::panicked);
        before_publish();
        self.completion.complete(result)
    }
}

impl<F, T> Drop for JobCell<F, T> {
    fn drop(&mut self) {
        if let Some(closure) = self.closure.take() {
            // (6) never run: the closure goes first, then the future learns why.
            swallow_panic(move || drop(closure));
            if self.completion.refuse() {
                wake_future(self.completion.waker.take());
            }
        }
    }
}
