//! Wakewire's benchmark harness: the protocol of BENCHMARKS.md.
//!
//! ```text
//! cargo run --release -p wakewire-bench -- [--quick] [--only WORKLOAD] [--json PATH] [--write-results]
//! ```
//!
//! Every workload runs on Wakewire and on its peers (tokio, async-executor,
//! futures-executor) in both slots (N workers, 2 unless `--workers` says otherwise; one
//! thread), in interleaved rounds, within this one process or (`--isolate`) with each
//! contender in a child process of its own. stdout gets a markdown table of medians
//! (min–max) and the ratio Wakewire / fastest peer; progress goes to stderr. Each workload
//! checks its own result and panics, failing the run, when it is wrong.
//!
//! Module map: [`contender`] (the traits a runtime implements), [`runtimes`] (one module
//! per runtime family, and the catalogue of columns), [`workloads`], [`runner`]
//! (interleaved rounds), [`isolate`] (the child processes), [`alloc_count`] (the counting
//! allocator of the memory rows), [`stats`], [`report`] (tables, JSON, RESULTS.md),
//! [`machine`], [`args`].

mod alloc_count;
mod args;
mod contender;
mod isolate;
mod machine;
mod report;
mod runner;
mod runtimes;
mod stats;
mod util;
mod workloads;

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::args::{Args, USAGE};
use crate::report::Report;
use crate::runner::{Column, HANG_LIMIT};
use crate::workloads::Counts;

/// Counts heap bytes for the memory rows (off, one relaxed load per allocation, otherwise).
#[global_allocator]
static ALLOCATOR: alloc_count::Counting = alloc_count::Counting;

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
    if args.serve {
        return match isolate::serve(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("wakewire-bench (child): {err}");
                ExitCode::FAILURE
            }
        };
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

    let entries: Vec<_> = runtimes::catalogue(&args.workers)
        .into_iter()
        .filter(|entry| args.wants(&entry.info))
        .collect();
    let legend: Vec<_> = entries.iter().map(|entry| entry.info.clone()).collect();
    let modes: &[&'static str] = match (args.both, args.isolate) {
        (true, _) => &["in-process", "isolated"],
        (false, true) => &["isolated"],
        (false, false) => &["in-process"],
    };
    let mut reports = Vec::new();
    for &mode in modes {
        eprintln!("-- {mode}");
        let isolated = mode == "isolated";
        let columns: Vec<Column> = entries
            .iter()
            .map(|entry| Column {
                info: entry.info.clone(),
                contender: if isolated {
                    Box::new(isolate::Child::spawn(
                        &entry.info,
                        args.quick,
                        counts.work_iterations,
                    ))
                } else {
                    entry.make()
                },
            })
            .collect();
        // A child watches its own runs; the parent's watch is the backstop.
        let hang_limit = if isolated {
            HANG_LIMIT + Duration::from_secs(30)
        } else {
            HANG_LIMIT
        };
        let (rows, lines) =
            runner::run_all(&columns, &args.workloads(), &counts, rounds, hang_limit);
        drop(columns);
        reports.push(Report {
            mode,
            machine: machine.clone(),
            rows,
            lines,
            legend: legend.clone(),
            notes: Vec::new(),
        });
    }
    // Every report carries all the notes, the figures measured in each mode included.
    let notes = notes(&counts, &reports);
    for report in &mut reports {
        report.notes.clone_from(&notes);
    }
    println!("{}", report::body(&reports));

    if let Some(path) = &args.json {
        if let Err(err) = std::fs::write(path, report::json(&reports)) {
            eprintln!("wakewire-bench: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", path.display());
    }
    if args.write_results {
        let command = format!("cargo run --release -p wakewire-bench -- {}", raw.join(" "));
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("RESULTS.md");
        let load = format!("{load_before} → {}", machine::load_average());
        let text = report::results_file(&reports, command.trim_end(), &utc_now(), rounds, &load);
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("wakewire-bench: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}

/// The footnotes under the table: what each peer's "native part" is, the caveats, and
/// what `http` measured besides its table cells.
fn notes(counts: &Counts, reports: &[Report]) -> Vec<String> {
    let mut notes = vec![
        "ping_pong oneshots: Wakewire uses its channel reactor's `oneshot`; tokio uses `tokio::sync::oneshot`; async-executor uses `async-channel` `bounded(1)` (awaited through its `Stream` impl; the smol ecosystem has no dedicated oneshot); futures uses `futures-channel`'s oneshot.".to_owned(),
        "yield_many yields through the scheduler (wake_by_ref, then `Pending` once). † futures-executor's `ThreadPool` re-polls a task that woke itself in place instead of requeueing it, so it is not counted as the fastest peer there.".to_owned(),
        format!("blocking: {} async tasks each await {} jobs in turn, each job ~10 µs of CPU ({} xorshift rounds, calibrated at start-up). Wakewire: `wakewire_reactor_blocking::spawn_blocking` (global pool, up to 512 threads); tokio: `Handle::spawn_blocking` (up to 512 threads); async-executor: `blocking::unblock` (the `blocking` crate, up to 500 threads); futures has no blocking pool: jobs run as `async {{ job() }}` on a dedicated `ThreadPool` with one thread per core, awaited through a `RemoteHandle`.", counts.blocking_tasks, counts.jobs_per_task, counts.work_iterations),
        "spawn_remote, single slot: async-executor's `LocalExecutor` and futures' `LocalPool` cannot be spawned onto from another thread (n/a). Their single-slot spawners are reached through a thread-local of the harness thread so that all workloads can share `Send` task code.".to_owned(),
        format!("timers: {} sleeps of 1–100 ms (seeded), each polled once so it registers (tokio: inside `tokio::task::unconstrained`), 9 in 10 dropped at once, the rest awaited and checked not to end early. Every timer is boxed (`Box::pin`) for every contender, as tokio's `Sleep` is `!Unpin`. **Measured in process CPU time** (user + system, all threads), not wall time, which is the longest sleep whatever the timer costs. Wakewire: its timer reactor (`wakewire` column: the global timer thread; `wakewire-park`: the executor thread's own `TimerPark`); tokio: `tokio::time::sleep`; async-executor and futures: `futures-timer` (its own thread), because async-io loses timers at ≥ 10k live ones.", counts.timers),
        format!("mpsc: {} producer tasks x {} messages (u64) into one bounded({}) channel, one consumer checking order per producer. Wakewire: `wakewire_reactor_channel::mpsc::bounded`; tokio: `tokio::sync::mpsc::channel`; async-executor: `async_channel::bounded`; futures: `futures_channel::mpsc::channel` (its capacity is the buffer plus one slot per sender).", counts.producers, counts.per_producer, counts.capacity),
        format!("tcp_echo: {} loopback connections, server and clients in the same runtime; each client writes a {}-byte message and reads the echo back, {} times (op = one message round trip), every byte checked; `TCP_NODELAY` on every socket. Wakewire: its mio reactor (`wakewire`: the global reactor thread; `wakewire-park`: each executor thread's own reactor); tokio: `tokio::net` through `tokio-util`'s `compat` (a thin wrapper to the `futures-io` traits the workload is written against); async-executor: async-io `Async<TcpStream>` with the executor threads in `async_io::block_on` (smol's setup); futures: async-io too, driven by async-io's own thread.", counts.connections, counts.message_size, counts.messages),
        format!("http: hyper 1.x's HTTP/1.1 server (the same service code for everyone: `GET /plaintext` → 200, 13-byte body) on each contender, one task per connection; the client is outside every runtime and the same for all: {} OS threads with blocking std sockets, one kept-alive connection each, {} requests in turn per connection, every response checked (op = one request; the requests/s and p99 latency per request measured are in the last notes). Glue between the sockets and hyper: Wakewire: `wakewire-adapter-hyper`'s `HyperIo` over its mio sockets (`wakewire`: the global reactor thread; `wakewire-park`: each executor thread's own reactor); tokio: `hyper-util`'s `TokioIo` over `tokio::net::TcpStream`; async-executor: `smol-hyper`'s `FuturesIo` over async-io; futures: `wakewire-adapter-hyper`'s `HyperIo` over async-io (futures has no hyper glue). hyper's HTTP/1 server spawns nothing, so no `Executor` glue is involved.", counts.http_connections, counts.http_requests),
        "Join handles: each runtime's own (tokio `JoinHandle`, async-executor `Task`, futures `RemoteHandle` via `spawn_with_handle`, Wakewire core `JoinHandle`); chained_spawn detaches with each runtime's cheapest fire-and-forget spawn.".to_owned(),
        "Multi-thread results on this kind of machine are bimodal: read the min–max, and only compare ratios from one run.".to_owned(),
        format!("blocked_neighbor (µs; multi slot only): {} tasks tick a {:?} interval for {:?} (each runtime's own timer: Wakewire's timer reactor, `tokio::time::sleep_until`, async-io's `Timer::at` for async-executor, `futures-timer` for futures); {:?} in, a task spawned from inside the runtime blocks its worker for {:?} with `std::thread::sleep` inside its poll. The ticks follow a fixed grid (the burst behaviour of tokio's `Interval`): a task held up runs its missed ticks back to back, each counted as late as it is, so a stall shows in the p99 once 1% of all ticks fall inside it. Cell: p50 / p99 / max lateness in µs; the ratio compares p99. Wakewire runs it in both drive modes (`wakewire-park`: the workers share the timer and epoll through `SharedPark`, whose release hands the driver to an idle worker, so a blocked worker does not stall the timers), and in both again with supervision (`wakewire-sup`, `wakewire-sup-park`: `supervise(2ms)`; the blocked worker's LIFO task moves to the injector and a replacement thread keeps 2 workers running).", counts.ticking.tickers, counts.ticking.period, counts.ticking.window, counts.ticking.block_after, counts.ticking.block_for),
        format!("always_ready (µs): the same {} tickers for {:?}, next to one task that reads a bounded({}) channel (each runtime's own, as in mpsc) that never runs dry: it puts every message back as it reads it, so its receive and its send are always ready (a producer that is never behind). It stops at the end of the window whatever happens. Cell: p50 / p99 / max lateness in µs · messages it read; the ratio compares p99. A runtime with a cooperative budget (tokio; Wakewire's executors, whose channel, socket and timer leaves spend it) makes the reader yield; one without lets it starve the tickers of its thread.", counts.ticking.tickers, counts.ticking.window, counts.capacity),
        format!("memory (bytes, lower is better): heap bytes allocated minus bytes freed, counted by the harness's global allocator while N items exist at once, divided by N (allocations before the window are warmed up and not counted; the kernel's socket buffers are not heap and not counted). memory_task: {} tasks spawned with each runtime's join handle, each polled once and waiting on a gate whose waiter list is allocated beforehand (so the row is what the runtime allocates per task: task header, future, handle, queue slots). memory_tcp: {} loopback connections open at once, each with the client socket, the accepted socket and a server task waiting in a read (64-byte buffer), all the runtime's own. Same ratio as the time rows.", counts.idle_tasks, counts.idle_connections),
        "tracer table: `yield_many` on Wakewire with every task wrapped in `wakewire-adapter-trace`'s `Traced`: plain (no wrapper), off (`Traced::untraced`, what `.traced(name)` gives with no recorder current), paused (a recorder with recording paused), on (recording three events per poll into the default ring). ns per poll (one yield is one poll).".to_owned(),
        "`--isolate` runs each contender in its own process (the harness re-executes itself once per column and asks each child for one run at a time, keeping the rounds interleaved); without it every runtime lives in the harness's process, idle while the others run.".to_owned(),
    ];
    notes.extend(reports.iter().filter_map(Report::http_note));
    notes
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
