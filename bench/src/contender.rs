//! What a runtime must offer to take part: the small traits every workload is written
//! against, and the object-safe form the harness keeps in its list.
//!
//! A workload is generic over [`Contender`]: it only spawns tasks, detaches them, awaits
//! one-shot messages and blocking jobs. Each peer implements these with its *own* parts
//! (its join handles, its oneshot, its blocking pool), so the comparison is against what
//! its users really run: its timer, its bounded mpsc channel, its TCP sockets.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::io::{AsyncRead, AsyncWrite};

use crate::workloads::{Counts, Sample, Workload};

/// Which column group a contender belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A multi-thread runtime with this many workers (`--workers`, 2 by default).
    Multi(usize),
    /// One thread.
    Single,
}

impl Slot {
    /// `multi` or `single`, as in the JSON and the `--contender` filter.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Slot::Multi(_) => "multi",
            Slot::Single => "single",
        }
    }

    /// The worker count of a multi slot.
    pub(crate) fn workers(self) -> Option<usize> {
        match self {
            Slot::Multi(workers) => Some(workers),
            Slot::Single => None,
        }
    }
}

impl fmt::Display for Slot {
    /// `multi ×2` or `single`: the slot column of the table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Slot::Multi(workers) => write!(f, "multi ×{workers}"),
            Slot::Single => f.write_str("single"),
        }
    }
}

/// The sending half of a runtime's native oneshot channel.
pub(crate) trait OneshotSender<T>: Send + 'static {
    /// Sends `value`; the receiver is known to be alive in every workload, so failure panics.
    fn send(self, value: T);
}

/// The sending half of a runtime's native bounded mpsc channel.
pub(crate) trait MpscSender<T>: Clone + Send + 'static {
    /// Sends `value`, waiting for capacity; the receiver outlives every sender in the
    /// workload, so failure panics.
    fn send(&mut self, value: T) -> impl Future<Output = ()> + Send + '_;
}

/// The receiving half of a runtime's native bounded mpsc channel.
pub(crate) trait MpscReceiver<T>: Send + 'static {
    /// The next message, or `None` once every sender is gone and the channel is drained.
    fn recv(&mut self) -> impl Future<Output = Option<T>> + Send + '_;
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

    /// The runtime's timer future.
    type Sleep: Future<Output = ()> + Send + 'static;

    /// A sleep of `duration` on the runtime's timer (called inside the runtime's tasks).
    fn sleep(&self, duration: Duration) -> Self::Sleep;

    /// The future of one interval tick: the runtime's own timer, the one its users tick
    /// an interval with.
    type Tick: Future<Output = ()> + Send + 'static;

    /// Waits until `deadline` (a point on a ticking task's fixed grid).
    fn tick_at(&self, deadline: Instant) -> Self::Tick;

    /// Exempts `future` from the runtime's cooperative budget, so polling many leaf
    /// futures in one task poll registers every one of them (tokio's `unconstrained`).
    fn unconstrained<F: Future + Send>(future: F) -> impl Future<Output = F::Output> + Send {
        future
    }

    /// The runtime's bounded mpsc sender.
    type MpscTx<T: Send + 'static>: MpscSender<T>;
    /// The runtime's bounded mpsc receiver.
    type MpscRx<T: Send + 'static>: MpscReceiver<T>;

    /// A bounded mpsc channel of `capacity` messages.
    fn mpsc<T: Send + 'static>(capacity: usize) -> (Self::MpscTx<T>, Self::MpscRx<T>);

    /// The runtime's TCP stream, seen through the `futures-io` traits.
    type Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// The runtime's TCP listener.
    type Listener: Send + Sync + 'static;

    /// Binds a listener on 127.0.0.1, port chosen by the OS (called inside a task).
    fn bind(&self) -> impl Future<Output = (Self::Listener, SocketAddr)> + Send;

    /// Accepts one connection.
    fn accept(listener: &Self::Listener) -> impl Future<Output = Self::Stream> + Send + '_;

    /// Connects to `addr`.
    fn connect(&self, addr: SocketAddr) -> impl Future<Output = Self::Stream> + Send + 'static;

    /// Serves one HTTP/1.1 connection with hyper until the client closes it (the `http`
    /// workload's server, [`crate::workloads::http::serve`]), through this runtime's own
    /// glue between its sockets and hyper's I/O traits.
    fn serve_http(stream: Self::Stream) -> impl Future<Output = ()> + Send + 'static;
}

/// A runtime under test.
pub(crate) trait Contender {
    type Spawner: Spawner;

    /// A spawner for tasks of this runtime.
    fn spawner(&self) -> Self::Spawner;

    /// Runs `future` to completion from the harness thread.
    fn block_on<F: Future>(&self, future: F) -> F::Output;

    /// Whether this contender takes part in `workload`: every one except the Wakewire-only
    /// tracer rows, unless it says otherwise.
    fn runs(&self, workload: Workload) -> bool {
        !workload.is_tracer()
    }

    /// Whether this is a multi-thread runtime (the `blocked_neighbor` row is multi only).
    fn is_multi(&self) -> bool;
}

/// How a contender is labelled in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Info {
    /// The column: `wakewire`, `wakewire-park`, `wakewire-sup`, `wakewire-sup-park`,
    /// `tokio`, `async-executor` or `futures`.
    pub(crate) name: &'static str,
    pub(crate) slot: Slot,
    /// What exactly runs, for the legend (e.g. "tokio multi_thread, 2 workers").
    pub(crate) setup: String,
    /// Re-polls a self-woken task in place instead of requeueing it (see `yield_many`).
    pub(crate) repolls_in_place: bool,
}

/// The object-safe form the harness iterates over: a runtime in this process, or (with
/// `--isolate`) a child process that holds one.
pub(crate) trait DynContender {
    /// One run of `workload`: its measured values in the order of
    /// [`Kind::metrics`](crate::workloads::Kind::metrics), or `None` when it does not apply
    /// to this contender.
    fn run(&self, workload: Workload, counts: &Counts) -> Option<Sample>;
}

impl<C: Contender> DynContender for C {
    fn run(&self, workload: Workload, counts: &Counts) -> Option<Sample> {
        if !Contender::runs(self, workload) || (workload.multi_only() && !self.is_multi()) {
            return None;
        }
        Some(crate::workloads::run(self, workload, counts))
    }
}
