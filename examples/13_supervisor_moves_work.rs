//! 13 — CPU-heavy work, way 2 taken further: a supervisor that *moves work* off a blocked
//! worker, and keeps the pool at its parallelism while the worker is stuck.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 13_supervisor_moves_work
//! ```
//!
//! A pool of **one** worker, supervised (`PoolBuilder::supervise(20 ms)`). The task
//! `cruncher` wakes `partner` (which the pool puts in the worker's LIFO slot, to run next)
//! and spawns `helper-1` and `helper-2` (onto the worker's own queue), then blocks the
//! worker — a stand-in for a long computation — until those three have run. On a pool
//! without supervision they never could: the only worker is the one blocked, and nothing
//! else may take a task from its LIFO slot. Here the supervisor's monitor thread sees the
//! worker inside one poll for 20 ms and takes it over: the LIFO task goes to the shared
//! queue, the queued tasks stay stealable, and a replacement thread (worker index 1) starts
//! and runs them. When `cruncher`'s poll returns, the replacement retires.
//!
//! Look for: the supervisor's report (what it moved, and the replacement it started), made
//! while `cruncher` still blocks; the three tasks running on the replacement thread; the
//! replacement retiring once `cruncher` is done (thread starts 2, stops 1 before shutdown).

use std::fmt::Write;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wakewire::core::BlockedPoll;
use wakewire::pool::{Pool, Replacement};

const THRESHOLD: Duration = Duration::from_millis(20);
/// How long `cruncher` waits for the others at most (they never come without supervision).
const PATIENCE: Duration = Duration::from_secs(5);

/// A one-message mailbox: `partner` waits on it, `cruncher` fills it.
#[derive(Clone, Default)]
struct Mailbox(Arc<Mutex<(bool, Option<std::task::Waker>)>>);

impl Mailbox {
    fn send(&self) {
        let waker = {
            let mut slot = self.0.lock().unwrap();
            slot.0 = true;
            slot.1.take()
        };
        if let Some(waker) = waker {
            waker.wake(); // from `cruncher`'s poll: `partner` goes to this worker's LIFO slot
        }
    }

    async fn recv(&self, registered: mpsc::Sender<()>) {
        let mut told = false;
        std::future::poll_fn(|cx| {
            let mut slot = self.0.lock().unwrap();
            if slot.0 {
                return std::task::Poll::Ready(());
            }
            slot.1 = Some(cx.waker().clone());
            if !std::mem::replace(&mut told, true) {
                let _ = registered.send(());
            }
            std::task::Poll::Pending
        })
        .await
    }
}

/// The name of the thread a task runs on, as this lesson tells them apart.
fn which_thread() -> &'static str {
    match std::thread::current().name() {
        Some(name) if name.ends_with("-0") => "worker 0",
        Some(name) if name.ends_with("-1") => "the replacement thread",
        _ => "some other thread",
    }
}

/// Runs the lesson; returns what it prints and the supervisor's reports.
pub fn run() -> (String, Vec<BlockedPoll>) {
    let (reports_tx, reports_rx) = mpsc::channel();
    let mut pool = Pool::builder()
        .workers(1)
        .supervise(THRESHOLD)
        .on_blocked_poll(move |report| {
            let _ = reports_tx.send(*report);
        })
        .build();
    let mut out = String::new();
    let _ = writeln!(out, "a pool of 1 worker, supervise({THRESHOLD:?})");

    // `partner` waits on the mailbox (its waker is registered before `cruncher` runs).
    let (ran_tx, ran_rx) = mpsc::channel::<(&'static str, &'static str)>();
    let mailbox = Mailbox::default();
    let (registered_tx, registered_rx) = mpsc::channel();
    let partner = {
        let (mailbox, ran_tx) = (mailbox.clone(), ran_tx.clone());
        pool.spawn(async move {
            mailbox.recv(registered_tx).await;
            let _ = ran_tx.send(("partner", which_thread()));
        })
        .expect("the pool runs")
    };
    registered_rx.recv().expect("partner waits on the mailbox");

    let spawner = pool.spawner();
    let cruncher = pool
        .spawn(async move {
            mailbox.send();
            for name in ["helper-1", "helper-2"] {
                let ran_tx = ran_tx.clone();
                spawner
                    .spawn(async move {
                        let _ = ran_tx.send((name, which_thread()));
                    })
                    .expect("the pool runs")
                    .detach();
            }
            // Blocks the only worker (no `.await` in here) until the three have run.
            let started = Instant::now();
            let mut ran = Vec::new();
            while ran.len() < 3 {
                match ran_rx.recv_timeout(PATIENCE.saturating_sub(started.elapsed())) {
                    Ok(event) => ran.push(event),
                    Err(_) => break,
                }
            }
            ran.sort_unstable();
            ran
        })
        .expect("the pool runs");
    let cruncher_id = cruncher.id();
    let _ = writeln!(
        out,
        "cruncher: wakes partner (into this worker's LIFO slot), spawns helper-1 and helper-2 \
         (onto its queue), then blocks the worker until the three have run"
    );

    let ran = pool.block_on(cruncher).expect("cruncher finished");
    pool.block_on(partner).expect("partner finished");
    // The report is made while cruncher blocks, but handed to the hook after the work
    // moved: it may land just after cruncher returned.
    let mut reports: Vec<BlockedPoll> = reports_rx.recv_timeout(PATIENCE).into_iter().collect();
    reports.extend(reports_rx.try_iter());
    for report in &reports {
        // Task numbers change from run to run: name the task instead.
        let text = report
            .to_string()
            .replace(&cruncher_id.to_string(), "task `cruncher`");
        let _ = writeln!(out, "supervisor: {text}");
    }
    if let Some(moved) = reports.first().and_then(|report| report.moved) {
        if let Replacement::Started { worker } = moved.replacement {
            let _ = writeln!(
                out,
                "  (the replacement runs as worker {worker}, after the pool's own workers)"
            );
        }
    }
    for (name, thread) in &ran {
        let _ = writeln!(out, "{name} ran on {thread} while cruncher was blocked");
    }
    if ran.len() < 3 {
        let _ = writeln!(
            out,
            "only {} of 3 ran: nothing took over the worker",
            ran.len()
        );
    }

    // The poll returned: within a sampling period the replacement retires.
    let deadline = Instant::now() + PATIENCE;
    while pool.metrics().thread_stops < 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let metrics = pool.metrics();
    let _ = writeln!(
        out,
        "cruncher returned; the replacement retired: thread starts {}, stops {}",
        metrics.thread_starts, metrics.thread_stops
    );
    pool.shutdown(Duration::from_secs(10))
        .expect("no poll blocks any more");
    let metrics = pool.metrics();
    let _ = writeln!(
        out,
        "after shutdown: {} supervised block(s), {} replacement thread(s), thread starts {}, \
         stops {}",
        metrics.supervised_blocks,
        metrics.replacement_threads,
        metrics.thread_starts,
        metrics.thread_stops
    );
    (out, reports)
}

fn main() {
    let (out, _) = run();
    print!("{out}");
}
