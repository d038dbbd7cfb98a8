//! What a runtime must offer to take part: the small traits every workload is written
//! against, and the object-safe form the harness keeps in its list.
//!
//! A workload is generic over [`Contender`]: it only spawns tasks, detaches them, awaits
//! one-shot messages and blocking jobs. Each peer implements these with its *own* parts
//! (its join handles, its oneshot, its blocking pool), so the comparison is against what
//! its users really run. Later workloads (timers, mpsc, tcp_echo) add associated types here
//! and one impl per runtime.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::workloads::{Counts, Workload};

/// Which column group a contender belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Slot {
    /// Two worker threads.
    Multi,
    /// One thread.
    Single,
}

impl Slot {
    pub(crate) const ALL: [Slot; 2] = [Slot::Multi, Slot::Single];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Slot::Multi => "multi",
            Slot::Single => "single",
        }
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The sending half of a runtime's native oneshot channel.
pub(crate) trait OneshotSender<T>: Send + 'static {
    /// Sends `value`; the receiver is known to be alive in every workload, so failure panics.
    fn send(self, value: T);
}

/// A cheap, cloneable handle that spawns onto a runtime from inside its tasks.
pub(crate) trait Spawner: Clone + Send + Sync + 'static {
    /// A join handle resolving to the task's output (errors panic: a bench must fail loudly).
    type Join<T: Send + 'static>: Future<Output = T> + Send + 'static;
    /// The future of one blocking job.
    type Blocking<T: Send + 'static>: Future<Output = T> + Send + 'static;
    /// The runtime's oneshot sender.
    type Tx<T: Send + 'static>: OneshotSender<T>;
    /// The runtime's oneshot receiver.
    type Rx<T: Send + 'static>: Future<Output = T> + Send + 'static;

    /// Spawns a task and returns its handle.
    fn spawn<F>(&self, future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Spawns a task whose handle is dropped (the runtime's cheapest "fire and forget").
    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static;

    /// Runs `job` on the runtime's blocking pool.
    fn spawn_blocking<F, T>(&self, job: F) -> Self::Blocking<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;

    /// A oneshot channel.
    fn oneshot<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>);
}

/// A runtime under test.
pub(crate) trait Contender {
    type Spawner: Spawner;

    /// The column it reports in.
    fn info(&self) -> Info;

    /// A spawner for tasks of this runtime.
    fn spawner(&self) -> Self::Spawner;

    /// Whether [`spawner`](Self::spawner) works from a thread outside the runtime (false
    /// for spawners kept in a thread-local of the runtime's thread).
    fn spawns_remotely(&self) -> bool;

    /// Runs `future` to completion from the harness thread.
    fn block_on<F: Future>(&self, future: F) -> F::Output;
}

/// How a contender is labelled in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Info {
    /// The column: `wakewire`, `tokio`, `async-executor` or `futures`.
    pub(crate) name: &'static str,
    pub(crate) slot: Slot,
    /// What exactly runs, for the legend (e.g. "tokio multi_thread, 2 workers").
    pub(crate) setup: &'static str,
    /// Re-polls a self-woken task in place instead of requeueing it (see `yield_many`).
    pub(crate) repolls_in_place: bool,
}

/// The object-safe form the harness iterates over.
pub(crate) trait DynContender {
    fn info(&self) -> Info;
    /// One timed run of `workload`, or `None` when it does not apply to this contender.
    fn run(&self, workload: Workload, counts: &Counts) -> Option<Duration>;
}

impl<C: Contender> DynContender for C {
    fn info(&self) -> Info {
        Contender::info(self)
    }

    fn run(&self, workload: Workload, counts: &Counts) -> Option<Duration> {
        crate::workloads::run(self, workload, counts)
    }
}
