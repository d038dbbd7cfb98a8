//! The workloads of BENCHMARKS.md, each generic over [`Contender`], each checking its own
//! result and panicking (failing the whole run) when it is wrong.

mod blocking;
pub(crate) mod http;
mod messaging;
mod mpsc;
mod spawning;
mod tcp_echo;
mod timers;

use std::sync::OnceLock;
use std::time::Duration;

use crate::contender::Contender;

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
}

impl Workload {
    /// In report order.
    pub(crate) const ALL: [Workload; 11] = [
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
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    /// At most this many measured rounds: a full `tcp_echo` or `http` run takes seconds
    /// per contender, so they get fewer rounds than the rest.
    pub(crate) fn max_rounds(self) -> usize {
        match self {
            Workload::TcpEcho | Workload::Http => 7,
            _ => usize::MAX,
        }
    }

    /// Operations in one run, for ns/op.
    pub(crate) fn ops(self, counts: &Counts) -> u64 {
        let ops = match self {
            Workload::SpawnMany | Workload::SpawnRemote => counts.spawns,
            Workload::YieldMany => counts.yield_tasks * counts.yields_per_task,
            Workload::PingPong => counts.pairs * counts.round_trips,
            Workload::ChainedSpawn => counts.chain,
            Workload::WakeLatency => counts.wakes,
            Workload::Timers => counts.timers,
            Workload::Mpsc => counts.producers * counts.per_producer,
            Workload::TcpEcho => counts.connections * counts.messages,
            Workload::Blocking => counts.blocking_tasks * counts.jobs_per_task,
            Workload::Http => counts.http_connections * counts.http_requests,
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
    /// The expected result of one `blocking` run, computed on first use (it is ~50 M
    /// rounds of CPU work: not worth paying when `blocking` is not run).
    blocking_checksum: OnceLock<u64>,
}

impl Counts {
    /// BENCHMARKS.md's sizes, or ~10x smaller with `quick`.
    pub(crate) fn new(quick: bool) -> Counts {
        let div = if quick { 10 } else { 1 };
        let work_iterations = blocking::calibrate(Duration::from_micros(10));
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

/// One timed run; `None` when the workload does not apply to `contender`.
pub(crate) fn run<C: Contender>(
    contender: &C,
    workload: Workload,
    counts: &Counts,
) -> Option<Duration> {
    match workload {
        Workload::SpawnMany => Some(spawning::spawn_many(contender, counts.spawns)),
        Workload::SpawnRemote => Some(spawning::spawn_remote(contender, counts.spawns)),
        Workload::YieldMany => Some(spawning::yield_many(
            contender,
            counts.yield_tasks,
            counts.yields_per_task,
        )),
        Workload::ChainedSpawn => Some(spawning::chained_spawn(contender, counts.chain)),
        Workload::PingPong => Some(messaging::ping_pong(
            contender,
            counts.pairs,
            counts.round_trips,
        )),
        Workload::WakeLatency => Some(messaging::wake_latency(contender, counts.wakes)),
        Workload::Timers => Some(timers::timers(contender, counts.timers)),
        Workload::Mpsc => Some(mpsc::mpsc(
            contender,
            counts.producers,
            counts.per_producer,
            counts.capacity,
        )),
        Workload::TcpEcho => Some(tcp_echo::tcp_echo(
            contender,
            counts.connections,
            counts.messages,
            counts.message_size,
        )),
        Workload::Blocking => Some(blocking::blocking(contender, counts)),
        Workload::Http => Some(http::http(
            contender,
            counts.http_connections,
            counts.http_requests,
        )),
    }
}
