//! The instrumented waker: one generation per poll, wrapping the executor's real waker.
//!
//! ```text
//!   executor's waker ◄── WakeHandle { generation: n } ◄── clones held by leaf futures
//!                         (1) built for poll n            and reactors
//!                         (2) wake / wake_by_ref: record, then wake the real waker
//!                         (3) last clone dropped: record WakerDropped
//! ```
//!
//! `std::task::Wake` sees wakes and the final drop of a generation, but not each clone
//! (only a hand-written `RawWakerVTable` could, which would need `unsafe`). The tracer
//! counts clones instead: at the end of each poll it records how many clones of that poll's
//! waker the future kept, and it records when the last of them goes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Wake, Waker};

use wakewire_core::waker::wake_source;

use crate::event::EventKind;
use crate::task::{polling_tag, TaskState};

/// The waker one poll hands to the traced future.
pub(crate) struct WakeHandle {
    pub(crate) task: Arc<TaskState>,
    pub(crate) generation: u64,
    pub(crate) outer: Waker,
    /// Set when the poll ended with clones still alive, so this generation counts in the
    /// task's `alive` and its death is recorded.
    pub(crate) published: AtomicBool,
}

impl WakeHandle {
    fn record_wake(&self, by_ref: bool) {
        // Recorded before the real waker runs, so the wake precedes the poll it causes.
        self.task.record(EventKind::Wake {
            generation: self.generation,
            by_ref,
            source: wake_source(),
            by_task: polling_tag(),
        });
    }
}

impl Wake for WakeHandle {
    fn wake(self: Arc<Self>) {
        self.record_wake(false);
        match Arc::try_unwrap(self) {
            // The last clone: record its drop *before* waking, so the drop never shows
            // up after the poll the wake causes, then hand the executor its waker.
            Ok(mut last) => {
                last.record_drop();
                last.published.store(false, Ordering::Release);
                let outer = std::mem::replace(&mut last.outer, Waker::noop().clone());
                drop(last);
                outer.wake();
            }
            Err(shared) => shared.outer.wake_by_ref(),
        }
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.record_wake(true);
        self.outer.wake_by_ref();
    }
}

impl WakeHandle {
    /// Records that this generation's last clone is going, if it was published.
    fn record_drop(&self) {
        if self.published.load(Ordering::Acquire) {
            let alive = self.task.alive.fetch_sub(1, Ordering::AcqRel) - 1;
            self.task.record(EventKind::WakerDropped {
                generation: self.generation,
                alive,
                source: wake_source(),
                by_task: polling_tag(),
            });
        }
    }
}

impl Drop for WakeHandle {
    fn drop(&mut self) {
        self.record_drop();
    }
}

/// Builds the waker for poll `generation`, reusing `spare` (a previous generation nobody
/// kept a clone of) to save an allocation.
pub(crate) fn for_poll(
    task: &Arc<TaskState>,
    spare: Option<Arc<WakeHandle>>,
    generation: u64,
    outer: &Waker,
) -> Arc<WakeHandle> {
    if let Some(mut handle) = spare {
        if let Some(unique) = Arc::get_mut(&mut handle) {
            unique.generation = generation;
            if !unique.outer.will_wake(outer) {
                unique.outer = outer.clone();
            }
            return handle;
        }
    }
    Arc::new(WakeHandle {
        task: Arc::clone(task),
        generation,
        outer: outer.clone(),
        published: AtomicBool::new(false),
    })
}

/// What a poll left behind of its waker.
pub(crate) enum AfterPoll {
    /// The future kept no clone: the handle can serve the next poll.
    Unused(Arc<WakeHandle>),
    /// The future kept `kept` clones. The handle is published (its last clone's drop
    /// will be recorded); the caller drops it after recording the poll's end, so that
    /// drop is always recorded after the poll's end.
    Kept {
        kept: usize,
        handle: Arc<WakeHandle>,
    },
}

/// Sorts out the waker of a poll that just returned; see [`AfterPoll`].
pub(crate) fn after_poll(mut handle: Arc<WakeHandle>) -> AfterPoll {
    if Arc::get_mut(&mut handle).is_some() {
        return AfterPoll::Unused(handle);
    }
    // Clones exist; their last drop can only come after we drop ours.
    let kept = (Arc::strong_count(&handle) - 1).max(1);
    handle.task.alive.fetch_add(1, Ordering::AcqRel);
    handle.published.store(true, Ordering::Release);
    AfterPoll::Kept { kept, handle }
}
