//! Park mode never stalls the pool's timers while a worker is idle: with the workers
//! sharing one timer park (`SharedPark` over a `TimerPark`), a task that blocks one
//! worker for 50 ms does not hold up a 5 ms sleep that the other, idle, worker can drive.
//!
//! The race this guards: the worker that drives the timer park is woken by a timer to run
//! a task that blocks, while the other worker sleeps on its own parker as a waiter. The
//! driving worker releases the driver as it returns from the park; unless the release hands
//! the driver to the waiter, nobody turns the timer until the blocking poll ends, and a
//! sleep due meanwhile completes 50 ms late.
//!
//! Each round sets that state up on purpose (in ordinary running it arises from a busy
//! worker's non-blocking turn of the driver, now and then):
//!
//! 1. A stand-in thread holds the driver (parked in the shared park for 20 ms) while the
//!    workers go to sleep, so both sleep as waiters; the sleeper task `S` meanwhile runs on
//!    one worker, `w`, and waits on a mailbox. `w` went to sleep last.
//! 2. The stand-in releases the driver. The blocker `T`, spawned from outside, wakes the
//!    last sleeper, `w`: `T` registers a 1 ms sleep and sends to `S`'s mailbox, which puts
//!    `S` in `w`'s LIFO slot (no other worker is woken); `S` registers a 5 ms sleep.
//! 3. `w` goes to sleep again, last, and takes the driver. At 1 ms the timer wakes `T` onto
//!    `w`'s queue and the pool wakes the last sleeper, `w`: it leaves the park and blocks
//!    in `T` for 50 ms.
//!
//! Without the hand-over (`Driver::release` not waking a waiter) the other worker stays
//! asleep from step 1 on and `S` completes after `T`: checked, every round failed. With it,
//! the stand-in's release and `w`'s hand the driver on, and `S` completes at 5 ms however
//! the schedule goes.
//!
//! The assertion is an order, not a duration: the sleeper finishes before the blocking poll
//! ends.
#![cfg(not(loom))]

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::thread;
use std::time::Duration;

use wakewire_core::{Park, SharedPark, ThreadParker};
use wakewire_executor_pool::Pool;
use wakewire_reactor_timer::{sleep, TimerPark};

use wakewire_test_util::{watchdog, Mailbox};

const ROUNDS: usize = 20;

#[test]
fn a_blocked_worker_does_not_stall_timers_while_the_other_is_idle() {
    let _dog = watchdog("park_shared_timers_while_blocked", Duration::from_secs(120));
    for round in 0..ROUNDS {
        let shared = SharedPark::new(TimerPark::new(ThreadParker::new()));
        // (1) The stand-in takes the driver before the workers exist.
        let mut stand_in = shared.worker();
        let holder = thread::spawn(move || stand_in.park_timeout(Duration::from_millis(20)));
        while !shared.is_driven() {
            thread::yield_now();
        }
        let mut pool = Pool::builder()
            .workers(2)
            .park_with({
                let shared = shared.clone();
                move |_| shared.worker()
            })
            .build();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mailbox = Mailbox::<()>::default();
        let (registered, registered_rx) = mpsc::channel();
        let sleeper = pool
            .spawn({
                let (log, mailbox) = (log.clone(), mailbox.clone());
                async move {
                    let mut recv = pin!(mailbox.recv());
                    let first = poll_fn(|cx| Poll::Ready(recv.as_mut().poll(cx))).await;
                    assert!(first.is_pending());
                    registered.send(()).unwrap();
                    recv.await;
                    sleep(Duration::from_millis(5)).await;
                    log.lock().unwrap().push("sleeper");
                }
            })
            .unwrap();
        registered_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        // (2) The driver is released (handed over, or left free).
        holder.join().unwrap().unwrap();
        let blocker = pool
            .spawn({
                let log = log.clone();
                async move {
                    let nap = sleep(Duration::from_millis(1));
                    mailbox.send(());
                    nap.await;
                    // (3) Woken by the timer, on the worker that drives it.
                    thread::sleep(Duration::from_millis(50));
                    log.lock().unwrap().push("blocker");
                }
            })
            .unwrap();
        pool.block_on(blocker).unwrap();
        pool.block_on(sleeper).unwrap();
        assert_eq!(
            *log.lock().unwrap(),
            ["sleeper", "blocker"],
            "round {round}: the timer stalled while a worker was blocked and the other idle"
        );
        pool.shutdown(Duration::from_secs(10)).unwrap();
    }
}
