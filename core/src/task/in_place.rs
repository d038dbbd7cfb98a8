//! Running a woken task next on the thread that woke it, for adapters whose foreign
//! executor would otherwise pay a whole foreign task per wake.
//!
//! An adapter that runs our tasks on a foreign multi-threaded executor (tokio's runtime,
//! async-executor, futures' `ThreadPool`) spawns one foreign task per scheduling. When the
//! wake comes from a foreign worker that is running one of our tasks right now — the task
//! yielded, or woke another task of the same executor — that costs a foreign spawn (an
//! allocation, a queue push, often waking another thread) for a task that could simply run
//! next on this thread. Inside [`run_in_place`], such a wake is kept in a one-task slot
//! instead ([`keep_in_place`]) and run by the same foreign task after the current one: the
//! LIFO slot of our own pool, lent to a foreign one.
//!
//! ```text
//!   foreign task: run_in_place(owner, runnable)
//!     runnable.run()  ── the task wakes itself ──► keep_in_place(owner, ..) → slot
//!     slot → runnable.run()   (no foreign spawn)      ... at most `limit` in a row
//!   the rest goes back through the adapter's schedule (a foreign spawn)
//! ```
//!
//! The slot belongs to one `owner` (an adapter's shared state, compared by address only),
//! so a task of another executor is never run on this one's threads.

use std::cell::RefCell;

use super::Runnable;
use crate::sync::thread_local;

/// The runner on this thread, while one is inside [`run_in_place`].
struct InPlace {
    /// Which adapter instance it runs tasks for; compared, never dereferenced.
    owner: *const (),
    next: Option<Runnable>,
}

thread_local! {
    static IN_PLACE: RefCell<Option<InPlace>> = const { RefCell::new(None) };
}

/// Keeps `runnable` to run next on this thread, if this thread is inside
/// [`run_in_place`] for the same `owner`.
///
/// Returns `Ok(None)` when it was kept; `Ok(Some(older))` when it was kept and pushed out
/// a task that was waiting in the slot, which the caller must schedule the usual way;
/// `Err(runnable)` when there is no runner for `owner` here (schedule it the usual way).
pub fn keep_in_place(owner: *const (), runnable: Runnable) -> Result<Option<Runnable>, Runnable> {
    let mut runnable = Some(runnable);
    // `try_with`: a wake from a thread-local's destructor finds no runner (and the task
    // stays in `runnable`, since the closure never ran).
    let kept = IN_PLACE.try_with(|in_place| match in_place.borrow_mut().as_mut() {
        Some(runner) if std::ptr::eq(runner.owner, owner) => {
            Some(std::mem::replace(&mut runner.next, runnable.take()))
        }
        _ => None,
    });
    match (kept, runnable) {
        (Ok(Some(older)), None) => Ok(older),
        (_, Some(runnable)) => Err(runnable),
        (_, None) => unreachable!("a task is either kept or handed back"),
    }
}

/// How many polls in a row adapters let one foreign task run in place: enough to keep a
/// yield or a ping-pong off the foreign queue, few enough that the foreign executor's
/// other tasks still get the thread soon.
pub const RUN_IN_A_ROW: usize = 32;

/// Runs `first`, then each task kept for `owner` on this thread meanwhile
/// ([`keep_in_place`]), at most `limit` polls in a row (so a task that keeps waking itself
/// lets the foreign executor's other tasks run). Before each poll, `stop()` may refuse:
/// the task is then dropped (which cancels it), as after the adapter's shutdown.
///
/// Returns the task that was due when the limit was reached; the caller schedules it the
/// usual way (it goes to the back of the foreign executor's queue).
///
/// Polls run with the thread marked as entered ([`Runnable::run_entered`]).
pub fn run_in_place(
    owner: *const (),
    first: Runnable,
    limit: usize,
    stop: impl Fn() -> bool,
) -> Option<Runnable> {
    let _runner = RunnerGuard::enter(owner);
    let mut runnable = first;
    for _ in 0..limit {
        if stop() {
            return None;
        }
        runnable.run_entered();
        let next = IN_PLACE.with(|in_place| in_place.borrow_mut().as_mut()?.next.take());
        runnable = next?;
    }
    Some(runnable)
}

/// Marks the thread as running `owner`'s tasks, and puts back what was there before when
/// dropped (runners do not nest on foreign executors; restoring keeps that an observation,
/// not an assumption). A task still in the slot then (only if a poll unwound, which the
/// task cell prevents) is dropped, which cancels it.
struct RunnerGuard {
    previous: Option<InPlace>,
}

impl RunnerGuard {
    fn enter(owner: *const ()) -> Self {
        let previous =
            IN_PLACE.with(|in_place| in_place.borrow_mut().replace(InPlace { owner, next: None }));
        RunnerGuard { previous }
    }
}

impl Drop for RunnerGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let left = IN_PLACE
            .try_with(|in_place| std::mem::replace(&mut *in_place.borrow_mut(), previous))
            .ok()
            .flatten();
        // Outside the borrow: dropping a task may wake others, which look at the slot.
        drop(left);
    }
}
