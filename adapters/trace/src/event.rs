//! What a trace is made of: [`Event`]s, each with a time, a thread and an [`EventKind`].

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A traced task, numbered by its [`Recorder`](crate::Recorder) from 1 in creation order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskTag(pub u64);

impl fmt::Debug for TaskTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task#{}", self.0)
    }
}

impl fmt::Display for TaskTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// An OS thread, numbered by this crate from 1 in the order threads first record an event
/// (process-wide). Its name is in [`Trace::thread_name`](crate::Trace::thread_name).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ThreadTag(pub u32);

impl fmt::Debug for ThreadTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "thread#{}", self.0)
    }
}

/// One recorded step.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// Monotonic time since the recorder was created.
    pub at: Duration,
    /// The thread the step happened on.
    pub thread: ThreadTag,
    /// The task the step belongs to, if any (park events belong to no task).
    pub task: Option<TaskTag>,
    /// What happened.
    pub kind: EventKind,
}

/// What an [`Event`] records.
///
/// A *waker generation* is the instrumented waker one poll handed to the future: poll `n`
/// gives the future generation `n`. Every clone of it shares that generation, so a wake
/// names the poll whose waker it used.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EventKind {
    /// The task was created (`.traced(name)`), usually just before it is spawned.
    Spawned {
        /// The task's name.
        name: Arc<str>,
    },
    /// The executor began poll number `poll` (from 1).
    PollStart {
        /// Which poll of the task this is; also the waker generation it hands out.
        poll: u64,
    },
    /// Poll number `poll` returned.
    PollEnd {
        /// Which poll of the task this was.
        poll: u64,
        /// `true` for `Poll::Ready` (the task completed), `false` for `Poll::Pending`.
        ready: bool,
        /// How long the poll ran.
        duration: Duration,
        /// How many clones of this poll's waker the future kept when it returned (handed to
        /// reactors, stored in leaf futures). Zero on a `Pending` poll means only older
        /// clones, if any, can wake the task.
        kept: usize,
    },
    /// A clone of the task's waker was woken.
    Wake {
        /// The generation (poll number) of the waker that was woken.
        generation: u64,
        /// `true` for `wake_by_ref`, `false` for `wake` (which consumes that clone).
        by_ref: bool,
        /// The reactor that woke it, when the reactor names itself
        /// ([`wakewire_core::waker::with_wake_source`]).
        source: Option<&'static str>,
        /// The traced task being polled on the waking thread at that moment, if any: the
        /// task itself for a self-wake, another task for a channel send, `None` for a
        /// reactor thread or a plain thread.
        by_task: Option<TaskTag>,
    },
    /// The last clone of one waker generation was dropped.
    WakerDropped {
        /// The generation that died.
        generation: u64,
        /// Generations of this task's waker still alive after this drop (clones held by
        /// reactors and leaf futures, outside the executor).
        alive: usize,
        /// The reactor dropping it, when the reactor names itself.
        source: Option<&'static str>,
        /// The traced task being polled on the dropping thread, if any.
        by_task: Option<TaskTag>,
    },
    /// The traced future was dropped before it completed (the executor cancelled or
    /// dropped the task).
    Dropped,
    /// Someone asked the task to cancel ([`TaskHandle::cancel_requested`](crate::TaskHandle::cancel_requested)):
    /// its next poll should finish it.
    CancelRequested,
    /// The cancelable future that was asked to cancel has finished because of it
    /// ([`TaskHandle::cancel_honored`](crate::TaskHandle::cancel_honored)); the task itself
    /// may go on.
    CancelHonored,
    /// A leaf future registered interest with a reactor during a poll
    /// ([`registered`](crate::registered)).
    Registered {
        /// The reactor's name.
        reactor: &'static str,
        /// What was registered (an fd and interest, a deadline, a job).
        detail: Cow<'static, str>,
    },
    /// A free-form annotation ([`mark`](crate::mark)).
    Mark {
        /// The annotation.
        label: Cow<'static, str>,
    },
    /// A thread began to park ([`TracedPark`](crate::TracedPark)).
    ParkStart {
        /// The timeout it parks with, `None` for an untimed park.
        timeout: Option<Duration>,
        /// The name of the traced park layer, if it was given one
        /// ([`TracedPark::layer`](crate::TracedPark::layer)).
        layer: Option<&'static str>,
    },
    /// A thread returned from its park.
    ParkEnd {
        /// How long it was parked.
        duration: Duration,
        /// The name of the traced park layer, if it was given one.
        layer: Option<&'static str>,
    },
    /// A thread unparked a [`TracedPark`](crate::TracedPark).
    Unpark {
        /// The name of the traced park layer, if it was given one.
        layer: Option<&'static str>,
    },
}

impl EventKind {
    /// A short name for the kind, as used by the renderers and in filters.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Spawned { .. } => "spawn",
            EventKind::PollStart { .. } => "poll-start",
            EventKind::PollEnd { .. } => "poll-end",
            EventKind::Wake { .. } => "wake",
            EventKind::WakerDropped { .. } => "waker-drop",
            EventKind::Dropped => "dropped",
            EventKind::CancelRequested => "cancel-requested",
            EventKind::CancelHonored => "cancel-honored",
            EventKind::Registered { .. } => "registered",
            EventKind::Mark { .. } => "mark",
            EventKind::ParkStart { .. } => "park",
            EventKind::ParkEnd { .. } => "unparked",
            EventKind::Unpark { .. } => "unpark",
        }
    }
}
