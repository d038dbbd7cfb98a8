//! 12 — Looking at a trace: Perfetto, `chrome://tracing`, SVG and the terminal.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 12_timelines -- [DIR]     # writes DIR/timeline.json and DIR/timeline.svg
//! ```
//!
//! One recorded trace, several pictures (`wakewire_adapter_trace::render`):
//!
//! - `chrome_json`: Chrome trace-event JSON. Open it at <https://ui.perfetto.dev> ("Open
//!   trace file") or in `chrome://tracing`: one row per task with its polls as spans and
//!   its waits between them, one row per waking thread or reactor, and an arrow from each
//!   wake to the poll it caused;
//! - `svg`: the same as one self-contained SVG file for a browser or the docs;
//! - `text`: swimlanes for the terminal (`00`–`10` print them);
//! - `story`: each task's own sequence, which does not depend on thread timing (printed
//!   below, and what the golden tests of this learning path compare).
//!
//! Three tasks on a two-worker pool each yield twice, then report to a gatherer through a
//! channel. Look for: each worker task's `Pending → woken by itself → …` story; in
//! Perfetto, polls of the same task landing on different worker threads (see a span's
//! `thread` argument) and the wake arrows looping back to each task's next poll.

use std::fmt::Write;
use std::path::PathBuf;

use wakewire::channel::mpsc;
use wakewire::core::future::yield_now;
use wakewire::core::{BlockOn, Spawn};
use wakewire::pool::Pool;
use wakewire_adapter_trace::render::{chrome_json, story, svg, SvgOptions};
use wakewire_adapter_trace::{doctor::doctor, Recorder, Trace, TraceExt};

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let pool = Pool::builder().workers(2).build();
    let (report, mut reports) = mpsc::unbounded::<usize>();
    let mut handles = Vec::new();
    for (id, name) in ["alpha", "beta", "gamma"].into_iter().enumerate() {
        let report = report.clone();
        let handle = pool
            .spawn(
                async move {
                    for _ in 0..2 {
                        yield_now().await;
                    }
                    report.send(id).await.expect("the gatherer listens");
                }
                .traced_in(&recorder, name),
            )
            .expect("the pool is running");
        handles.push(handle);
    }
    drop(report);
    let mut ids = pool.block_on(async {
        let mut ids = Vec::new();
        while let Ok(id) = reports.recv().await {
            ids.push(id);
        }
        ids
    });
    ids.sort_unstable(); // arrival order depends on the workers' timing
    for handle in handles {
        // A task's last poll is recorded once it returns, after its report was sent.
        pool.block_on(handle).expect("the task finished");
    }

    let trace = recorder.snapshot();
    let mut out = format!("reports from tasks {ids:?}\n\n");
    let _ = write!(out, "{}", story(&trace, &doctor(&trace)));
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    let dir = std::env::args()
        .nth(1)
        .map_or_else(std::env::temp_dir, PathBuf::from);
    let findings = doctor(&trace);
    let json = dir.join("timeline.json");
    let picture = dir.join("timeline.svg");
    std::fs::write(&json, chrome_json(&trace, &findings)).expect("write the JSON");
    let title = SvgOptions::titled("12 — three tasks on a two-worker pool");
    std::fs::write(&picture, svg(&trace, &findings, &title)).expect("write the SVG");
    eprintln!(
        "wrote {} (open in ui.perfetto.dev or chrome://tracing)",
        json.display()
    );
    eprintln!("wrote {} (open in a browser)", picture.display());
}
