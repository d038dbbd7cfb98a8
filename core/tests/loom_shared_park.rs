//! Loom models of `SharedPark`: an unpark racing with a worker that is choosing between
//! the shared park and its own thread parker is never lost; a worker that is idle ends up
//! blocked in the shared park once nobody else holds it (the hand-over on release, also
//! after a busy worker's zero-timeout turn and after a park that panicked). A lost wakeup
//! or an unattended driver shows up as a deadlock (every modelled thread blocked).
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!  cargo test -p wakewire-core --release --test loom_shared_park`
#![cfg(loom)]

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::{Arc, Notify};
use loom::thread;

use wakewire_core::park::SharedPark;
use wakewire_core::{Park, ThreadParker, Unpark};

/// Parks `park` until a second thread raises a flag and unparks it: returns in every
/// interleaving unless the unpark can be lost.
fn park_until_unparked(mut park: impl Park) {
    let unpark = park.unparker();
    let flag = Arc::new(AtomicBool::new(false));
    let waker = {
        let flag = flag.clone();
        thread::spawn(move || {
            flag.store(true, Ordering::SeqCst);
            unpark.unpark();
        })
    };
    while !flag.load(Ordering::SeqCst) {
        park.park().unwrap();
    }
    waker.join().unwrap();
}

/// One worker parks until its flag is up; another thread raises the flag and unparks it.
/// The shared park is free, so the worker may drive it: the unpark must reach it there.
#[test]
fn loom_unpark_reaches_a_worker_driving_the_shared_park() {
    loom::model(|| {
        let shared = SharedPark::new(ThreadParker::new());
        park_until_unparked(shared.worker());
    });
}

/// Two workers share the park, so one of them may sleep on its own thread parker while
/// the other drives; a third thread (main) wakes both. Each must return in every
/// interleaving, whichever path it took.
#[test]
fn loom_unparks_reach_both_the_driver_and_the_thread_parker() {
    loom::model(|| {
        let shared = SharedPark::new(ThreadParker::new());
        let flags = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
        let mut unparks = Vec::new();
        let mut threads = Vec::new();
        for index in 0..2 {
            let mut worker = shared.worker();
            unparks.push(worker.unparker());
            let flags = flags.clone();
            threads.push(thread::spawn(move || {
                while !flags[index].load(Ordering::SeqCst) {
                    worker.park().unwrap();
                }
            }));
        }
        for (index, unpark) in unparks.iter().enumerate() {
            flags[index].store(true, Ordering::SeqCst);
            unpark.unpark();
        }
        for thread in threads {
            thread.join().unwrap();
        }
    });
}

/// The base case the models stand on: under loom, `ThreadParker` is built from loom's
/// primitives, so an unpark racing with `park` is explored too.
#[test]
fn loom_plain_thread_parker() {
    loom::model(|| park_until_unparked(ThreadParker::new()));
}

/// A thread parker that announces each blocking park, and can panic on its first one (as a
/// timer park does when a waker it fires panics).
struct Announcing {
    inner: ThreadParker,
    blocked: Arc<Notify>,
    panic_first: Arc<AtomicBool>,
}

impl Announcing {
    fn new(panic_first: bool) -> (Self, Arc<Notify>) {
        let blocked = Arc::new(Notify::new());
        let park = Announcing {
            inner: ThreadParker::new(),
            blocked: blocked.clone(),
            panic_first: Arc::new(AtomicBool::new(panic_first)),
        };
        (park, blocked)
    }
}

impl Park for Announcing {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        if self.panic_first.swap(false, Ordering::SeqCst) {
            std::panic::panic_any(PLANTED);
        }
        self.blocked.notify();
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        assert!(timeout.is_zero(), "the models only turn without blocking");
        self.inner.park_timeout(timeout)
    }
}

/// Keeps the planted panic (raised once per explored interleaving) out of the output,
/// and every other panic in it.
fn quiet_planted_panics() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload().downcast_ref::<&str>() != Some(&PLANTED) {
            report(info);
        }
    }));
}

const PLANTED: &str = "a waker fired by the driver panicked";

/// One worker turns the shared park without blocking (a busy worker's turn) while the
/// other runs out of work and parks. Whatever the interleaving, the idle worker ends up
/// blocked in the shared park: main waits for that, and deadlocks otherwise.
#[test]
fn loom_idle_worker_ends_up_driving_after_a_zero_turn() {
    loom::model(|| {
        let (park, blocked) = Announcing::new(false);
        let shared = SharedPark::new(park);
        let mut busy = shared.worker();
        let mut idle = shared.worker();
        let wake_idle = idle.unparker();
        let turner = thread::spawn(move || busy.park_timeout(Duration::ZERO).unwrap());
        let sleeper = thread::spawn(move || idle.park().unwrap());
        blocked.wait(); // someone is blocked in the driver: it can only be `idle`
        wake_idle.unpark();
        turner.join().unwrap();
        sleeper.join().unwrap();
    });
}

/// The first blocking park of the shared park panics on worker `a` (caught, as the pool
/// catches a panicking park); `a` and `b` then park until unparked. Neither unpark may be
/// lost, and the idle workers keep the driver attended. (That the panic leaves no stale
/// `DRIVING` bit on `a` is checked deterministically in `park_shared_handover.rs`: here the
/// hand-over would mask it.)
#[test]
fn loom_a_panicking_driver_loses_no_wakeup() {
    quiet_planted_panics();
    loom::model(|| {
        let (park, _blocked) = Announcing::new(true);
        let shared = SharedPark::new(park);
        let flags = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
        let mut a = shared.worker();
        let b = shared.worker();
        let unparks = [a.unparker(), b.unparker()];
        assert!(catch_unwind(AssertUnwindSafe(|| a.park())).is_err());
        assert!(!shared.is_driven(), "the panic released the driver");
        let a_thread = {
            let flags = flags.clone();
            thread::spawn(move || {
                while !flags[0].load(Ordering::SeqCst) {
                    a.park().unwrap();
                }
            })
        };
        let b_thread = {
            let flags = flags.clone();
            let mut b = b;
            thread::spawn(move || {
                while !flags[1].load(Ordering::SeqCst) {
                    b.park().unwrap();
                }
            })
        };
        for (index, unpark) in unparks.iter().enumerate() {
            flags[index].store(true, Ordering::SeqCst);
            unpark.unpark();
        }
        a_thread.join().unwrap();
        b_thread.join().unwrap();
    });
}
