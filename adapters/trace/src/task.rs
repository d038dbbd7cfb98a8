//! The per-task side of the tracer: [`TaskHandle`], and the task being polled on this
//! thread, which is how leaf futures and reactors deep inside a poll reach the trace.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use crate::event::{EventKind, TaskTag};
use crate::recorder::Recorder;

/// What every waker generation and the task's [`Traced`](crate::Traced) wrapper share.
pub(crate) struct TaskState {
    pub(crate) tag: TaskTag,
    pub(crate) recorder: Recorder,
    /// Waker generations with clones alive outside the executor.
    pub(crate) alive: AtomicUsize,
}

impl TaskState {
    pub(crate) fn record(&self, kind: EventKind) {
        self.recorder.record(Some(self.tag), kind);
    }
}

thread_local! {
    /// The traced task whose poll is running on this thread (the innermost one, when
    /// traced futures nest).
    static POLLING: RefCell<Option<Arc<TaskState>>> = const { RefCell::new(None) };
}

/// Marks `task` as the one being polled on this thread until the guard drops.
pub(crate) fn enter_poll(task: &Arc<TaskState>) -> PollingGuard {
    let outer = POLLING
        .try_with(|current| current.replace(Some(Arc::clone(task))))
        .ok()
        .flatten();
    PollingGuard { outer }
}

pub(crate) struct PollingGuard {
    outer: Option<Arc<TaskState>>,
}

impl Drop for PollingGuard {
    fn drop(&mut self) {
        let outer = self.outer.take();
        let _ = POLLING.try_with(|current| current.replace(outer));
    }
}

/// The tag of the traced task being polled on this thread, if any.
pub(crate) fn polling_tag() -> Option<TaskTag> {
    POLLING
        .try_with(|current| current.borrow().as_ref().map(|task| task.tag))
        .ok()
        .flatten()
}

/// A handle to a traced task, for recording what only code outside the tracer knows:
/// a cancel request, an annotation.
///
/// Get one from [`Traced::task`](crate::Traced::task) or, inside the task, from
/// [`current_task`].
#[derive(Clone)]
pub struct TaskHandle {
    pub(crate) state: Arc<TaskState>,
}

impl TaskHandle {
    /// The task's tag in its recorder.
    pub fn tag(&self) -> TaskTag {
        self.state.tag
    }

    /// The recorder the task records into.
    pub fn recorder(&self) -> &Recorder {
        &self.state.recorder
    }

    /// Records that someone asked this task to cancel. A cancelable future (or the code
    /// that cancels it) calls this; the doctor then expects the task's next poll to finish
    /// the task or the cancelable future ([`cancel_honored`](Self::cancel_honored)), see
    /// [`Diagnosis::CancelIgnored`](crate::doctor::Diagnosis::CancelIgnored).
    pub fn cancel_requested(&self) {
        self.state.record(EventKind::CancelRequested);
    }

    /// Records that the cancelable future asked to cancel has finished because of it
    /// (returned its "canceled" result): a task that awaited it may go on running
    /// without the doctor calling the cancel ignored.
    pub fn cancel_honored(&self) {
        self.state.record(EventKind::CancelHonored);
    }

    /// Records a free-form annotation in this task's lane.
    pub fn mark(&self, label: impl Into<Cow<'static, str>>) {
        self.state.record(EventKind::Mark {
            label: label.into(),
        });
    }
}

impl fmt::Debug for TaskHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TaskHandle").field(&self.state.tag).finish()
    }
}

/// The traced task being polled on this thread, if any.
///
/// A cancelable future calls this on its first poll to learn which task to report a
/// cancel request for.
pub fn current_task() -> Option<TaskHandle> {
    POLLING
        .try_with(|current| current.borrow().clone())
        .ok()
        .flatten()
        .map(|state| TaskHandle { state })
}

/// Records, for the traced task being polled on this thread, that a leaf future
/// registered with `reactor` (`detail` says what: a deadline, an fd, a job). Does nothing
/// outside a traced task. A reactor calls it from its leaf future's `poll`.
pub fn registered(reactor: &'static str, detail: impl Into<Cow<'static, str>>) {
    if let Some(task) = current_task() {
        task.state.record(EventKind::Registered {
            reactor,
            detail: detail.into(),
        });
    }
}

/// Records an annotation: in the lane of the traced task being polled on this thread, or
/// else in this thread's lane of the [current recorder](Recorder::current). Does nothing
/// when neither exists.
pub fn mark(label: impl Into<Cow<'static, str>>) {
    if let Some(task) = current_task() {
        task.mark(label);
    } else if let Some(recorder) = Recorder::current() {
        recorder.mark(label);
    }
}

/// The recorder of the traced task being polled on this thread, if any: futures traced
/// inside a traced task record where their parent does.
pub(crate) fn polling_recorder() -> Option<Recorder> {
    POLLING
        .try_with(|current| current.borrow().as_ref().map(|task| task.recorder.clone()))
        .ok()
        .flatten()
}
