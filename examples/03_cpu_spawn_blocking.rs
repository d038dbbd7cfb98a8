//! 03 — CPU-heavy work, way 1: send it to a thread pool and await the result.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 03_cpu_spawn_blocking            # add `-- --svg FILE` for a timeline
//! ```
//!
//! While a poll runs, nothing else runs on that executor thread: CPU-heavy code between
//! two `.await`s stalls every other task queued there. The most common way out:
//! `spawn_blocking` runs the closure on the blocking reactor's thread pool and returns a
//! *leaf future* (`BlockingTask`) that the pool thread wakes when the job is done. The
//! executor thread is free meanwhile.
//!
//! One thread runs the local executor (its idle wait turns a timer on a manual clock);
//! `analyst` hands a sort of 200 000 numbers to `spawn_blocking`; `heartbeat` beats three
//! times. Look for: the analyst waits in one `Pending` poll and is `↯ woken by
//! [blocking]` (the blocking reactor, from its pool thread); the heartbeat's three beats,
//! each woken by `[timer]`, happen meanwhile
//! (they release the job: the first beat can only happen once the analyst's poll has
//! returned, which keeps this output the same on every run); the doctor finds no long
//! poll.

use std::fmt::Write;
use std::sync::mpsc;
use std::time::Duration;

use wakewire::blocking::spawn_blocking;
use wakewire::core::{BlockOn, LocalSpawn, ThreadParker};
use wakewire::local::LocalExecutor;
use wakewire::timer::{ManualClock, TimerPark};
use wakewire_adapter_trace::render::{story, svg, SvgOptions};
use wakewire_adapter_trace::{doctor::doctor, Recorder, Trace, TraceExt};

const SAMPLES: u32 = 200_000;

/// Deliberately CPU-heavy: sorts pseudo-random numbers and returns the median.
fn median_of_noise() -> u32 {
    let mut x: u32 = 2_463_534_242;
    let mut samples: Vec<u32> = (0..SAMPLES)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % 10_000
        })
        .collect();
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let _current = recorder.enter();
    let clock = ManualClock::new();
    clock.set_auto_advance(true);
    let park = TimerPark::with_clock(ThreadParker::new(), clock);
    let timer = park.handle();
    let ex = LocalExecutor::with_park(park);

    let (release_job, job_released) = mpsc::channel::<()>();
    let heartbeat = ex
        .spawn_local(
            async move {
                for beat in 1..=3 {
                    timer.sleep(Duration::from_millis(10)).await; // leaf: `Sleep`
                    if beat == 1 {
                        let _ = release_job.send(());
                    }
                }
            }
            .traced("heartbeat"),
        )
        .expect("the executor is alive");

    let analyst = async move {
        // Leaf: `BlockingTask` (blocking reactor: a pool thread wakes it when the job ends).
        let job = spawn_blocking(move || {
            let _ = job_released.recv();
            median_of_noise()
        });
        job.await.expect("the job neither panics nor is shut down")
    };
    let median = ex.block_on(analyst.traced("analyst"));
    ex.block_on(heartbeat).expect("the heartbeat finished");

    let trace = recorder.snapshot();
    let mut out = format!("analyst: median = {median}\n\n");
    let _ = write!(out, "{}", story(&trace, &doctor(&trace)));
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let title = SvgOptions::titled("03 — CPU work on spawn_blocking");
        std::fs::write(path, svg(&trace, &doctor(&trace), &title)).expect("write the SVG");
    }
}
