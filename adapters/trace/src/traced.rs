//! [`Traced`]: a future whose every poll, wake and waker drop is recorded, and
//! [`TraceExt`], the `.traced(name)` that builds it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use pin_project_lite::pin_project;

use crate::event::{EventKind, TaskTag};
use crate::recorder::Recorder;
use crate::task::{enter_poll, TaskHandle, TaskState};
use crate::waker::{after_poll, for_poll, AfterPoll, WakeHandle};

pin_project! {
    /// A future traced as one task: built by [`TraceExt::traced`] or [`Recorder::trace`].
    ///
    /// Each poll hands the inner future an instrumented waker (a new *generation* per
    /// poll) that wraps the executor's real one, and records the poll's start, end,
    /// outcome and duration, every wake of any clone (with the waking thread and reactor),
    /// and the drop of each generation's last clone. It changes nothing about how the
    /// future runs, so it works on any executor: Wakewire's, tokio's, smol's,
    /// futures-executor's.
    ///
    /// When no recorder was current at construction, `Traced` records nothing: each poll
    /// costs one branch on an `Option`.
    ///
    /// # Wakeups
    ///
    /// A wake of any instrumented waker is recorded, then forwarded to the executor's
    /// waker that was current at that generation's poll.
    #[must_use = "futures do nothing unless you poll them"]
    pub struct Traced<F> {
        #[pin]
        inner: F,
        tracer: Option<TaskTracer>,
    }
}

/// The tracing state of one task; `None` in a `Traced` when tracing is off.
struct TaskTracer {
    task: Arc<TaskState>,
    /// The last poll's waker when the future kept no clone of it, reused next poll.
    spare: Option<Arc<WakeHandle>>,
    polls: u64,
    completed: bool,
}

impl<F: Future> Traced<F> {
    /// Traces `future` as `name` into the [current](Recorder::current) recorder, or not at
    /// all when there is none.
    pub fn new(name: impl Into<Arc<str>>, future: F) -> Self {
        match Recorder::current() {
            Some(recorder) => Traced::new_in(&recorder, name.into(), future),
            None => Traced::untraced(future),
        }
    }

    /// A `Traced` that records nothing (what [`new`](Self::new) gives without a recorder).
    pub fn untraced(future: F) -> Self {
        Traced {
            inner: future,
            tracer: None,
        }
    }

    pub(crate) fn new_in(recorder: &Recorder, name: Arc<str>, future: F) -> Self {
        let task = Arc::new(TaskState {
            tag: recorder.next_task(),
            recorder: recorder.clone(),
            alive: AtomicUsize::new(0),
        });
        task.record(EventKind::Spawned { name });
        Traced {
            inner: future,
            tracer: Some(TaskTracer {
                task,
                spare: None,
                polls: 0,
                completed: false,
            }),
        }
    }
}

impl<F> Traced<F> {
    /// A handle to record a cancel request or annotation for this task; `None` when this
    /// future is not traced.
    pub fn task(&self) -> Option<TaskHandle> {
        self.tracer.as_ref().map(|tracer| TaskHandle {
            state: Arc::clone(&tracer.task),
        })
    }

    /// This task's tag in its recorder; `None` when not traced.
    pub fn tag(&self) -> Option<TaskTag> {
        self.tracer.as_ref().map(|tracer| tracer.task.tag)
    }

    /// The wrapped future.
    pub fn get_ref(&self) -> &F {
        &self.inner
    }

    /// The wrapped future, pinned.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut F> {
        self.project().inner
    }
}

impl<F: Future> Future for Traced<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        match this.tracer {
            Some(tracer) if tracer.task.recorder.is_enabled() => tracer.poll(this.inner, cx),
            // Off, or paused: the future sees the executor's own waker.
            _ => this.inner.poll(cx),
        }
    }
}

impl TaskTracer {
    fn poll<F: Future>(&mut self, inner: Pin<&mut F>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls += 1;
        let poll = self.polls;
        let handle = for_poll(&self.task, self.spare.take(), poll, cx.waker());
        let recorder = &self.task.recorder;
        // One clock read at each end: the events' times give the poll's duration.
        let started = recorder.now();
        recorder.record_at(started, Some(self.task.tag), EventKind::PollStart { poll });

        let waker = Waker::from(Arc::clone(&handle));
        let result = {
            let _polling = enter_poll(&self.task);
            inner.poll(&mut Context::from_waker(&waker))
        };
        let ended = recorder.now();
        let duration = ended.saturating_sub(started);
        drop(waker);

        let ready = result.is_ready();
        self.completed = ready;
        match after_poll(handle) {
            AfterPoll::Unused(handle) => {
                self.record_end(ended, poll, ready, duration, 0);
                self.spare = Some(handle);
            }
            AfterPoll::Kept { kept, handle } => {
                self.record_end(ended, poll, ready, duration, kept);
                drop(handle);
            }
        }
        result
    }

    fn record_end(&self, at: Duration, poll: u64, ready: bool, duration: Duration, kept: usize) {
        let end = EventKind::PollEnd {
            poll,
            ready,
            duration,
            kept,
        };
        self.task.recorder.record_at(at, Some(self.task.tag), end);
    }
}

impl Drop for TaskTracer {
    fn drop(&mut self) {
        if !self.completed {
            self.task.record(EventKind::Dropped);
        }
    }
}

impl<F> fmt::Debug for Traced<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Traced")
            .field("task", &self.tag())
            .finish_non_exhaustive()
    }
}

/// `.traced(name)` for every future.
///
/// ```
/// use wakewire_adapter_trace::{Recorder, TraceExt};
/// use wakewire_core::future::yield_now;
///
/// let recorder = Recorder::new();
/// let _current = recorder.enter(); // `.traced` records into the entered recorder
/// wakewire_core::block_on(async { yield_now().await }.traced("yielder"));
/// let trace = recorder.snapshot();
/// assert_eq!(trace.polls(trace.tasks()[0]).len(), 2); // Pending, then Ready
/// ```
pub trait TraceExt: Future + Sized {
    /// Traces this future as a task called `name` into the [current](Recorder::current)
    /// recorder; untraced (one branch per poll) when there is none.
    fn traced(self, name: impl Into<Arc<str>>) -> Traced<Self> {
        Traced::new(name, self)
    }

    /// Traces this future as a task called `name` into `recorder`.
    fn traced_in(self, recorder: &Recorder, name: impl Into<Arc<str>>) -> Traced<Self> {
        recorder.trace(name, self)
    }
}

impl<F: Future> TraceExt for F {}
