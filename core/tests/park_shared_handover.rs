//! `SharedPark` never leaves its driver unattended while a worker is idle: whoever
//! releases it (a worker going back to its tasks, a busy worker after a zero turn, a park
//! that panicked) hands it to a waiting worker, and a panic in the driver's park leaves no
//! worker marked as driving.
#![cfg(not(any(loom, shuttle)))]

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use wakewire_core::park::SharedPark;
use wakewire_core::{Park, ThreadParker, Unpark};

const BOUND: Duration = Duration::from_secs(10);

#[derive(Debug, PartialEq, Eq)]
enum Event {
    /// Some worker is now blocked inside the shared park.
    Blocked,
    /// A zero-timeout turn began.
    ZeroTurn,
}

/// The shared park under test: a thread parker that reports blocking parks and zero turns,
/// can hold a zero turn until a gate opens, and can panic on its first blocking park.
struct Scripted {
    inner: ThreadParker,
    events: mpsc::Sender<Event>,
    zero_gate: Option<Arc<Mutex<mpsc::Receiver<()>>>>,
    panic_once: Arc<AtomicBool>,
}

impl Park for Scripted {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        if self.panic_once.swap(false, Ordering::SeqCst) {
            panic!("a waker fired by the driver panicked");
        }
        let _ = self.events.send(Event::Blocked);
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        if timeout.is_zero() {
            let _ = self.events.send(Event::ZeroTurn);
            if let Some(gate) = &self.zero_gate {
                let _ = gate.lock().unwrap().recv();
            }
            return self.inner.park_timeout(timeout);
        }
        let _ = self.events.send(Event::Blocked);
        self.inner.park_timeout(timeout)
    }
}

struct Fixture {
    shared: SharedPark<Scripted>,
    events: mpsc::Receiver<Event>,
    open_gate: mpsc::Sender<()>,
}

fn fixture(gated_zero_turns: bool, panic_once: bool) -> Fixture {
    let (tx, events) = mpsc::channel();
    let (open_gate, gate) = mpsc::channel();
    let shared = SharedPark::new(Scripted {
        inner: ThreadParker::new(),
        events: tx,
        zero_gate: gated_zero_turns.then(|| Arc::new(Mutex::new(gate))),
        panic_once: Arc::new(AtomicBool::new(panic_once)),
    });
    Fixture {
        shared,
        events,
        open_gate,
    }
}

fn expect(events: &mpsc::Receiver<Event>, event: Event, what: &str) {
    match events.recv_timeout(BOUND) {
        Ok(got) => assert_eq!(got, event, "{what}"),
        Err(_) => panic!("{what}: nothing happened within {BOUND:?}"),
    }
}

/// Spins (bounded) until `cond` holds.
fn until(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < BOUND, "{what}: not within {BOUND:?}");
        thread::yield_now();
    }
}

fn join_within<T>(thread: thread::JoinHandle<T>, what: &str) -> T {
    let start = Instant::now();
    while !thread.is_finished() {
        assert!(
            start.elapsed() < BOUND,
            "{what}: the thread did not return (lost wakeup)"
        );
        thread::sleep(Duration::from_millis(1));
    }
    thread.join().unwrap()
}

#[test]
fn a_worker_going_back_to_its_tasks_hands_the_driver_over() {
    let f = fixture(false, false);
    let (mut a, mut b) = (f.shared.worker(), f.shared.worker());
    let wake_a = a.unparker();
    let driver = thread::spawn(move || a.park().unwrap());
    expect(&f.events, Event::Blocked, "a drives");
    let wake_b = b.unparker();
    let waiter = thread::spawn(move || b.park().unwrap());
    until("b waits for the driver", || f.shared.waiting() == 1);
    // `a` is woken (a task for it) and leaves the driver to run it.
    wake_a.unpark();
    join_within(driver, "a returns");
    expect(
        &f.events,
        Event::Blocked,
        "b, idle, takes the driver over at once",
    );
    assert!(f.shared.is_driven());
    wake_b.unpark();
    join_within(waiter, "b returns");
    assert!(!f.shared.is_driven());
}

#[test]
fn a_busy_workers_zero_turn_hands_the_driver_over() {
    let f = fixture(true, false);
    let (mut busy, mut idle) = (f.shared.worker(), f.shared.worker());
    // The busy worker turns the driver without blocking; the turn is held open by the gate.
    let turner = thread::spawn(move || busy.park_timeout(Duration::ZERO).unwrap());
    expect(
        &f.events,
        Event::ZeroTurn,
        "the busy worker turns the driver",
    );
    // Meanwhile the other worker runs out of work: the driver is taken, so it waits.
    let wake_idle = idle.unparker();
    let sleeper = thread::spawn(move || idle.park().unwrap());
    until("the idle worker waits", || f.shared.waiting() == 1);
    f.open_gate.send(()).unwrap();
    join_within(turner, "the zero turn returns");
    expect(
        &f.events,
        Event::Blocked,
        "the idle worker takes the driver when the turn ends",
    );
    wake_idle.unpark();
    join_within(sleeper, "the idle worker returns");
}

#[test]
fn a_panicking_driver_park_leaves_no_worker_marked_as_driving() {
    let f = fixture(false, true);
    let (mut a, mut b) = (f.shared.worker(), f.shared.worker());
    let wake_a = a.unparker();
    // `a`'s park takes the driver and unwinds (as a pool worker's caught park would).
    assert!(catch_unwind(AssertUnwindSafe(|| a.park())).is_err());
    assert!(!f.shared.is_driven(), "the unwind released the driver");
    // `b` takes the driver and blocks in it; `a` then sleeps on its own parker.
    let wake_b = b.unparker();
    let driver = thread::spawn(move || b.park().unwrap());
    expect(&f.events, Event::Blocked, "b drives");
    let sleeper = thread::spawn(move || a.park().unwrap());
    until("a waits", || f.shared.waiting() == 1);
    // An unpark of `a` must reach `a`, not the driver `b`.
    wake_a.unpark();
    join_within(sleeper, "a is woken");
    assert!(
        !driver.is_finished(),
        "the unpark of `a` went to the driver (a stale DRIVING bit) and woke `b`"
    );
    wake_b.unpark();
    join_within(driver, "b is woken");
}
