//! Loom models of `SharedPark`'s `driving`/`notified` handshake: an unpark racing with a
//! worker that is choosing between the shared park and its own thread parker is never
//! lost. A lost one shows up as a deadlock (every modelled thread blocked).
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!  cargo test -p wakewire-core --release --test loom_shared_park`
#![cfg(loom)]

use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::Arc;
use loom::thread;

use wakewire_core::park::SharedPark;
use wakewire_core::{Park, ThreadParker, Unpark};

/// Parks `park` until a second thread raises a flag and unparks it: returns in every
/// interleaving unless the unpark can be lost.
fn park_until_unparked(mut park: impl Park) {
    let unpark = park.unpark();
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
            unparks.push(worker.unpark());
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
