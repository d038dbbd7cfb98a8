//! The thread-local context of a worker thread: how the spawn and wake paths find the
//! worker they run on, and where they queue a task.
//!
//! | who schedules it | where it goes |
//! | --- | --- |
//! | the task itself, during its own poll (a yield) | back of this worker's local queue |
//! | the task being polled wakes another (a message, a finished `JoinHandle`) | this worker's LIFO slot; the slot's previous occupant moves to the local queue |
//! | anything else on a worker thread (a spawn, a drop) | back of the local queue |
//! | a thread that is not one of this pool's workers | the global injector |

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crossbeam_deque::Worker;
use wakewire_core::task::Runnable;
use wakewire_core::TaskId;

use crate::queues::LocalQueues;
use crate::shared::Shared;
use crate::sync::rt::thread_local;

/// What the scheduling paths need from the worker running on this thread.
pub(crate) struct Local {
    /// Identifies the pool (the address of its `Shared`).
    pub(crate) pool: *const Shared,
    pub(crate) index: usize,
    /// The LIFO slot and the local run queue (see [`crate::queues`]).
    pub(crate) queues: LocalQueues<Runnable, Worker<Runnable>>,
    /// The task being polled right now, to tell a yield from a wake of another task.
    pub(crate) running: Cell<Option<TaskId>>,
}

thread_local! {
    pub(crate) static CURRENT: RefCell<Option<Rc<Local>>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's worker context if the thread is a worker of `shared`.
///
/// A thread whose thread-locals are being destroyed (a waker dropped or woken from a
/// thread-local destructor) counts as no worker.
fn with_local<R>(shared: &Shared, f: impl FnOnce(&Local) -> R) -> Option<R> {
    CURRENT
        .try_with(|current| match &*current.borrow() {
            Some(local) if std::ptr::eq(local.pool, shared) => Some(f(local)),
            _ => None,
        })
        .ok()
        .flatten()
}

/// The index of the current thread's worker, if it is a worker of `shared`.
pub(crate) fn current_index(shared: &Shared) -> Option<usize> {
    with_local(shared, |local| local.index)
}

/// The current thread's worker, seen from the spawn path.
pub(crate) struct Current<'a> {
    local: &'a Local,
}

impl Current<'_> {
    /// The worker's index.
    pub(crate) fn index(&self) -> usize {
        self.local.index
    }

    /// Queues a newly spawned task on this worker's local queue.
    pub(crate) fn push_spawned(&self, shared: &Shared, runnable: Runnable) {
        self.local.queues.push_back(runnable);
        shared.notify_one();
    }
}

/// Runs `f` with the current thread's worker if it is a worker of `shared` (one
/// thread-local access for the whole spawn).
pub(crate) fn with_current<R>(shared: &Shared, f: impl FnOnce(Option<Current<'_>>) -> R) -> R {
    let mut f = Some(f);
    let on_this_thread = CURRENT.try_with(|current| {
        let f = f.take().expect("called once");
        match &*current.borrow() {
            Some(local) if std::ptr::eq(local.pool, shared) => f(Some(Current { local })),
            _ => f(None),
        }
    });
    match on_this_thread {
        Ok(result) => result,
        // Thread-locals are being destroyed: this is no worker.
        Err(_) => (f.take().expect("not called yet"))(None),
    }
}

/// Queues a woken task on the current worker (see the module table).
///
/// # Errors
///
/// Gives the task back when the current thread is not a worker of `shared`.
pub(crate) fn schedule_woken(shared: &Shared, runnable: Runnable) -> Result<(), Runnable> {
    let mut slot = Some(runnable);
    let notify = with_local(shared, |local| {
        let runnable = slot.take().expect("taken once");
        // Woken by the task being polled (not a yield): run it next, on this worker, while
        // its data is still in this core's cache.
        let into_lifo = matches!(local.running.get(), Some(running) if running != runnable.id());
        local.queues.schedule(runnable, into_lifo)
    });
    match (notify, slot) {
        (Some(notify), _) => {
            if notify {
                shared.notify_one();
            }
            Ok(())
        }
        (None, Some(runnable)) => Err(runnable),
        (None, None) => unreachable!("with_local ran no closure but took the task"),
    }
}

/// Forgets this thread's worker context (later spawns from it go to the injector).
pub(crate) fn clear_current() {
    CURRENT.with(|current| {
        if let Ok(mut current) = current.try_borrow_mut() {
            *current = None;
        }
    });
}
