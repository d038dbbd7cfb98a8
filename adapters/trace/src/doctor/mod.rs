//! The async doctor: lints over a recorded [`Trace`], in-process, on any executor.
//!
//! ```
//! use wakewire_adapter_trace::{doctor, Recorder, TraceExt};
//!
//! let recorder = Recorder::new();
//! // A broken leaf future: Pending, and it keeps no waker — nothing can ever wake it.
//! let lost = std::future::poll_fn(|_cx| std::task::Poll::<()>::Pending);
//! let mut task = Box::pin(lost.traced_in(&recorder, "forgotten"));
//! let waker = wakewire_core::waker::noop_waker();
//! let _ = task.as_mut().poll(&mut std::task::Context::from_waker(&waker));
//!
//! let findings = doctor::doctor(&recorder.snapshot());
//! assert!(matches!(findings[0].diagnosis, doctor::Diagnosis::LostWaker { .. }));
//! println!("{}", findings[0]); // lost waker: task `forgotten` ...
//! # use std::future::Future;
//! ```
//!
//! | lint | what it means | how it is found |
//! | --- | --- | --- |
//! | [lost waker](Diagnosis::LostWaker) | the task is `Pending` and no clone of its waker is alive outside the executor: it can never be woken | at the end of the trace: last poll `Pending`, no wake since it started, every waker generation dropped |
//! | [stale waker](Diagnosis::StaleWaker) | a waker older than the task's latest poll's was woken, and that poll's waker was kept by no one: the leaf future did not store the newest waker | a wake of generation `g` < latest poll, whose `kept` is 0 |
//! | [self-wake storm](Diagnosis::SelfWakeStorm) | the task woke itself during each of many polls in a row: a busy loop through the executor | consecutive self-woken `Pending` polls ≥ [`Doctor::self_wake_storm`] |
//! | [long poll](Diagnosis::LongPoll) | one poll held its thread too long: blocking or CPU-heavy work between two `.await`s | a poll's duration ≥ [`Doctor::long_poll`] |
//! | [never yielded](Diagnosis::NeverYielded) | a poll is still running when the trace is taken, for too long | a poll without end, started ≥ [`Doctor::never_yielded`] before the trace's end |
//! | [wake after completion](Diagnosis::WakeAfterCompletion) | a reactor kept and woke a waker of a finished task: a leaked registration | a wake after the task's `Ready` poll |
//! | [cancel ignored](Diagnosis::CancelIgnored) | the task was asked to cancel and was polled on without finishing | polls started after a cancel request, ended `Pending`, ≥ [`Doctor::cancel_grace_polls`], with no cancel honoured |
//!
//! The doctor reads only what the trace holds: when the recorder overwrote events
//! ([`Trace::dropped`]), tasks whose spawn was overwritten are not checked for lost wakers.

mod examine;

use std::fmt;
use std::time::Duration;

use crate::event::TaskTag;
use crate::trace::Trace;

/// The doctor's thresholds. [`Doctor::default`] holds the values [`doctor`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Doctor {
    /// A poll at least this long is a [`Diagnosis::LongPoll`] (default 100 ms).
    pub long_poll: Duration,
    /// A poll still running this long at the end of the trace is a
    /// [`Diagnosis::NeverYielded`] (default 1 s).
    pub never_yielded: Duration,
    /// This many self-woken `Pending` polls in a row are a [`Diagnosis::SelfWakeStorm`]
    /// (default 64).
    pub self_wake_storm: usize,
    /// This many `Pending` polls started after a cancel request are a
    /// [`Diagnosis::CancelIgnored`] (default 1: the next poll must finish it).
    pub cancel_grace_polls: u64,
}

impl Default for Doctor {
    fn default() -> Self {
        Doctor {
            long_poll: Duration::from_millis(100),
            never_yielded: Duration::from_secs(1),
            self_wake_storm: 64,
            cancel_grace_polls: 1,
        }
    }
}

impl Doctor {
    /// Runs every lint over `trace`; findings are in time order.
    pub fn examine(&self, trace: &Trace) -> Vec<Finding> {
        examine::examine(self, trace)
    }
}

/// Runs every lint over `trace` with the [default](Doctor::default) thresholds.
pub fn doctor(trace: &Trace) -> Vec<Finding> {
    Doctor::default().examine(trace)
}

/// One problem the doctor found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The task concerned.
    pub task: TaskTag,
    /// Its name.
    pub task_name: String,
    /// When the problem showed (on the recorder's clock): the event that reveals it.
    pub at: Duration,
    /// What is wrong.
    pub diagnosis: Diagnosis,
}

/// Who did something to a waker: a thread, and the reactor or task acting on it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Site {
    /// The thread's name.
    pub thread: String,
    /// The reactor, when it named itself.
    pub reactor: Option<&'static str>,
    /// The traced task being polled on that thread, if any.
    pub task: Option<String>,
}

/// The kinds of problem the doctor finds; see the [module docs](self) for each rule.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Diagnosis {
    /// The task is `Pending` and no clone of its waker is alive: it can never be woken.
    LostWaker {
        /// Its last poll.
        poll: u64,
        /// Where the last clone was dropped; `None` when the last poll kept no clone at
        /// all (the leaf future returned `Pending` without storing the waker).
        last_drop: Option<Site>,
    },
    /// A waker of an older poll was woken while the latest poll's waker was kept by no one.
    StaleWaker {
        /// The generation (poll) of the waker that was woken.
        woken: u64,
        /// The task's latest poll.
        latest: u64,
        /// Who woke it.
        by: Site,
    },
    /// The task woke itself during `polls` `Pending` polls in a row.
    SelfWakeStorm {
        /// How many polls in a row.
        polls: usize,
    },
    /// One poll ran for `duration`.
    LongPoll {
        /// Which poll.
        poll: u64,
        /// How long it ran.
        duration: Duration,
        /// The thread it blocked.
        thread: String,
    },
    /// A poll had been running for `running_for` when the trace was taken.
    NeverYielded {
        /// Which poll.
        poll: u64,
        /// How long it had run by the end of the trace.
        running_for: Duration,
        /// The thread it holds.
        thread: String,
    },
    /// A waker was woken after the task completed.
    WakeAfterCompletion {
        /// The generation that was woken.
        generation: u64,
        /// Who woke it.
        by: Site,
    },
    /// The task was asked to cancel and then returned `Pending` from `polls` polls.
    CancelIgnored {
        /// How many `Pending` polls followed the request.
        polls: u64,
    },
}

impl Diagnosis {
    /// The lint's name, as the renderers print it.
    pub fn name(&self) -> &'static str {
        match self {
            Diagnosis::LostWaker { .. } => "lost waker",
            Diagnosis::StaleWaker { .. } => "stale waker",
            Diagnosis::SelfWakeStorm { .. } => "self-wake storm",
            Diagnosis::LongPoll { .. } => "long poll",
            Diagnosis::NeverYielded { .. } => "never yielded",
            Diagnosis::WakeAfterCompletion { .. } => "wake after completion",
            Diagnosis::CancelIgnored { .. } => "cancel ignored",
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.reactor, &self.task) {
            (Some(reactor), _) => write!(f, "reactor `{reactor}` on thread `{}`", self.thread),
            (None, Some(task)) => write!(f, "task `{task}` on thread `{}`", self.thread),
            (None, None) => write!(f, "thread `{}`", self.thread),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let task = &self.task_name;
        write!(f, "{}: task `{task}` ", self.diagnosis.name())?;
        match &self.diagnosis {
            Diagnosis::LostWaker {
                poll,
                last_drop: Some(site),
            } => write!(
                f,
                "is Pending after poll {poll} and can never be woken: the last clone of its waker was dropped by {site}"
            ),
            Diagnosis::LostWaker {
                poll,
                last_drop: None,
            } => write!(
                f,
                "is Pending after poll {poll} and can never be woken: that poll kept no clone of its waker"
            ),
            Diagnosis::StaleWaker { woken, latest, by } => write!(
                f,
                "was woken through the waker of poll {woken} by {by}, but poll {latest}'s waker was never stored: a leaf future kept an old waker"
            ),
            Diagnosis::SelfWakeStorm { polls } => write!(
                f,
                "woke itself in {polls} polls in a row: it is busy-looping through the executor"
            ),
            Diagnosis::LongPoll {
                poll,
                duration,
                thread,
            } => write!(
                f,
                "held thread `{thread}` for {duration:?} in poll {poll}: blocking or CPU-heavy work between two awaits"
            ),
            Diagnosis::NeverYielded {
                poll,
                running_for,
                thread,
            } => write!(
                f,
                "has been in poll {poll} on thread `{thread}` for {running_for:?} without yielding"
            ),
            Diagnosis::WakeAfterCompletion { generation, by } => write!(
                f,
                "was woken (waker of poll {generation}) by {by} after it completed: a reactor kept its waker"
            ),
            Diagnosis::CancelIgnored { polls } => write!(
                f,
                "was asked to cancel, then returned Pending from {polls} poll(s) instead of finishing"
            ),
        }
    }
}
