//! The workloads of BENCHMARKS.md, each generic over [`Contender`], each checking its own
//! result and panicking (failing the whole run) when it is wrong.

mod blocking;
pub(crate) mod http;
mod lateness;
mod memory;
mod messaging;
mod mpsc;
mod spawning;
mod tcp_echo;
mod timers;
mod tracer;

use std::sync::OnceLock;
use std::time::Duration;

use crate::contender::Contender;

pub(crate) use tracer::TraceState;

/// What one run of a workload measured, in the order of its [`Kind::metrics`].
pub(crate) type Sample = Vec<f64>;

/// What a workload's row reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Nanoseconds per operation (lower is better).
    Time,
    /// Tick lateness in µs: p50, p99, max (lower is better); with `messages`, also the
    /// messages the always-ready task read in the run.
    Lateness { messages: bool },
    /// Bytes per item (lower is better).
    Bytes,
    /// Nanoseconds per request (lower is better), then the p99 latency of one request in
    /// µs (for a footnote, with the requests per second).
    Requests,
}

impl Kind {
    /// The names of the values of one sample.
    pub(crate) fn metrics(self) -> &'static [&'static str] {
        match self {
            Kind::Time => &["ns"],
            Kind::Lateness { messages: false } => &["p50_us", "p99_us", "max_us"],
            Kind::Lateness { messages: true } => &["p50_us", "p99_us", "max_us", "messages"],
            Kind::Bytes => &["bytes"],
            Kind::Requests => &["ns", "p99_us"],
        }
    }

    /// The value the ratio column compares: ns/op, p99 lateness, bytes.
    pub(crate) fn primary(self) -> usize {
        match self {
            Kind::Time | Kind::Bytes | Kind::Requests => 0,
            Kind::Lateness { .. } => 1,
        }
    }

    /// The unit of the primary value.
    pub(crate) fn unit(self) -> &'static str {
        match self {
            Kind::Time | Kind::Requests => "ns/op",
            Kind::Lateness { .. } => "µs",
            Kind::Bytes => "bytes",
        }
    }
}

/// A workload of BENCHMARKS.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Workload {
    SpawnMany,
    SpawnRemote,
    YieldMany,
    PingPong,
    ChainedSpawn,
    WakeLatency,
    Timers,
    Mpsc,
    TcpEcho,
    Blocking,
    Http,
    BlockedNeighbor,
    AlwaysReady,
    MemoryTask,
    MemoryTcp,
    /// `yield_many` with every task wrapped in the tracer, in one of its states (Wakewire only).
    TracedYield(TraceState),
}

impl Workload {
    /// In report order.
    pub(crate) const ALL: [Workload; 19] = [
        Workload::SpawnMany,
        Workload::SpawnRemote,
        Workload::YieldMany,
        Workload::PingPong,
        Workload::ChainedSpawn,
        Workload::WakeLatency,
        Workload::Timers,
        Workload::Mpsc,
        Workload::TcpEcho,
        Workload::Blocking,
        Workload::Http,
        Workload::BlockedNeighbor,
        Workload::AlwaysReady,
        Workload::MemoryTask,
        Workload::MemoryTcp,
        Workload::TracedYield(TraceState::Plain),
        Workload::TracedYield(TraceState::Off),
        Workload::TracedYield(TraceState::Paused),
        Workload::TracedYield(TraceState::On),
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Workload::SpawnMany => "spawn_many",
            Workload::SpawnRemote => "spawn_remote",
            Workload::YieldMany => "yield_many",
            Workload::PingPong => "ping_pong",
            Workload::ChainedSpawn => "chained_spawn",
            Workload::WakeLatency => "wake_latency",
            Workload::Timers => "timers",
            Workload::Mpsc => "mpsc",
            Workload::TcpEcho => "tcp_echo",
            Workload::Blocking => "blocking",
            Workload::Http => "http",
            Workload::BlockedNeighbor => "blocked_neighbor",
            Workload::AlwaysReady => "always_ready",
            Workload::MemoryTask => "memory_task",
            Workload::MemoryTcp => "memory_tcp",
            Workload::TracedYield(state) => state.workload_name(),
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    /// The workloads `name` selects: one by its name, or a group (`memory`: both memory
    /// rows; `traced_yield`: the four tracer states).
    pub(crate) fn select(name: &str) -> Vec<Workload> {
        match name {
            "memory" => vec![Workload::MemoryTask, Workload::MemoryTcp],
            "traced_yield" => Workload::ALL
                .into_iter()
                .filter(|w| w.is_tracer())
                .collect(),
            _ => Workload::from_name(name).into_iter().collect(),
        }
    }

    /// What its row reports.
    pub(crate) fn kind(self) -> Kind {
        match self {
            Workload::BlockedNeighbor => Kind::Lateness { messages: false },
            Workload::AlwaysReady => Kind::Lateness { messages: true },
            Workload::MemoryTask | Workload::MemoryTcp => Kind::Bytes,
            Workload::Http => Kind::Requests,
            _ => Kind::Time,
        }
    }

    /// A Wakewire-only row of the tracer's cost table.
    pub(crate) fn is_tracer(self) -> bool {
        matches!(self, Workload::TracedYield(_))
    }

    /// Only multi-thread runtimes run it (a blocked worker needs a second one).
    pub(crate) fn multi_only(self) -> bool {
        self == Workload::BlockedNeighbor
    }

    /// At most this many measured rounds: a full `tcp_echo` or `http` run takes seconds
    /// per contender and the lateness rows are a fixed 300 ms each, so they get fewer
    /// rounds.
    pub(crate) fn max_rounds(self) -> usize {
        match self {
            Workload::TcpEcho
            | Workload::Http
            | Workload::BlockedNeighbor
            | Workload::AlwaysReady => 7,
            Workload::MemoryTask | Workload::MemoryTcp => 3,
            _ => usize::MAX,
        }
    }

    /// Operations in one run, for ns/op.
    pub(crate) fn ops(self, counts: &Counts) -> u64 {
        let ops = match self {
            Workload::SpawnMany | Workload::SpawnRemote => counts.spawns,
            Workload::YieldMany | Workload::TracedYield(_) => {
                counts.yield_tasks * counts.yields_per_task
            }
            Workload::PingPong => counts.pairs * counts.round_trips,
            Workload::ChainedSpawn => counts.chain,
            Workload::WakeLatency => counts.wakes,
            Workload::Timers => counts.timers,
            Workload::Mpsc => counts.producers * counts.per_producer,
            Workload::TcpEcho => counts.connections * counts.messages,
            Workload::Blocking => counts.blocking_tasks * counts.jobs_per_task,
            Workload::Http => counts.http_connections * counts.http_requests,
            Workload::MemoryTask => counts.idle_tasks,
            Workload::MemoryTcp => counts.idle_connections,
            Workload::BlockedNeighbor | Workload::AlwaysReady => 1,
        };
        ops as u64
    }
}

/// The sizes of one run of each workload.
#[derive(Debug, Clone)]
pub(crate) struct Counts {
    pub(crate) spawns: usize,
    pub(crate) yield_tasks: usize,
    pub(crate) yields_per_task: usize,
    pub(crate) pairs: usize,
    pub(crate) round_trips: usize,
    pub(crate) chain: usize,
    pub(crate) wakes: usize,
    pub(crate) timers: usize,
    pub(crate) producers: usize,
    pub(crate) per_producer: usize,
    pub(crate) capacity: usize,
    pub(crate) connections: usize,
    pub(crate) messages: usize,
    pub(crate) message_size: usize,
    pub(crate) blocking_tasks: usize,
    pub(crate) jobs_per_task: usize,
    /// `http`: client connections, each with its own OS thread.
    pub(crate) http_connections: usize,
    /// `http`: requests per connection, one after another (keep-alive).
    pub(crate) http_requests: usize,
    /// Iterations of [`blocking::cpu_work`] that take about 10 µs on this machine.
    pub(crate) work_iterations: u64,
    /// The shape of `blocked_neighbor` and `always_ready`.
    pub(crate) ticking: lateness::Ticking,
    /// Idle tasks alive at once in `memory_task`.
    pub(crate) idle_tasks: usize,
    /// Idle loopback connections alive at once in `memory_tcp` (two sockets each).
    pub(crate) idle_connections: usize,
    /// The expected result of one `blocking` run, computed on first use (it is ~50 M
    /// rounds of CPU work: not worth paying when `blocking` is not run).
    blocking_checksum: OnceLock<u64>,
}

impl Counts {
    /// BENCHMARKS.md's sizes, or ~10x smaller with `quick`; the blocking jobs calibrated
    /// to ~10 µs here.
    pub(crate) fn new(quick: bool) -> Counts {
        Counts::with_work(quick, blocking::calibrate(Duration::from_micros(10)))
    }

    /// As [`new`](Self::new) with the blocking job size given (a child process of
    /// `--isolate` uses its parent's calibration, so every contender runs the same jobs).
    pub(crate) fn with_work(quick: bool, work_iterations: u64) -> Counts {
        let div = if quick { 10 } else { 1 };
        let (blocking_tasks, jobs_per_task) = (100, 100 / div);
        Counts {
            spawns: 10_000 / div,
            yield_tasks: 200,
            yields_per_task: 1_000 / div,
            pairs: 1_000 / div,
            round_trips: 10,
            chain: 1_000 / div,
            wakes: 10_000 / div,
            timers: 100_000 / div,
            producers: 4,
            per_producer: 100_000 / div,
            capacity: 1024,
            connections: 50,
            messages: 10_000 / div,
            message_size: 64,
            blocking_tasks,
            jobs_per_task,
            http_connections: 50,
            http_requests: 400 / div,
            work_iterations,
            ticking: lateness::Ticking::default(),
            idle_tasks: 10_000 / div,
            idle_connections: memory::connections_within_fd_limit(1_000 / div),
            blocking_checksum: OnceLock::new(),
        }
    }

    /// The expected result of one `blocking` run.
    pub(crate) fn blocking_checksum(&self) -> u64 {
        *self.blocking_checksum.get_or_init(|| {
            blocking::checksum(
                (self.blocking_tasks * self.jobs_per_task) as u64,
                self.work_iterations,
            )
        })
    }
}

/// One run of `workload` on `contender`.
pub(crate) fn run<C: Contender>(contender: &C, workload: Workload, counts: &Counts) -> Sample {
    let per_op = |elapsed: Duration| vec![elapsed.as_nanos() as f64 / workload.ops(counts) as f64];
    match workload {
        Workload::SpawnMany => per_op(spawning::spawn_many(contender, counts.spawns)),
        Workload::SpawnRemote => per_op(spawning::spawn_remote(contender, counts.spawns)),
        Workload::YieldMany => per_op(spawning::yield_many(
            contender,
            counts.yield_tasks,
            counts.yields_per_task,
        )),
        Workload::ChainedSpawn => per_op(spawning::chained_spawn(contender, counts.chain)),
        Workload::PingPong => per_op(messaging::ping_pong(
            contender,
            counts.pairs,
            counts.round_trips,
        )),
        Workload::WakeLatency => per_op(messaging::wake_latency(contender, counts.wakes)),
        Workload::Timers => per_op(timers::timers(contender, counts.timers)),
        Workload::Mpsc => per_op(mpsc::mpsc(
            contender,
            counts.producers,
            counts.per_producer,
            counts.capacity,
        )),
        Workload::TcpEcho => per_op(tcp_echo::tcp_echo(
            contender,
            counts.connections,
            counts.messages,
            counts.message_size,
        )),
        Workload::Blocking => per_op(blocking::blocking(contender, counts)),
        Workload::Http => {
            let (elapsed, p99) =
                http::http(contender, counts.http_connections, counts.http_requests);
            let mut sample = per_op(elapsed);
            sample.push(p99.as_secs_f64() * 1e6);
            sample
        }
        Workload::BlockedNeighbor => lateness::blocked_neighbor(contender, &counts.ticking),
        Workload::AlwaysReady => {
            lateness::always_ready(contender, &counts.ticking, counts.capacity)
        }
        Workload::MemoryTask => vec![memory::per_idle_task(contender, counts.idle_tasks)],
        Workload::MemoryTcp => vec![memory::per_idle_connection(
            contender,
            counts.idle_connections,
        )],
        Workload::TracedYield(state) => per_op(tracer::traced_yield_many(
            contender,
            counts.yield_tasks,
            counts.yields_per_task,
            state,
        )),
    }
}
