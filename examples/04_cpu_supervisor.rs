//! 04 — CPU-heavy work, way 2: a supervisor that notices a blocked worker.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 04_cpu_supervisor            # add `-- --svg FILE` for a timeline
//! ```
//!
//! Sometimes the heavy work is already inside a poll — a library call that turns out to
//! be slow, a lock held too long. An executor cannot preempt a poll, but it can *notice*
//! one: the pool measures every poll when a blocked-poll threshold is set and reports
//! each one that ran too long, with the task and the worker, to a hook (and a `tracing`
//! warning). A supervisor can act on it: log it, move work elsewhere, alert. The async
//! doctor finds the same thing in a trace, on any executor (a *long poll*).
//!
//! A pool of two workers runs `cruncher`, which blocks its worker for 60 ms in one poll
//! (a `thread::sleep` standing in for CPU work), and `ticker`, which the other worker
//! keeps running meanwhile. Look for: the supervisor's one report, with a duration over
//! the 20 ms threshold; `ticker` finishing its yields while `cruncher`
//! blocks; the doctor's `long poll` for `cruncher` (thresholds set to 20 ms here).

use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use wakewire::core::future::yield_now;
use wakewire::core::{BlockOn, BlockedPoll, Spawn};
use wakewire::pool::Pool;
use wakewire_adapter_trace::doctor::{Diagnosis, Doctor};
use wakewire_adapter_trace::render::{story, svg, SvgOptions};
use wakewire_adapter_trace::{Recorder, Trace, TraceExt};

const THRESHOLD: Duration = Duration::from_millis(20);

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let reports: Arc<Mutex<Vec<BlockedPoll>>> = Arc::default();
    let supervisor = Arc::clone(&reports);
    let pool = Pool::builder()
        .workers(2)
        .blocked_poll_threshold(THRESHOLD)
        .on_blocked_poll(move |report| supervisor.lock().unwrap().push(*report))
        .build();

    let cruncher = pool
        .spawn(
            async {
                thread::sleep(Duration::from_millis(60)); // the bug: blocking inside a poll
            }
            .traced_in(&recorder, "cruncher"),
        )
        .expect("the pool is running");
    let ticker = pool
        .spawn(
            async {
                for _ in 0..3 {
                    yield_now().await;
                }
            }
            .traced_in(&recorder, "ticker"),
        )
        .expect("the pool is running");
    pool.block_on(ticker).expect("ticker finished");
    pool.block_on(cruncher).expect("cruncher finished");

    let trace = recorder.snapshot();
    let mut out = String::new();
    // The cruncher's poll is over the threshold by construction (at least 60 ms). A
    // ticker poll is reported only if the machine stalled its thread for 20 ms: leave
    // those out so the output is the same on every run.
    for report in reports.lock().unwrap().iter() {
        if report.duration >= Duration::from_millis(60) {
            let _ = writeln!(
                out,
                "supervisor: a poll blocked a pool worker for {:?} (threshold {THRESHOLD:?})",
                report.duration
            );
        }
    }
    let doctor = Doctor {
        long_poll: THRESHOLD,
        ..Doctor::default()
    };
    let findings: Vec<_> = doctor
        .examine(&trace)
        .into_iter()
        .filter(|f| matches!(f.diagnosis, Diagnosis::LongPoll { .. }) && f.task_name == "cruncher")
        .collect();
    let _ = write!(out, "\n{}", story(&trace, &findings));
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let doctor = Doctor {
            long_poll: THRESHOLD,
            ..Doctor::default()
        };
        let title = SvgOptions::titled("04 — a supervisor notices a blocked worker");
        std::fs::write(path, svg(&trace, &doctor.examine(&trace), &title)).expect("write the SVG");
    }
}
