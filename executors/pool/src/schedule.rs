//! Where a task goes when it is spawned or woken, decided from the thread it happens on:
//!
//! | who schedules it | where it goes |
//! | --- | --- |
//! | the task itself, during its own poll (a yield) | back of this worker's local queue |
//! | the task being polled wakes another (a message, a finished `JoinHandle`) | this worker's LIFO slot; the slot's previous occupant moves to the local queue |
//! | anything else on a worker thread (a spawn, a drop) | back of the local queue |
//! | a thread that is not one of this pool's workers | the global injector |
//!
//! A worker thread finds its own queues through the thread-local
//! [`WorkerContext`] it [`enter`](enter_worker)s when it starts. Every push another worker
//! could take is followed by [`notify_one`](PoolState::notify_one), which wakes a sleeping
//! worker if nobody is searching.
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::rc::Rc;

use wakewire_core::task::Runnable;

use crate::deques::{Deques, WorkerContext};
use crate::queues::Inject;
use crate::state::PoolState;

/// The `schedule` function of every task of the pool: called by wakers on any thread.
pub(crate) fn schedule<D: Deques>(state: &PoolState<D>, runnable: Runnable) {
    if let Err(runnable) = schedule_on_worker(state, runnable) {
        inject(state, runnable);
    }
}

/// Queues a task on the injector and wakes a worker if none is searching.
pub(crate) fn inject<D: Deques>(state: &PoolState<D>, runnable: Runnable) {
    state.injector.push(runnable);
    state.notify_one();
}

/// Queues a woken task on the current worker (see the module table).
///
/// # Errors
///
/// Gives the task back when the current thread is not a worker of `state`.
fn schedule_on_worker<D: Deques>(state: &PoolState<D>, runnable: Runnable) -> Result<(), Runnable> {
    let mut slot = Some(runnable);
    let notify = with_worker(state, |worker| {
        let runnable = slot.take().expect("taken once");
        // Woken by the task being polled (not a yield): run it next, on this worker, while
        // its data is still in this core's cache.
        let into_lifo = matches!(worker.running.get(), Some(running) if running != runnable.id());
        worker.queues.schedule(runnable, into_lifo)
    });
    match (notify, slot) {
        (Some(notify), _) => {
            if notify {
                state.notify_one();
            }
            Ok(())
        }
        (None, Some(runnable)) => Err(runnable),
        (None, None) => unreachable!("with_worker ran no closure but took the task"),
    }
}

/// Queues a newly spawned task: on the current worker's local queue when called from one
/// of this pool's workers, else through `outside` (the spawn gate, then the injector).
///
/// On a worker, `on_worker(task, index)` decides: `(Some(runnable), kept)` pushes the
/// runnable on the local queue and returns `kept`; `(None, refused)` returns `refused`
/// (shutdown has begun). A push that got past that check is never stranded: the worker
/// drains its own queue before it exits.
pub(crate) fn place_spawned<D: Deques, T, R>(
    state: &PoolState<D>,
    task: T,
    on_worker: impl FnOnce(T, usize) -> (Option<Runnable>, R),
    outside: impl FnOnce(T) -> R,
) -> R {
    let mut task = Some(task);
    let placed = with_worker(state, |worker| {
        let (runnable, kept) = on_worker(task.take().expect("taken once"), worker.index);
        let pushed = runnable.map(|runnable| worker.queues.push_back(runnable));
        (pushed.is_some(), kept)
    });
    match placed {
        Some((pushed, kept)) => {
            if pushed {
                state.notify_one();
            }
            kept
        }
        None => outside(task.take().expect("not taken: this thread is no worker")),
    }
}

/// The index of the current thread's worker, if it is a worker of `state`.
pub(crate) fn current_index<D: Deques>(state: &PoolState<D>) -> Option<usize> {
    with_worker(state, |worker| worker.index)
}

/// Runs `f` with this thread's worker context if the thread is a worker of `state`.
///
/// A thread whose thread-locals are being destroyed (a waker dropped or woken from a
/// thread-local destructor) counts as no worker.
fn with_worker<D: Deques, R>(
    state: &PoolState<D>,
    f: impl FnOnce(&WorkerContext<D>) -> R,
) -> Option<R> {
    D::current()
        .try_with(|current| match &*current.borrow() {
            Some(worker) if worker.pool == state.id() => Some(f(worker)),
            _ => None,
        })
        .ok()
        .flatten()
}

/// Makes `worker` this thread's worker context, so the paths above find its queues.
pub(crate) fn enter_worker<D: Deques>(worker: &Rc<WorkerContext<D>>) {
    D::current().with(|current| *current.borrow_mut() = Some(Rc::clone(worker)));
}

/// Forgets this thread's worker context (later spawns and wakes from it go to the
/// injector).
pub(crate) fn leave_worker<D: Deques>() {
    let _ = D::current().try_with(|current| {
        if let Ok(mut current) = current.try_borrow_mut() {
            *current = None;
        }
    });
}
