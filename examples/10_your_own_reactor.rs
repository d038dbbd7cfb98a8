//! 10 — Writing your own reactor: a virtual-time timer as a park layer.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 10_your_own_reactor            # add `-- --svg FILE` for a timeline
//! ```
//!
//! A reactor does two things: its *leaf futures* store the waker of whoever waits for an
//! event, and its *event loop* finds events and wakes those wakers. `ToyTimer` below is a
//! complete one with virtual time: `sleep(ticks)` returns a `ToySleep` leaf that registers
//! its deadline and waker; the event loop is a `Park` layer, so an executor's idle thread
//! runs it: when asked to park, it jumps virtual time to the earliest deadline and wakes
//! every sleeper that is due, through `wake_all("toy-timer", ..)` (one policy for
//! panicking wakers, and the tracer learns which reactor woke them). It also tells the
//! tracer about each registration (`registered`).
//!
//! Look for: each sleeper's poll 1 registering with `[toy-timer]` at its deadline; the
//! `[toy-timer on main]` lane waking them in deadline order (`t=10`, then `t=25`); each woken task
//! polled once more to `Ready`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use wakewire::core::waker::wake_all;
use wakewire::core::{BlockOn, LocalSpawn, Park, ThreadParker};
use wakewire::local::LocalExecutor;
use wakewire_adapter_trace::render::{svg, text, SvgOptions, TextOptions};
use wakewire_adapter_trace::{doctor::doctor, registered, Recorder, Trace, TraceExt};

/// The reactor's state: virtual time and the sleepers by deadline.
#[derive(Default)]
struct Timers {
    now: u64,
    sleepers: BTreeMap<(u64, u64), Waker>, // (deadline, registration number) -> waker
    registrations: u64,
}

/// The reactor: a park layer over `ThreadParker`, and a handle to make sleeps.
struct ToyTimer {
    timers: Rc<RefCell<Timers>>,
    below: ThreadParker,
}

impl ToyTimer {
    /// The event loop's one turn: jump to the earliest deadline, wake who is due.
    fn turn(&mut self) {
        let due: Vec<Waker> = {
            let mut timers = self.timers.borrow_mut();
            let Some((&(deadline, _), _)) = timers.sleepers.first_key_value() else {
                return;
            };
            timers.now = timers.now.max(deadline);
            let now = timers.now;
            let later = timers.sleepers.split_off(&(now + 1, 0));
            std::mem::replace(&mut timers.sleepers, later)
                .into_values()
                .collect()
        }; // borrow released: wakers are foreign code
        drop(wake_all("toy-timer", due));
    }
}

impl Park for ToyTimer {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.below.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        if self.timers.borrow().sleepers.is_empty() {
            return self.below.park(); // nothing to fire: sleep until unparked
        }
        self.turn();
        self.below.park_timeout(Duration::ZERO)
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.turn();
        self.below.park_timeout(timeout)
    }
}

/// The leaf future: ready once virtual time reaches its deadline.
#[must_use = "futures do nothing unless you poll them"]
struct ToySleep {
    timers: Rc<RefCell<Timers>>,
    deadline: u64,
    key: Option<(u64, u64)>,
}

fn sleep(timers: &Rc<RefCell<Timers>>, ticks: u64) -> ToySleep {
    let deadline = timers.borrow().now + ticks;
    ToySleep {
        timers: Rc::clone(timers),
        deadline,
        key: None,
    }
}

impl Future for ToySleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut timers = self.timers.borrow_mut();
        if timers.now >= self.deadline {
            return Poll::Ready(());
        }
        let key = match self.key {
            Some(key) => key,
            None => {
                timers.registrations += 1;
                registered("toy-timer", format!("wake at t={}", self.deadline));
                (self.deadline, timers.registrations)
            }
        };
        timers.sleepers.insert(key, cx.waker().clone()); // the latest waker
        drop(timers);
        self.key = Some(key);
        Poll::Pending
    }
}

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let timers = Rc::new(RefCell::new(Timers::default()));
    let reactor = ToyTimer {
        timers: Rc::clone(&timers),
        below: ThreadParker::new(),
    };
    let ex = LocalExecutor::with_park(reactor);

    let late = ex
        .spawn_local(sleep(&timers, 25).traced_in(&recorder, "sleeps-25"))
        .expect("the executor is alive");
    let early = ex
        .spawn_local(sleep(&timers, 10).traced_in(&recorder, "sleeps-10"))
        .expect("the executor is alive");
    ex.block_on(async {
        early.await.expect("finished");
        late.await.expect("finished");
    });

    let trace = recorder.snapshot();
    let mut out = format!("virtual time at the end: t={}\n\n", timers.borrow().now);
    let options = TextOptions::without_times();
    let _ = write!(out, "{}", text(&trace, &doctor(&trace), &options));
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let title = SvgOptions::titled("10 — your own reactor");
        std::fs::write(path, svg(&trace, &doctor(&trace), &title)).expect("write the SVG");
    }
}
