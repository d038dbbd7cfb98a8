//! [`BlockedPoll`]: the report executors give when one poll holds a thread too long, and
//! [`BlockedPollWatch`]: the threshold, the hook and the report, shared by every executor.

use std::fmt;
use std::time::{Duration, Instant};

use crate::task::TaskId;

/// A poll that ran longer than its executor's blocked-poll threshold.
///
/// While one poll runs, nothing else runs on that thread: CPU-heavy or blocking code
/// between two `.await`s stalls every other task queued there. Executors measure polls
/// (only when a threshold is set) and hand this report to a hook and to a `tracing`
/// warning after the poll returns. The fix is to move the work off the executor, for
/// example with `spawn_blocking`, and await its result.
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlockedPoll {
    /// The task whose poll was slow.
    pub task: TaskId,
    /// How long that single poll ran.
    pub duration: Duration,
    /// The index of the executor thread that ran it (always 0 on a single-threaded
    /// executor).
    pub worker: usize,
}

impl BlockedPoll {
    /// A report for `task`, whose poll on `worker` took `duration`.
    pub fn new(task: TaskId, duration: Duration, worker: usize) -> Self {
        BlockedPoll {
            task,
            duration,
            worker,
        }
    }
}

impl fmt::Debug for BlockedPoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockedPoll")
            .field("task", &self.task)
            .field("duration", &self.duration)
            .field("worker", &self.worker)
            .finish()
    }
}

impl fmt::Display for BlockedPoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} blocked executor thread {} for {:?} in one poll",
            self.task, self.worker, self.duration
        )
    }
}

/// Times task polls and reports the ones that ran for a threshold or longer: what every
/// Wakewire executor's `blocked_poll_threshold` and `on_blocked_poll` configure.
///
/// Off by default: without a threshold nothing is measured, so the watch costs one branch
/// per poll. With one, each poll costs two clock reads. The executor times the task's poll
/// with [`time`](Self::time) and, when a report comes back, hands it to
/// [`report`](Self::report) *after* the poll returned, outside the task: whatever the hook
/// does cannot touch the task or its output.
///
/// `H` is the hook's type: `Send + Sync` on a multi-threaded executor, any `Fn` on a
/// single-threaded one.
///
/// ```
/// use std::cell::Cell;
/// use std::time::Duration;
/// use wakewire_core::blocked::BlockedPollWatch;
/// use wakewire_core::{BlockedPoll, TaskId};
///
/// let seen = Cell::new(0);
/// let mut watch = BlockedPollWatch::new();
/// watch.set_threshold(Duration::ZERO); // every poll is reported
/// watch.set_hook(|report: &BlockedPoll| {
///     assert_eq!(report.worker, 0);
///     seen.set(seen.get() + 1);
/// });
/// # let task: TaskId = {
/// #     let (runnable, handle) = wakewire_core::task::spawn(async {}, |_| {});
/// #     let id = runnable.id();
/// #     drop((runnable, handle));
/// #     id
/// # };
/// let (output, report) = watch.time(task, 0, || 6 * 7); // stands for `runnable.run()`
/// assert_eq!(output, 42);
/// if let Some(report) = report {
///     watch.report(&report);
/// }
/// assert_eq!(seen.get(), 1);
/// ```
pub struct BlockedPollWatch<H = Box<dyn Fn(&BlockedPoll) + Send + Sync>> {
    threshold: Option<Duration>,
    hook: Option<H>,
}

impl<H> BlockedPollWatch<H> {
    /// A watch that measures nothing until a threshold is set.
    pub const fn new() -> Self {
        BlockedPollWatch {
            threshold: None,
            hook: None,
        }
    }

    /// Reports every poll that runs for `threshold` or longer (`Duration::ZERO`: every
    /// poll).
    pub fn set_threshold(&mut self, threshold: Duration) {
        self.threshold = Some(threshold);
    }

    /// Calls `hook` with each report, after the `tracing` warning. Has no effect without
    /// a threshold.
    pub fn set_hook(&mut self, hook: H) {
        self.hook = Some(hook);
    }

    /// The threshold, if one is set.
    pub fn threshold(&self) -> Option<Duration> {
        self.threshold
    }
}

impl<H: Fn(&BlockedPoll)> BlockedPollWatch<H> {
    /// Runs `poll` (one poll of `task` on executor thread `worker`), timing it when a
    /// threshold is set. Returns `poll`'s result and, if it ran for the threshold or
    /// longer, the report to pass to [`report`](Self::report) once the caller is outside
    /// the task.
    #[inline]
    pub fn time<R>(
        &self,
        task: TaskId,
        worker: usize,
        poll: impl FnOnce() -> R,
    ) -> (R, Option<BlockedPoll>) {
        let Some(threshold) = self.threshold else {
            return (poll(), None);
        };
        let start = Instant::now();
        let output = poll();
        let duration = start.elapsed();
        let report = (duration >= threshold).then(|| BlockedPoll::new(task, duration, worker));
        (output, report)
    }

    /// Gives a report: a `tracing` warning, then the hook.
    ///
    /// # Panics
    ///
    /// A panic in the hook propagates: each executor says what it does with it.
    pub fn report(&self, report: &BlockedPoll) {
        tracing::warn!(
            task = report.task.as_u64(),
            worker = report.worker,
            duration_us = u64::try_from(report.duration.as_micros()).unwrap_or(u64::MAX),
            "a task blocked its executor thread in one poll; move blocking or CPU-heavy work \
             off the executor (spawn_blocking)"
        );
        if let Some(hook) = &self.hook {
            hook(report);
        }
    }
}

impl<H> Default for BlockedPollWatch<H> {
    fn default() -> Self {
        BlockedPollWatch::new()
    }
}

impl<H> fmt::Debug for BlockedPollWatch<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockedPollWatch")
            .field("threshold", &self.threshold)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}
