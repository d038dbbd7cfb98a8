//! What tracing costs per poll: off, paused, and on.
//!
//! Run it with (release: debug-build numbers mean little):
//!
//! ```text
//! cargo run --release -p wakewire-adapter-trace --example trace_overhead [POLLS]
//! ```
//!
//! One future that wakes itself and returns `Pending` `POLLS` times (default 1 000 000)
//! is polled by a bare loop — no executor, so only the tracer's cost shows. Four runs:
//!
//! 1. `plain`: the future alone;
//! 2. `off`: wrapped in `Traced` with no recorder (what `.traced(name)` gives when no
//!    recorder is current): one branch per poll;
//! 3. `paused`: traced into a recorder whose recording is paused (`set_enabled(false)`):
//!    one relaxed load more than `off`;
//! 4. `on`: traced and recording (three events per poll: start, wake, end; the ring
//!    overwrites its oldest events once full, as in a long run).
//!
//! Look for: `off` within noise of `plain`; `on` costing a few hundred nanoseconds per
//! poll (three mutex pushes and a few clock reads). These are printed, never asserted;
//! the benchmark harness measures the tracer alongside the executors.

use std::future::Future;
use std::hint::black_box;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use wakewire_adapter_trace::{Recorder, TraceExt, Traced};

/// Wakes itself and returns `Pending` until it has been polled `left` more times.
struct SelfWaking {
    left: u64,
}

impl Future for SelfWaking {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.left == 0 {
            return Poll::Ready(());
        }
        self.left -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Polls `future` to completion with a no-op waker; returns how long that took.
fn run<F: Future>(future: F) -> Duration {
    let waker = wakewire_core::waker::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    let started = Instant::now();
    while black_box(future.as_mut().poll(&mut cx)).is_pending() {}
    started.elapsed()
}

/// Nanoseconds per poll of the fastest of `rounds` results.
fn per_poll(samples: &[Duration], polls: u64) -> f64 {
    let best = samples.iter().min().copied().unwrap_or_default();
    best.as_secs_f64() * 1e9 / (polls + 1) as f64
}

fn main() {
    let polls: u64 = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(1_000_000);
    let future = || SelfWaking { left: polls };

    let paused_recorder = Recorder::new();
    paused_recorder.set_enabled(false);
    let recorder = Recorder::new();
    // Interleaved rounds, best of three, so a busy machine skews every variant alike.
    let mut samples: [Vec<Duration>; 4] = Default::default();
    for _ in 0..3 {
        samples[0].push(run(future()));
        samples[1].push(run(Traced::untraced(future())));
        samples[2].push(run(future().traced_in(&paused_recorder, "paused")));
        samples[3].push(run(future().traced_in(&recorder, "on")));
    }

    println!("{polls} polls of one self-waking future, bare poll loop");
    for (name, samples) in ["plain", "off", "paused", "on"].iter().zip(&samples) {
        println!("  {name:<7} {:>8.1} ns/poll", per_poll(samples, polls));
    }
    println!(
        "  recorder: {} events kept (capacity), {} overwritten",
        recorder.capacity(),
        recorder.dropped()
    );
}
