//! `SharedPark`: one park driven by whichever worker is idle; the others sleep on their own
//! thread parkers; every unpark reaches its worker on either path.
#![cfg(not(any(loom, shuttle)))]

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use wakewire_core::park::SharedPark;
use wakewire_core::{Park, ThreadParker, Unpark};

/// The shared park under test: a thread parker that counts blocking parks and zero
/// turns, and reports each blocking park as it begins.
struct Counting {
    inner: ThreadParker,
    blocking: Arc<AtomicUsize>,
    turns: Arc<AtomicUsize>,
    entered: mpsc::Sender<()>,
}

impl Park for Counting {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        self.blocking.fetch_add(1, Ordering::SeqCst);
        let _ = self.entered.send(());
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        if timeout.is_zero() {
            self.turns.fetch_add(1, Ordering::SeqCst);
        } else {
            self.blocking.fetch_add(1, Ordering::SeqCst);
            let _ = self.entered.send(());
        }
        self.inner.park_timeout(timeout)
    }
}

struct Fixture {
    shared: SharedPark<Counting>,
    blocking: Arc<AtomicUsize>,
    turns: Arc<AtomicUsize>,
    entered: mpsc::Receiver<()>,
}

fn fixture() -> Fixture {
    let (tx, entered) = mpsc::channel();
    let (blocking, turns) = (Arc::default(), Arc::default());
    let shared = SharedPark::new(Counting {
        inner: ThreadParker::new(),
        blocking: Arc::clone(&blocking),
        turns: Arc::clone(&turns),
        entered: tx,
    });
    Fixture {
        shared,
        blocking,
        turns,
        entered,
    }
}

/// Fails the test run instead of hanging it.
fn watchdog(what: &'static str) -> mpsc::Sender<()> {
    let (disarm, armed) = mpsc::channel::<()>();
    thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = armed.recv_timeout(Duration::from_secs(20)) {
            eprintln!("watchdog: {what} did not finish in 20 s (lost wakeup?)");
            std::process::abort();
        }
    });
    disarm
}

#[test]
fn one_worker_drives_the_other_sleeps_on_its_own_parker() {
    let _dog = watchdog("one driver");
    let f = fixture();
    let (mut a, mut b) = (f.shared.worker(), f.shared.worker());
    let (wake_a, wake_b) = (a.unparker(), b.unparker());
    let driver = thread::spawn(move || a.park().unwrap());
    f.entered.recv().unwrap(); // `a` is blocked inside the shared park, holding it
    let sleeper = thread::spawn(move || {
        b.park().unwrap();
        b
    });
    wake_b.unpark();
    let mut b = sleeper.join().unwrap();
    assert_eq!(f.blocking.load(Ordering::SeqCst), 1, "`b` never drove it");
    assert!(!driver.is_finished(), "waking `b` did not wake the driver");
    // A busy worker's zero turn skips a shared park that is held, and never blocks.
    b.park_timeout(Duration::ZERO).unwrap();
    assert_eq!(f.turns.load(Ordering::SeqCst), 0);
    wake_a.unpark();
    driver.join().unwrap();
    // Free again: the zero turn goes through to the shared park.
    b.park_timeout(Duration::ZERO).unwrap();
    assert_eq!(f.turns.load(Ordering::SeqCst), 1);
}

#[test]
fn an_unpark_before_park_is_kept_on_both_paths() {
    let _dog = watchdog("early unpark");
    let f = fixture();
    let mut a = f.shared.worker();
    // Free shared park: `a` would drive it, but the early unpark makes it return at once.
    a.unparker().unpark();
    a.park().unwrap();
    assert_eq!(
        f.blocking.load(Ordering::SeqCst),
        0,
        "returned without blocking"
    );
    // Held shared park: an early unpark is kept all the same.
    let mut holder = f.shared.worker();
    let wake_holder = holder.unparker();
    let driver = thread::spawn(move || holder.park().unwrap());
    f.entered.recv().unwrap();
    a.unparker().unpark();
    a.park().unwrap();
    wake_holder.unpark();
    driver.join().unwrap();
}

#[test]
fn timed_parks_return_on_both_paths() {
    let _dog = watchdog("timed parks");
    let f = fixture();
    let (mut a, mut b) = (f.shared.worker(), f.shared.worker());
    a.park_timeout(Duration::from_millis(1)).unwrap(); // drives, times out
    assert_eq!(f.blocking.load(Ordering::SeqCst), 1);
    let wake_a = a.unparker();
    let driver = thread::spawn(move || a.park().unwrap());
    f.entered.recv().unwrap();
    b.park_timeout(Duration::from_millis(1)).unwrap(); // thread parker, times out
    wake_a.unpark();
    driver.join().unwrap();
}

/// Two workers park and are unparked 2,000 times each by a third thread, in every order
/// the scheduler produces; each unpark follows a published flag, so a worker that returns
/// without seeing its flag parks again. A lost wakeup hangs (the watchdog fails it).
#[test]
fn stress_no_lost_wakeup_between_driver_and_thread_parker() {
    let _dog = watchdog("stress");
    let f = fixture();
    drop(f.entered); // parks stop reporting (sends fail)
    const ROUNDS: usize = 2_000;
    let flags: Arc<[AtomicUsize; 2]> = Arc::new(Default::default());
    let acks: Arc<[AtomicUsize; 2]> = Arc::new(Default::default());
    let mut unparkers = Vec::new();
    let mut workers = Vec::new();
    for index in 0..2 {
        let mut park = f.shared.worker();
        unparkers.push(park.unparker());
        let (flags, acks) = (Arc::clone(&flags), Arc::clone(&acks));
        workers.push(thread::spawn(move || {
            for round in 1..=ROUNDS {
                while flags[index].load(Ordering::SeqCst) < round {
                    park.park().unwrap();
                }
                acks[index].store(round, Ordering::SeqCst);
            }
        }));
    }
    for round in 1..=ROUNDS {
        for index in 0..2 {
            flags[index].store(round, Ordering::SeqCst);
            unparkers[index].unpark();
        }
        for ack in acks.iter() {
            while ack.load(Ordering::SeqCst) < round {
                thread::yield_now();
            }
        }
    }
    for worker in workers {
        worker.join().unwrap();
    }
    assert!(
        f.blocking.load(Ordering::SeqCst) > 0,
        "the shared park was driven"
    );
}
