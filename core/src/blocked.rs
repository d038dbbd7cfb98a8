//! [`BlockedPoll`]: the report executors give when one poll holds a thread too long.

use std::fmt;
use std::time::Duration;

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
