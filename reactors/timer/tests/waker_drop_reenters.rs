//! The timer drops the wakers it replaces or forgets only after releasing its lock.
//!
//! Dropping a waker may run a lot of foreign code: when the timer holds the last reference
//! to a task of a foreign executor, dropping the waker frees the task and the sleeps it
//! owned, whose `Drop` cancels their entries in the same timer. Done under the timer's lock,
//! that cancel re-locks a held `std::sync::Mutex` and the thread deadlocks. Each test
//! registers such a waker, lets the timer hold its last reference, then makes the timer
//! replace or forget it. A deadlock fails the test after a few seconds.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use wakewire_core::waker::counting_waker;
use wakewire_core::ThreadParker;
use wakewire_reactor_timer::{ManualClock, Sleep, TimerPark};

use wakewire_test_util::{finishes_within, poll_once, reenters_on_drop};

const LIMIT: Duration = Duration::from_secs(5);
const MS: Duration = Duration::from_millis(1);

/// A hook that drops `sleep` (a registered sleep of the same timer) and records it ran.
fn drops(sleep: Sleep) -> (impl FnOnce() + Send + 'static, Arc<AtomicBool>) {
    let ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let sleep = Mutex::new(Some(sleep));
    let hook = move || {
        drop(sleep.lock().unwrap().take());
        flag.store(true, Ordering::SeqCst);
    };
    (hook, ran)
}

/// A sleep of `park`'s timer, registered with a throwaway waker.
fn registered_sleep(park: &TimerPark<ThreadParker>) -> Sleep {
    let mut sleep = park.handle().sleep(Duration::from_secs(60));
    assert!(poll_once(&mut sleep, &counting_waker().0).is_pending());
    sleep
}

#[test]
fn sleep_waker_replaced() {
    finishes_within("sleep, waker replaced", LIMIT, || {
        let clock = ManualClock::new();
        let mut park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
        let timer = park.handle();
        let (hook, ran) = drops(registered_sleep(&park));
        let (a, _) = reenters_on_drop(hook);
        let mut sleep = timer.sleep(10 * MS);
        assert!(poll_once(&mut sleep, &a).is_pending());
        drop(a); // the timer holds the last reference now
        assert_eq!(timer.live_timers(), 2);
        let (b, b_wakes) = counting_waker();
        assert!(poll_once(&mut sleep, &b).is_pending()); // replaces `a`
        assert!(ran.load(Ordering::SeqCst), "the old waker was dropped");
        assert_eq!(timer.live_timers(), 1, "its task's sleep was cancelled");
        clock.advance(10 * MS);
        assert_eq!(park.turn(), 1);
        assert_eq!(b_wakes.wakes(), 1, "the new waker is the one stored");
        assert_eq!(poll_once(&mut sleep, &b), Poll::Ready(()));
    });
}

#[test]
fn interval_waker_replaced() {
    finishes_within("interval, waker replaced", LIMIT, || {
        let clock = ManualClock::new();
        let mut park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
        let timer = park.handle();
        let mut ticks = timer.interval(10 * MS);
        let (waker, _) = counting_waker();
        assert!(matches!(
            poll_once(&mut Box::pin(ticks.tick()), &waker),
            Poll::Ready(Ok(_))
        ));
        let (hook, ran) = drops(registered_sleep(&park));
        let (a, _) = reenters_on_drop(hook);
        assert!(poll_once(&mut Box::pin(ticks.tick()), &a).is_pending());
        drop(a);
        let (b, b_wakes) = counting_waker();
        assert!(poll_once(&mut Box::pin(ticks.tick()), &b).is_pending());
        assert!(ran.load(Ordering::SeqCst));
        clock.advance(10 * MS);
        park.turn();
        assert_eq!(b_wakes.wakes(), 1);
    });
}

#[test]
fn pending_sleep_dropped() {
    finishes_within("sleep dropped while pending", LIMIT, || {
        let park = TimerPark::with_clock(ThreadParker::new(), ManualClock::new());
        let timer = park.handle();
        let (hook, ran) = drops(registered_sleep(&park));
        let (a, _) = reenters_on_drop(hook);
        let mut sleep = timer.sleep(10 * MS);
        assert!(poll_once(&mut sleep, &a).is_pending());
        drop(a);
        drop(sleep); // cancels its entry, forgetting `a`
        assert!(ran.load(Ordering::SeqCst));
        assert_eq!(timer.live_timers(), 0);
    });
}
