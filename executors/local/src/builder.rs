//! [`LocalBuilder`]: a [`LocalExecutor`] with a chosen park and a blocked-poll watch.

use std::fmt;
use std::time::Duration;

use wakewire_core::{BlockedPoll, Park, ThreadParker};

use crate::executor::{LocalExecutor, LocalWatch};

/// Configures a [`LocalExecutor`].
///
/// ```
/// use std::time::Duration;
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
    watch: LocalWatch,
}

impl LocalExecutor<ThreadParker> {
    /// Configures an executor: its park, and a report for polls that block the thread.
    pub fn builder() -> LocalBuilder {
        LocalBuilder {
            park: ThreadParker::new(),
            watch: LocalWatch::new(),
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

    /// Reports every poll — of a task, or of the future given to
    /// [`block_on`](LocalExecutor::block_on) — that runs for `threshold` or longer (off by
    /// default; `Duration::ZERO` reports every poll).
    ///
    /// Reports go to a `tracing` warning and to the hook set with
    /// [`on_blocked_poll`](Self::on_blocked_poll). Timing costs two clock reads per poll,
    /// so it is only done when a threshold is set.
    pub fn blocked_poll_threshold(mut self, threshold: Duration) -> Self {
        self.watch.set_threshold(threshold);
        self
    }

    /// Calls `hook` on the executor's thread for every [`BlockedPoll`] report, after the
    /// slow poll returned. Needs a threshold to have any effect.
    ///
    /// # Panics
    ///
    /// A panic in `hook` propagates to the caller of `block_on` (or `try_tick`,
    /// `run_until_stalled`). The hook runs outside the task whose poll it reports, so that
    /// task is not affected: it keeps its output, and the executor stays usable.
    pub fn on_blocked_poll(mut self, hook: impl Fn(&BlockedPoll) + 'static) -> Self {
        self.watch.set_hook(Box::new(hook));
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
            .field("watch", &self.watch)
            .finish_non_exhaustive()
    }
}
