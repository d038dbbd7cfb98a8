//! Wakewire's benchmark harness: the protocol of BENCHMARKS.md.
//!
//! ```text
//! cargo run --release -p wakewire-bench -- [--quick] [--only WORKLOAD] [--json PATH] [--write-results]
//! ```
//!
//! Every workload runs on Wakewire and on its peers (tokio, async-executor,
//! futures-executor) in both slots (2 workers; one thread), in interleaved rounds within
//! this one process. stdout gets a markdown table of medians (min–max) in ns/op and the
//! ratio Wakewire / fastest peer; progress goes to stderr. Each workload checks its own
//! result and panics, failing the run, when it is wrong.
//!
//! Module map: [`contender`] (the traits a runtime implements), [`runtimes`] (one module
//! per runtime family), [`workloads`], [`runner`] (interleaved rounds), [`stats`],
//! [`report`] (table, JSON, RESULTS.md), [`machine`], [`args`].

mod args;
mod contender;
mod machine;
mod report;
mod runner;
mod runtimes;
mod stats;
mod util;
mod workloads;

use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::args::{Args, USAGE};
use crate::report::Report;
use crate::workloads::Counts;

/// Measured rounds per contender and workload (after one warm-up round).
const ROUNDS: usize = 15;
const QUICK_ROUNDS: usize = 5;

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let args = match Args::parse(raw.iter().cloned()) {
        Ok(args) => args,
        Err(err) => {
            eprintln!("wakewire-bench: {err}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let rounds = if args.quick { QUICK_ROUNDS } else { ROUNDS };
    let machine = machine::describe();
    let load_before = machine::load_average();
    eprintln!("machine: {machine}; load average {load_before}");
    let counts = Counts::new(args.quick);
    eprintln!(
        "counts: {counts:?}; {rounds} rounds{}",
        if args.quick { " (--quick)" } else { "" }
    );

    let mut contenders = runtimes::all();
    contenders.retain(|c| args.wants(&c.info()));
    let legend = contenders.iter().map(|c| c.info()).collect();
    let (rows, lines) = runner::run_all(&contenders, &args.workloads(), &counts, rounds);
    drop(contenders);
    let mut notes = notes(&counts);
    if let Some(measured) = workloads::http::footnote() {
        notes.push(format!(
            "http, measured in this run (median over rounds): {measured}."
        ));
    }

    let report = Report {
        machine,
        rows,
        lines,
        legend,
        notes,
    };
    println!("{}\n{}", report.table(), report.legend_and_notes());

    if let Some(path) = &args.json {
        if let Err(err) = std::fs::write(path, report.json()) {
            eprintln!("wakewire-bench: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", path.display());
    }
    if args.write_results {
        let command = format!("cargo run --release -p wakewire-bench -- {}", raw.join(" "));
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("RESULTS.md");
        let load = format!("{load_before} → {}", machine::load_average());
        let text = report.results_file(command.trim_end(), &utc_now(), rounds, &load);
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("wakewire-bench: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}

/// The footnotes under the table: what each peer's "native part" is, and the caveats.
fn notes(counts: &Counts) -> Vec<String> {
    vec![
        "ping_pong oneshots: Wakewire uses its channel reactor's `oneshot`; tokio uses `tokio::sync::oneshot`; async-executor uses `async-channel` `bounded(1)` (awaited through its `Stream` impl; the smol ecosystem has no dedicated oneshot); futures uses `futures-channel`'s oneshot.".to_owned(),
        "yield_many yields through the scheduler (wake_by_ref, then `Pending` once). † futures-executor's `ThreadPool` re-polls a task that woke itself in place instead of requeueing it, so it is not counted as the fastest peer there.".to_owned(),
        format!("blocking: {} async tasks each await {} jobs in turn, each job ~10 µs of CPU ({} xorshift rounds, calibrated at start-up). Wakewire: `wakewire_reactor_blocking::spawn_blocking` (global pool, up to 512 threads); tokio: `Handle::spawn_blocking` (up to 512 threads); async-executor: `blocking::unblock` (the `blocking` crate, up to 500 threads); futures has no blocking pool: jobs run as `async {{ job() }}` on a dedicated `ThreadPool` with one thread per core, awaited through a `RemoteHandle`.", counts.blocking_tasks, counts.jobs_per_task, counts.work_iterations),
        "spawn_remote, single slot: async-executor's `LocalExecutor` and futures' `LocalPool` cannot be spawned onto from another thread (n/a). Their single-slot spawners are reached through a thread-local of the harness thread so that all workloads can share `Send` task code.".to_owned(),
        format!("timers: {} sleeps of 1–100 ms (seeded), each polled once so it registers (tokio: inside `tokio::task::unconstrained`), 9 in 10 dropped at once, the rest awaited and checked not to end early. Every timer is boxed (`Box::pin`) for every contender, as tokio's `Sleep` is `!Unpin`. **Measured in process CPU time** (user + system, all threads), not wall time, which is the longest sleep whatever the timer costs. Wakewire: its timer reactor (`wakewire` column: the global timer thread; `wakewire-park`: the executor thread's own `TimerPark`); tokio: `tokio::time::sleep`; async-executor and futures: `futures-timer` (its own thread), because async-io loses timers at ≥ 10k live ones.", counts.timers),
        format!("mpsc: {} producer tasks x {} messages (u64) into one bounded({}) channel, one consumer checking order per producer. Wakewire: `wakewire_reactor_channel::mpsc::bounded`; tokio: `tokio::sync::mpsc::channel`; async-executor: `async_channel::bounded`; futures: `futures_channel::mpsc::channel` (its capacity is the buffer plus one slot per sender).", counts.producers, counts.per_producer, counts.capacity),
        format!("tcp_echo: {} loopback connections, server and clients in the same runtime; each client writes a {}-byte message and reads the echo back, {} times (op = one message round trip), every byte checked; `TCP_NODELAY` on every socket. Wakewire: its mio reactor (`wakewire`: the global reactor thread; `wakewire-park`: each executor thread's own reactor); tokio: `tokio::net` through `tokio-util`'s `compat` (a thin wrapper to the `futures-io` traits the workload is written against); async-executor: async-io `Async<TcpStream>` with the executor threads in `async_io::block_on` (smol's setup); futures: async-io too, driven by async-io's own thread.", counts.connections, counts.message_size, counts.messages),
        format!("http: hyper 1.x's HTTP/1.1 server (the same service code for everyone: `GET /plaintext` → 200, 13-byte body) on each contender, one task per connection; the client is outside every runtime and the same for all: {} OS threads with blocking std sockets, one kept-alive connection each, {} requests in turn per connection, every response checked (op = one request; requests/s and p99 latency per request are in the next note). Glue between the sockets and hyper: Wakewire: `wakewire-adapter-hyper`'s `HyperIo` over its mio sockets (`wakewire`: the global reactor thread; `wakewire-park`: each executor thread's own reactor); tokio: `hyper-util`'s `TokioIo` over `tokio::net::TcpStream`; async-executor: `smol-hyper`'s `FuturesIo` over async-io; futures: `wakewire-adapter-hyper`'s `HyperIo` over async-io (futures has no hyper glue). hyper's HTTP/1 server spawns nothing, so no `Executor` glue is involved.", counts.http_connections, counts.http_requests),
        "Join handles: each runtime's own (tokio `JoinHandle`, async-executor `Task`, futures `RemoteHandle` via `spawn_with_handle`, Wakewire core `JoinHandle`); chained_spawn detaches with each runtime's cheapest fire-and-forget spawn.".to_owned(),
        "Multi-thread results on this kind of machine are bimodal: read the min–max, and only compare ratios from one run.".to_owned(),
    ]
}

/// `YYYY-MM-DD HH:MM UTC`, without a date crate.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm), for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}
