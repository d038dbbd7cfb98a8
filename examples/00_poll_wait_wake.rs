//! 00 — Poll → Wait → Wake, one step at a time, traced.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 00_poll_wait_wake            # add `-- --svg FILE` for a timeline
//! ```
//!
//! The smallest complete async runtime: `main` is the executor (it polls one task by hand
//! and parks its thread when there is nothing to do), a thread is the reactor (it holds
//! wakers until "its event" happens), and `Doorbell` is a hand-written *leaf future* that
//! connects them. The task is wrapped in `.traced(..)`, which hands it an instrumented
//! waker, so every step is recorded. Look for, in the narration and in the swimlanes:
//!
//! 1. **Poll**: `▶ poll 1` … `◀ Pending kept 1`: the leaf was not ready; it kept one clone
//!    of the waker (handed to the reactor) and registered with `[toy-reactor]`;
//! 2. **Wait**: `┊` in the task's lane, `park` in the executor thread's lane: nothing
//!    runs, nothing spins;
//! 3. **Wake**: `↯ wake → doorbell` in the reactor's lane (`[toy-reactor on …]`): the event happened, the reactor
//!    called `wake()` (which consumed its clone: `✗ drop doorbell waker, 0 left`), which unparked the
//!    executor (`unpark`), which polled the task again: `▶ poll 2`, `◀ Ready`.

use std::fmt::Write;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use wakewire::core::park::{Park, Unpark};
use wakewire::core::waker::wake_all;
use wakewire::core::ThreadParker;
use wakewire_adapter_trace::render::{svg, text, SvgOptions, TextOptions};
use wakewire_adapter_trace::{doctor::doctor, registered, Recorder, Trace, TraceExt};

/// What the doorbell and the reactor share: did it ring, and whom to wake when it does.
#[derive(Default)]
struct Bell {
    rang: bool,
    waker: Option<Waker>,
}

/// A leaf future: it resolves when the reactor rings its bell.
struct Doorbell {
    bell: Arc<Mutex<Bell>>,
    reactor: Option<mpsc::Sender<Arc<Mutex<Bell>>>>,
}

impl Future for Doorbell {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut bell = self.bell.lock().unwrap();
        if bell.rang {
            return Poll::Ready(());
        }
        // Keep the *latest* waker: the task may be polled with a new one each time.
        if !bell.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            bell.waker = Some(cx.waker().clone());
        }
        drop(bell);
        if let Some(reactor) = self.reactor.take() {
            registered("toy-reactor", "ring on event");
            reactor.send(Arc::clone(&self.bell)).unwrap();
        }
        Poll::Pending
    }
}

/// The reactor: a thread that owns event sources (bells) and rings each one when its
/// event (a message on `events`) arrives.
fn start_reactor(events: mpsc::Receiver<()>) -> mpsc::Sender<Arc<Mutex<Bell>>> {
    let (register, registrations) = mpsc::channel::<Arc<Mutex<Bell>>>();
    thread::Builder::new()
        .name("toy-reactor".into())
        .spawn(move || {
            for bell in registrations {
                let Ok(()) = events.recv() else { return };
                let waker = {
                    let mut bell = bell.lock().unwrap();
                    bell.rang = true;
                    bell.waker.take()
                };
                // Named, so the trace can say which reactor woke the task.
                drop(wake_all("toy-reactor", waker));
            }
        })
        .unwrap();
    register
}

/// The executor's waker: waking the task unparks the executor's thread.
struct UnparkOnWake<U>(U);

impl<U: Unpark> Wake for UnparkOnWake<U> {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// The executor's park, with one twist for the lesson: the first time the executor
/// parks, "the world" makes the event happen, so the wake always comes while it sleeps.
struct WorldActsWhileIdle {
    parker: ThreadParker,
    event: Option<mpsc::Sender<()>>,
}

impl Park for WorldActsWhileIdle {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.parker.unparker()
    }

    fn park(&mut self) -> std::io::Result<()> {
        if let Some(event) = self.event.take() {
            event.send(()).unwrap();
        }
        self.parker.park()
    }

    fn park_timeout(&mut self, timeout: std::time::Duration) -> std::io::Result<()> {
        self.parker.park_timeout(timeout)
    }
}

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let mut out = String::new();
    let recorder = Recorder::new();
    let (event, events) = mpsc::channel();
    let doorbell = Doorbell {
        bell: Arc::default(),
        reactor: Some(start_reactor(events)),
    };

    // The executor: one task, a parker, and a waker that unparks it.
    let mut parker = recorder.traced_park(WorldActsWhileIdle {
        parker: ThreadParker::new(),
        event: Some(event),
    });
    let waker = Waker::from(Arc::new(UnparkOnWake(parker.unparker())));
    let mut cx = Context::from_waker(&waker);
    let mut task = pin!(doorbell.traced_in(&recorder, "doorbell"));

    for poll in 1.. {
        let _ = writeln!(out, "executor: poll #{poll}");
        if task.as_mut().poll(&mut cx).is_ready() {
            let _ = writeln!(out, "executor: the task is Ready after {poll} polls");
            break;
        }
        let _ = writeln!(out, "executor: Pending; nothing to run, parking");
        parker.park().unwrap(); // meanwhile the event happens; the reactor wakes the task
        let _ = writeln!(out, "executor: unparked by the waker");
    }

    let trace = recorder.snapshot();
    let _ = writeln!(
        out,
        "\n{}",
        text(&trace, &doctor(&trace), &TextOptions::without_times())
    );
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let picture = svg(
            &trace,
            &doctor(&trace),
            &SvgOptions::titled("00 — Poll → Wait → Wake"),
        );
        std::fs::write(path, picture).expect("write the SVG");
    }
}
