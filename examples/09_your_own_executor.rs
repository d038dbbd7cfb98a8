//! 09 — Writing your own executor, in about 40 lines.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 09_your_own_executor            # add `-- --svg FILE` for a timeline
//! ```
//!
//! An executor is a queue of tasks and a loop: pop a task, poll it, and let its waker put
//! it back in the queue. That is all `MiniExecutor` below does (the part between the two
//! `----` lines): each task is an `Arc<Task>` holding its future; the task *is* its waker
//! (`impl Wake for Task`: waking sends the task to the queue); `run` polls until no task
//! is left. No reactor is named — any reactor's leaf futures work on it, here a
//! Wakewire channel between two tasks.
//!
//! Look for: `ping` and `pong` taking turns; each `↯ wake → …` comes from the *other*
//! task's poll (the channel send wakes the receiver), and the next poll of the woken
//! task follows because the wake put it in the queue.

use std::fmt::Write;
use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};

use wakewire::channel::mpsc;
use wakewire_adapter_trace::render::{svg, text, SvgOptions, TextOptions};
use wakewire_adapter_trace::{doctor::doctor, Recorder, Trace, TraceExt};

// ---- the executor ----------------------------------------------------------------------
type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

struct Task {
    future: Mutex<Option<BoxFuture>>,
    queue: Sender<Arc<Task>>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        let queue = self.queue.clone();
        let _ = queue.send(self); // back in the queue: it will be polled again
    }
}

struct MiniExecutor {
    queue: Sender<Arc<Task>>,
    ready: Receiver<Arc<Task>>,
}

impl MiniExecutor {
    fn new() -> Self {
        let (queue, ready) = channel();
        MiniExecutor { queue, ready }
    }

    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        let future = Mutex::new(Some(Box::pin(future) as BoxFuture));
        let task = Arc::new(Task {
            future,
            queue: self.queue.clone(),
        });
        self.queue.send(task).expect("the executor owns the queue");
    }

    /// Polls woken tasks until none is queued (all done, or all waiting forever).
    fn run(&self) {
        while let Ok(task) = self.ready.try_recv() {
            let mut slot = task.future.lock().unwrap();
            let Some(future) = slot.as_mut() else {
                continue;
            }; // finished already
            let waker = Waker::from(Arc::clone(&task));
            if future
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_ready()
            {
                *slot = None; // drop the finished future
            }
        }
    }
}
// ---- end of the executor ---------------------------------------------------------------

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let (to_pong, mut pong_inbox) = mpsc::bounded::<u32>(1);
    let (to_ping, mut ping_inbox) = mpsc::bounded::<u32>(1);
    let log = Arc::new(Mutex::new(String::new()));

    let ex = MiniExecutor::new();
    let ping_log = Arc::clone(&log);
    ex.spawn(
        async move {
            for ball in 1..=2 {
                to_pong.send(ball).await.unwrap();
                let back = ping_inbox.recv().await.unwrap();
                let _ = writeln!(ping_log.lock().unwrap(), "ping: ball {back} came back");
            }
        }
        .traced_in(&recorder, "ping"),
    );
    ex.spawn(
        async move {
            while let Ok(ball) = pong_inbox.recv().await {
                to_ping.send(ball).await.unwrap();
            }
        }
        .traced_in(&recorder, "pong"),
    );
    ex.run();

    let trace = recorder.snapshot();
    let mut out = log.lock().unwrap().clone();
    let options = TextOptions::without_times();
    let _ = write!(out, "\n{}", text(&trace, &doctor(&trace), &options));
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let title = SvgOptions::titled("09 — your own executor");
        std::fs::write(path, svg(&trace, &doctor(&trace), &title)).expect("write the SVG");
    }
}
