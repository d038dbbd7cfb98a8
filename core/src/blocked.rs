//! [`BlockedPoll`]: the report executors give when one poll holds a thread too long (and,
//! with a supervisor, [`MovedWork`]: what was moved off the blocked worker), and
//! [`BlockedPollWatch`]: the threshold, the hook and the report, shared by every executor.

use std::fmt;
use std::time::{Duration, Instant};

use crate::task::TaskId;

/// Which future a [`BlockedPoll`] report is about.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum PolledFuture {
    /// A spawned task.
    Task(TaskId),
    /// The future given to the executor's `block_on`: not a task, polled on the thread
    /// that called `block_on`.
    BlockOn,
}

impl From<TaskId> for PolledFuture {
    fn from(task: TaskId) -> Self {
        PolledFuture::Task(task)
    }
}

impl fmt::Display for PolledFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolledFuture::Task(task) => write!(f, "{task}"),
            PolledFuture::BlockOn => f.write_str("the block_on future"),
        }
    }
}

/// What a supervisor did about a worker stuck in one poll (see [`BlockedPoll::moved`]).
///
/// The blocked worker's duties go on without it: the task in its LIFO slot (woken by the
/// blocked task just before it blocked) is moved to the executor's shared queue; the tasks
/// in its local queue stay there for the other workers to steal, and a sleeping worker is
/// woken to take them; a replacement thread starts, so the executor keeps its configured
/// parallelism. A worker never holds a shared park's driver while it polls, so an idle
/// worker drives the reactor meanwhile.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct MovedWork {
    /// Whether a task waited in the blocked worker's LIFO slot and was moved to the shared
    /// queue.
    pub lifo_task: bool,
    /// Tasks queued on the blocked worker when it was found, left for the other workers to
    /// steal.
    pub queued_tasks: usize,
    /// The replacement thread, or why there is none.
    pub replacement: Replacement,
}

impl MovedWork {
    /// A record of what was moved.
    pub fn new(lifo_task: bool, queued_tasks: usize, replacement: Replacement) -> Self {
        MovedWork {
            lifo_task,
            queued_tasks,
            replacement,
        }
    }
}

/// Whether a supervisor started a thread to stand in for a blocked worker.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Replacement {
    /// A replacement thread runs tasks as worker `worker` until the blocked poll returns.
    Started {
        /// The replacement's worker index (after the regular workers' indices).
        worker: usize,
    },
    /// No thread was started: `cap` replacement threads already run (the executor's
    /// documented limit).
    CapReached {
        /// The limit on replacement threads running at once.
        cap: usize,
    },
    /// No thread was started: the system refused to start one, or the executor was
    /// shutting down.
    Failed,
}

/// A poll that ran longer than its executor's blocked-poll threshold.
///
/// While one poll runs, nothing else runs on that thread: CPU-heavy or blocking code
/// between two `.await`s stalls every other task queued there. Executors measure polls
/// (only when a threshold is set) and hand this report to a hook and to a `tracing`
/// warning after the poll returns. The fix is to move the work off the executor, for
/// example with `spawn_blocking`, and await its result.
///
/// An executor with a supervisor (the pool's `supervise`) also reports a poll *while* it
/// is still running, once it is found stuck, saying what was moved off the blocked
/// worker: [`still_running`](Self::still_running) and [`moved`](Self::moved).
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlockedPoll {
    /// The future whose poll was slow: a task, or the `block_on` future.
    pub polled: PolledFuture,
    /// How long that single poll ran (so far, when it is still running).
    pub duration: Duration,
    /// The index of the executor thread that ran it (always `Some(0)` on a
    /// single-threaded executor), or `None` for a `block_on` future polled on a thread
    /// that is none of the executor's workers (the pool's `block_on`).
    pub worker: Option<usize>,
    /// Whether the poll was still running when reported (a supervisor's report).
    pub still_running: bool,
    /// What a supervisor moved off the blocked worker, if one did.
    pub moved: Option<MovedWork>,
}

impl BlockedPoll {
    /// A report of a finished poll of `polled` on `worker` that took `duration`.
    pub fn new(polled: impl Into<PolledFuture>, duration: Duration, worker: Option<usize>) -> Self {
        BlockedPoll {
            polled: polled.into(),
            duration,
            worker,
            still_running: false,
            moved: None,
        }
    }

    /// The same report, made while the poll still runs, with what a supervisor moved.
    pub fn supervised(mut self, moved: MovedWork) -> Self {
        self.still_running = true;
        self.moved = Some(moved);
        self
    }

    /// The task whose poll was slow; `None` for a `block_on` future.
    pub fn task(&self) -> Option<TaskId> {
        match self.polled {
            PolledFuture::Task(task) => Some(task),
            PolledFuture::BlockOn => None,
        }
    }
}

impl fmt::Debug for BlockedPoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockedPoll")
            .field("polled", &self.polled)
            .field("duration", &self.duration)
            .field("worker", &self.worker)
            .field("still_running", &self.still_running)
            .field("moved", &self.moved)
            .finish()
    }
}

impl fmt::Display for BlockedPoll {
    /// `task#7 blocked executor thread 1 for 50.1ms in one poll`, or for a supervisor's
    /// report `task#7 has blocked executor thread 1 for 12ms in one poll and still runs;
    /// moved off it: the task in its LIFO slot, 3 queued tasks left to steal; replacement
    /// thread 2 started`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let thread = match self.worker {
            Some(worker) => format!("executor thread {worker}"),
            None => "the thread that called block_on".to_owned(),
        };
        if !self.still_running {
            return write!(
                f,
                "{} blocked {thread} for {:?} in one poll",
                self.polled, self.duration
            );
        }
        write!(
            f,
            "{} has blocked {thread} for {:?} in one poll and still runs",
            self.polled, self.duration
        )?;
        let Some(moved) = self.moved else {
            return Ok(());
        };
        f.write_str("; moved off it: ")?;
        if moved.lifo_task {
            f.write_str("the task in its LIFO slot, ")?;
        }
        write!(f, "{} queued task(s) left to steal; ", moved.queued_tasks)?;
        match moved.replacement {
            Replacement::Started { worker } => write!(f, "replacement thread {worker} started"),
            Replacement::CapReached { cap } => write!(
                f,
                "no replacement thread: all {cap} allowed replacement threads are running"
            ),
            Replacement::Failed => f.write_str("no replacement thread could be started"),
        }
    }
}

/// Times polls (of tasks and of `block_on` futures) and reports the ones that ran for a
/// threshold or longer: what every Wakewire executor's `blocked_poll_threshold` and
/// `on_blocked_poll` configure.
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
///     assert_eq!(report.worker, Some(0));
///     seen.set(seen.get() + 1);
/// });
/// # let task: TaskId = {
/// #     let (runnable, handle) = wakewire_core::task::spawn(async {}, |_| {});
/// #     let id = runnable.id();
/// #     drop((runnable, handle));
/// #     id
/// # };
/// let (output, report) = watch.time(task, Some(0), || 6 * 7); // stands for `runnable.run()`
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

    /// Calls `hook` with each report given to [`report`](Self::report), after the
    /// `tracing` warning. Without a threshold, [`time`](Self::time) makes no report, so
    /// only an executor's supervisor (if it has one) reaches the hook.
    pub fn set_hook(&mut self, hook: H) {
        self.hook = Some(hook);
    }

    /// The threshold, if one is set.
    pub fn threshold(&self) -> Option<Duration> {
        self.threshold
    }
}

impl<H: Fn(&BlockedPoll)> BlockedPollWatch<H> {
    /// Runs `poll` (one poll of `polled` — a task's id, or [`PolledFuture::BlockOn`] — on
    /// executor thread `worker`), timing it when a threshold is set. Returns `poll`'s
    /// result and, if it ran for the threshold or longer, the report to pass to
    /// [`report`](Self::report) once the caller is outside the polled future.
    #[inline]
    pub fn time<R>(
        &self,
        polled: impl Into<PolledFuture>,
        worker: Option<usize>,
        poll: impl FnOnce() -> R,
    ) -> (R, Option<BlockedPoll>) {
        let Some(threshold) = self.threshold else {
            return (poll(), None);
        };
        let start = Instant::now();
        let output = poll();
        let duration = start.elapsed();
        let report = (duration >= threshold).then(|| BlockedPoll::new(polled, duration, worker));
        (output, report)
    }

    /// Gives a report: a `tracing` warning, then the hook.
    ///
    /// # Panics
    ///
    /// A panic in the hook propagates: each executor says what it does with it.
    pub fn report(&self, report: &BlockedPoll) {
        let duration_us = u64::try_from(report.duration.as_micros()).unwrap_or(u64::MAX);
        if report.still_running {
            tracing::warn!(
                polled = %report.polled,
                worker = report.worker,
                duration_us,
                %report,
                "a poll is blocking its executor thread; the supervisor moved its work \
                 elsewhere. Move blocking or CPU-heavy work off the executor (spawn_blocking)"
            );
        } else {
            tracing::warn!(
                polled = %report.polled,
                worker = report.worker,
                duration_us,
                "a poll blocked its executor thread; move blocking or CPU-heavy work off the \
                 executor (spawn_blocking)"
            );
        }
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
