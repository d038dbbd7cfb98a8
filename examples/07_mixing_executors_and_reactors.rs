//! 07 — Mixing executors and reactors: they meet only in the `Waker`.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 07_mixing_executors_and_reactors    # `-- --svg FILE` for a timeline
//! ```
//!
//! A reactor never asks which executor polls its futures; an executor never asks which
//! reactor will wake its tasks. So they mix freely. Here a task on **tokio**'s
//! current-thread runtime (`consumer`) awaits a Wakewire **channel** fed by a task on
//! Wakewire's **pool** (`producer`), then a **timer** of Wakewire's timer reactor, which
//! runs on its own thread (`wakewire-timer`), with no tokio timer or runtime involved.
//!
//! Look for, in the consumer's story: poll 1 waits for the channel and is woken by
//! `task `producer`` (the pool worker's send wakes tokio's task); poll 2 waits for the
//! timer and is woken by `[timer]`, from the timer reactor's own thread. The consumer asks for its value, and
//! moves the timer's manual clock, only once it is waiting (`when_waiting`), so each
//! wake always finds it parked and the output is the same on every run.

use std::fmt::Write;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::time::Duration;

use wakewire::channel::oneshot;
use wakewire::core::{BlockOn, Spawn};
use wakewire::pool::Pool;
use wakewire::timer::{ManualClock, TimerThread};
use wakewire_adapter_trace::render::{story, svg, SvgOptions};
use wakewire_adapter_trace::{doctor::doctor, Recorder, Trace, TraceExt};

/// Polls `future` to completion; the first time it returns `Pending` — its waker handed
/// to whoever will wake it — runs `action`.
async fn when_waiting<F: Future>(future: F, action: impl FnOnce()) -> F::Output {
    let mut future = pin!(future);
    let mut action = Some(action);
    poll_fn(move |cx| {
        let poll = future.as_mut().poll(cx);
        if poll.is_pending() {
            if let Some(action) = action.take() {
                action();
            }
        }
        poll
    })
    .await
}

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let pool = Pool::builder().workers(1).build();
    let clock = ManualClock::new();
    let timer = TimerThread::with_clock(clock.clone()); // the timer reactor's own thread
    let tokio = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");

    let (ask, asked) = oneshot::channel::<()>();
    let (reply, replied) = oneshot::channel::<u32>();
    let producer = pool
        .spawn(
            async move {
                asked.await.expect("the consumer asks"); // leaf: our channel, on our pool
                reply.send(42).expect("the consumer waits");
            }
            .traced_in(&recorder, "producer"),
        )
        .expect("the pool is running");

    let handle = timer.handle();
    let consumer = async move {
        // Leaf: a Wakewire channel receive, awaited on tokio.
        let value = when_waiting(replied, || ask.send(()).expect("the producer waits")).await;
        // Leaf: a Wakewire timer, driven by its own thread, awaited on tokio.
        let sleep = handle.sleep(Duration::from_millis(10));
        when_waiting(sleep, || clock.advance(Duration::from_millis(10))).await;
        value.expect("the producer replies")
    };
    let value = tokio.block_on(consumer.traced_in(&recorder, "consumer"));
    pool.block_on(producer).expect("the producer finished");

    let trace = recorder.snapshot();
    let mut out =
        format!("consumer (on tokio) got {value} from producer (on the Wakewire pool)\n\n");
    // The producer's own story depends on which thread ran first; the consumer's never does.
    let _ = write!(
        out,
        "{}",
        story(&trace.only_tasks(&["consumer"]), &doctor(&trace))
    );
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let title = SvgOptions::titled("07 — tokio, the Wakewire pool, channel and timer");
        std::fs::write(path, svg(&trace, &doctor(&trace), &title)).expect("write the SVG");
    }
}
