//! 01 — Leaf futures and non-leaf futures.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 01_leaf_and_non_leaf            # add `-- --svg FILE` for a timeline
//! ```
//!
//! A *non-leaf* future is what you write with `async`: a pausable computation that awaits
//! other futures and owns no resource itself. A *leaf* future stands for one resource — a
//! channel receive, a timer, another task's result — and is made by whatever wakes it: a
//! reactor, or the executor's task cell. The `analyst` below is a non-leaf task; every
//! `.await` in it is commented with its leaf and the waker's holder, and marked in the
//! trace (`※`), so each `poll n → Pending` can be read against the `.await` it stopped at
//! and the `↯ woken by …` that ended the wait.
//!
//! Everything runs on one thread: the local executor's idle wait turns the timer
//! (`TimerPark`, on a manual clock that jumps to the next deadline, so the run is instant
//! and the same every time). Look for: the analyst is polled once per `.await` plus once
//! to finish; who woke it each time (the `server` task's channel send, `[timer]` — the
//! timer reactor, turned by the executor's own thread —, then the executor thread `main`
//! finishing the `summer` task's cell); and the `summer`, a task whose only leaf is
//! `yield_now`, waking itself.

use std::fmt::Write;
use std::time::Duration;

use wakewire::channel::mpsc;
use wakewire::core::future::yield_now;
use wakewire::core::{BlockOn, LocalSpawn, ThreadParker};
use wakewire::local::LocalExecutor;
use wakewire::timer::{ManualClock, TimerHandle, TimerPark};
use wakewire_adapter_trace::render::{story, svg, SvgOptions};
use wakewire_adapter_trace::{doctor::doctor, mark, Recorder, Trace, TraceExt};

/// The non-leaf task: a plain `async fn`. Every pause is a leaf future lower down.
async fn analyst(
    mut samples: mpsc::Receiver<Vec<u32>>,
    timer: TimerHandle,
    ex: &LocalExecutor<TimerPark<ThreadParker>>,
) -> String {
    // Leaf: a channel receive (channel reactor: the sender's `send` wakes us).
    mark("await samples.recv()");
    let data = samples.recv().await.expect("the server sends once");

    // Leaf: `Sleep` (timer reactor, turned by this executor's own idle park).
    mark("await timer.sleep(5 ms)");
    timer.sleep(Duration::from_millis(5)).await;

    // Leaf: a `JoinHandle` (the executor's task cell wakes it when `summer` finishes).
    let summer = ex
        .spawn_local(
            async move {
                yield_now().await; // leaf: `YieldNow`, which wakes its own task at once
                data.iter().map(|&x| u64::from(x)).sum::<u64>()
            }
            .traced("summer"),
        )
        .expect("the executor is alive");
    mark("await summer (a JoinHandle)");
    let total = summer
        .await
        .expect("summer neither panics nor is cancelled");
    format!("sum = {total}")
}

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let _current = recorder.enter(); // `.traced(..)` records here
    let clock = ManualClock::new();
    clock.set_auto_advance(true);
    let park = TimerPark::with_clock(ThreadParker::new(), clock);
    let timer = park.handle();
    let ex = LocalExecutor::with_park(park);

    let (tx, rx) = mpsc::bounded(1);
    let server_timer = timer.clone();
    let server = ex
        .spawn_local(
            async move {
                server_timer.sleep(Duration::from_millis(1)).await; // leaf: `Sleep`
                tx.send(vec![3, 1, 4, 1, 5, 9, 2, 6]).await.unwrap(); // leaf: `Send`
            }
            .traced("server"),
        )
        .expect("the executor is alive");
    let report = ex.block_on(analyst(rx, timer, &ex).traced("analyst"));
    ex.block_on(server).expect("the server finished");

    let trace = recorder.snapshot();
    let mut out = format!("analyst: {report}\n\n");
    let _ = write!(out, "{}", story(&trace, &doctor(&trace)));
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let title = SvgOptions::titled("01 — leaf and non-leaf futures");
        std::fs::write(path, svg(&trace, &doctor(&trace), &title)).expect("write the SVG");
    }
}
