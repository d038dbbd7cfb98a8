//! 08 — Park stacking: one idle thread drives a stack of reactors.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 08_park_stacking            # add `-- --svg FILE` for a timeline
//! ```
//!
//! An executor with nothing to run calls `park()` on its `Park`. A reactor can *be* a
//! park layer: it turns its own event loop, then parks the layer below it no longer than
//! its next deadline. Layers stack by wrapping — a timer over a socket reactor over a
//! thread parker — so one idle thread drives them all, with no reactor thread and no
//! thread hop. Executor and reactors still never name each other: they meet in the
//! `Park` trait.
//!
//! Here the local executor parks in `TracedPark("timer") → TimerPark → TracedPark("thread")
//! → ThreadParker`: each traced layer records its parks. The timer runs on a manual
//! clock that jumps to the next deadline whenever the thread would otherwise sleep (so
//! this runs instantly and the same way every time). Look for, in the executor thread's
//! lane `<main>` and the timer's lane next to it:
//!
//! 1. `park timer`: the executor parks the top layer;
//! 2. `park thread (poll)`, `unparked thread`: nothing was due, so the timer layer moved
//!    its clock to the next deadline and turned the layer below without blocking (moving
//!    the clock wakes the timer's driver: `unpark thread`);
//! 3. `↯ wake → short` in the lane `[timer on main]`: the timer reactor fired on this
//!    same thread — the idle executor thread drove the reactor;
//! 4. `unpark timer`, `unpark thread`: waking the task unparks the executor; the stack's
//!    unpark is passed down to its bottom layer;
//! 5. `unparked timer`, then `short`'s `▶ poll 2`, `◀ Ready`; the same again for `long`.
//!

use std::fmt::Write;
use std::time::Duration;

use wakewire::core::{BlockOn, LocalSpawn, ThreadParker};
use wakewire::local::LocalExecutor;
use wakewire::timer::{ManualClock, TimerPark};
use wakewire_adapter_trace::render::{svg, text, SvgOptions, TextOptions};
use wakewire_adapter_trace::{doctor::doctor, Recorder, Trace, TraceExt, TracedPark};

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let clock = ManualClock::new();
    clock.set_auto_advance(true);
    let bottom = TracedPark::new(ThreadParker::new(), recorder.clone()).layer("thread");
    let timer_layer = TimerPark::with_clock(bottom, clock);
    let timer = timer_layer.handle();
    let top = TracedPark::new(timer_layer, recorder.clone()).layer("timer");
    let ex = LocalExecutor::with_park(top);

    let short = timer.clone();
    let first = ex
        .spawn_local(
            async move { short.sleep(Duration::from_millis(10)).await }
                .traced_in(&recorder, "short"),
        )
        .expect("the executor is alive");
    let long = timer.clone();
    let second = ex
        .spawn_local(
            async move { long.sleep(Duration::from_millis(20)).await }.traced_in(&recorder, "long"),
        )
        .expect("the executor is alive");
    ex.block_on(async {
        first.await.expect("short finished");
        second.await.expect("long finished");
    });

    let trace = recorder.snapshot();
    let mut out = String::new();
    let options = TextOptions::without_times();
    let _ = write!(out, "{}", text(&trace, &doctor(&trace), &options));
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let title = SvgOptions::titled("08 — park stacking");
        std::fs::write(path, svg(&trace, &doctor(&trace), &title)).expect("write the SVG");
    }
}
