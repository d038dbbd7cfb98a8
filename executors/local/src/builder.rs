//! [`LocalBuilder`]: a [`LocalExecutor`] with a chosen park and a blocked-poll watch.

use std::fmt;
use std::time::Duration;

use wakewire_core::{BlockedPoll, Park, ThreadParker};

use crate::executor::LocalExecutor;

/// Configures a [`LocalExecutor`].
///
/// ```
/// use std::time::Duration;
/// use wakewire_core::{BlockOn, Spawn};
/// use wakewire_executor_local::LocalExecutor;
///
/// let ex = LocalExecutor::builder()
///     .blocked_poll_threshold(Duration::from_millis(50))
///     .on_blocked_poll(|report| eprintln!("slow poll: {report}"))
///     .build();
/// let task = ex.spawn(async { 1 }).unwrap();
/// assert_eq!(ex.block_on(task).unwrap(), 1);
/// ```
pub struct LocalBuilder<P = ThreadParker> {
    park: P,
    watch: BlockedWatch,
}

/// Receives blocked-poll reports on the executor's thread.
type BlockedHook = Box<dyn Fn(&BlockedPoll)>;

/// The blocked-poll threshold and hook; polls are only timed when a threshold is set.
#[derive(Default)]
pub(crate) struct BlockedWatch {
    pub(crate) threshold: Option<Duration>,
    hook: Option<BlockedHook>,
}

impl BlockedWatch {
    /// Reports a poll that ran for `report.duration`, if that is over the threshold.
    pub(crate) fn check(&self, report: BlockedPoll) -> bool {
        match self.threshold {
            Some(threshold) if report.duration >= threshold => {
                tracing::warn!(
                    task = report.task.as_u64(),
                    duration_us = report.duration.as_micros() as u64,
                    "a poll blocked the local executor's thread; move CPU-heavy or blocking \
                     work to spawn_blocking"
                );
                if let Some(hook) = &self.hook {
                    hook(&report);
                }
                true
            }
            _ => false,
        }
    }
}

impl LocalBuilder<ThreadParker> {
    pub(crate) fn new() -> Self {
        LocalBuilder {
            park: ThreadParker::new(),
            watch: BlockedWatch::default(),
        }
    }
}

impl<P: Park> LocalBuilder<P> {
    /// Waits in `park` when idle, instead of a plain [`ThreadParker`]: pass a reactor's
    /// park to have the idle executor thread turn that reactor.
    pub fn park<Q: Park>(self, park: Q) -> LocalBuilder<Q> {
        LocalBuilder {
            park,
            watch: self.watch,
        }
    }

    /// Reports every task poll that runs for `threshold` or longer (off by default).
    ///
    /// Reports go to a `tracing` warning and to the hook set with
    /// [`on_blocked_poll`](Self::on_blocked_poll). Timing costs two clock reads per poll,
    /// so it is only done when a threshold is set.
    pub fn blocked_poll_threshold(mut self, threshold: Duration) -> Self {
        self.watch.threshold = Some(threshold);
        self
    }

    /// Calls `hook` on the executor's thread, after the slow poll, for every
    /// [`BlockedPoll`] report. Needs a threshold to have any effect.
    ///
    /// # Panics
    ///
    /// A panic in `hook` propagates to the caller of `block_on` (or `try_tick`,
    /// `run_until_stalled`); the task that was polled is not affected.
    pub fn on_blocked_poll(mut self, hook: impl Fn(&BlockedPoll) + 'static) -> Self {
        self.watch.hook = Some(Box::new(hook));
        self
    }

    /// Creates the executor.
    pub fn build(self) -> LocalExecutor<P> {
        LocalExecutor::from_parts(self.park, self.watch)
    }
}

impl<P> fmt::Debug for LocalBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalBuilder")
            .field("blocked_poll_threshold", &self.watch.threshold)
            .finish_non_exhaustive()
    }
}
