//! A waker that panics when the timer wakes it. The timer's callers are drivers (a park,
//! its own thread, a shutdown), which have nobody to report a panic to: following core's
//! `wake_all` policy, every other waker is still woken, the panic is disposed of with
//! `drop_payload` (even a payload that panics again when dropped goes no further), and
//! nothing unwinds through the park.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Wake, Waker};
use std::time::Duration;

use wakewire_core::waker::{counting_waker, wake_source, WakeCounter};
use wakewire_core::Park;
use wakewire_reactor_timer::{ManualClock, Sleep, TimerHandle, TimerPark, TimerThread};

use wakewire_test_util::{finishes_within, panicking_waker, poll_once, RecordingPark};

const MS: Duration = Duration::from_millis(1);

/// A waker whose `wake` panics with a payload that panics again when it is dropped.
fn grenade_waker() -> (Waker, Arc<AtomicUsize>) {
    struct Grenade;
    impl Drop for Grenade {
        fn drop(&mut self) {
            panic!("this panic payload panics when dropped");
        }
    }
    struct Thrower(Arc<AtomicUsize>);
    impl Wake for Thrower {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
            panic::panic_any(Grenade);
        }
    }
    let attempts = Arc::new(AtomicUsize::new(0));
    (Waker::from(Arc::new(Thrower(attempts.clone()))), attempts)
}

/// Ten sleeps of `timer` due in 1 ms, each registered with a good waker.
fn good_sleeps(timer: &TimerHandle) -> Vec<(Sleep, WakeCounter)> {
    (0..10)
        .map(|_| {
            let mut sleep = timer.sleep(MS);
            let (waker, wakes) = counting_waker();
            assert!(poll_once(&mut sleep, &waker).is_pending());
            (sleep, wakes)
        })
        .collect()
}

#[test]
fn park_never_unwinds_and_wakes_every_good_waker() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let (bad, _) = panicking_waker();
    let (grenade, grenade_attempts) = grenade_waker();
    let mut bad_sleep = timer.sleep(MS);
    let mut grenade_sleep = timer.sleep(MS);
    assert!(poll_once(&mut bad_sleep, &bad).is_pending());
    let good = good_sleeps(&timer);
    assert!(poll_once(&mut grenade_sleep, &grenade).is_pending());
    clock.advance(MS);
    let parked = panic::catch_unwind(AssertUnwindSafe(|| park.park()));
    assert!(
        matches!(parked, Ok(Ok(()))),
        "nothing unwinds through the park"
    );
    assert_eq!(grenade_attempts.load(Ordering::SeqCst), 1);
    for (_, wakes) in &good {
        assert_eq!(wakes.wakes(), 1, "every good waker of the batch was woken");
    }
    // The timer goes on.
    let (waker, wakes) = counting_waker();
    let mut again = timer.sleep(MS);
    assert!(poll_once(&mut again, &waker).is_pending());
    clock.advance(MS);
    park.park().unwrap();
    assert_eq!(wakes.wakes(), 1);
}

#[test]
fn shutdown_disposes_of_the_panic() {
    let park = TimerPark::with_clock(RecordingPark::default(), ManualClock::new());
    let timer = park.handle();
    let (grenade, grenade_attempts) = grenade_waker();
    let mut doomed = timer.sleep(Duration::from_secs(3600));
    assert!(poll_once(&mut doomed, &grenade).is_pending());
    let good = good_sleeps(&timer);
    assert!(panic::catch_unwind(AssertUnwindSafe(move || drop(park))).is_ok());
    assert_eq!(grenade_attempts.load(Ordering::SeqCst), 1);
    for (_, wakes) in &good {
        assert_eq!(wakes.wakes(), 1);
    }
}

#[test]
fn the_timer_thread_survives_a_panicking_waker() {
    finishes_within(
        "timer thread after a panic",
        Duration::from_secs(10),
        || {
            let clock = ManualClock::new();
            let thread = TimerThread::with_clock(clock.clone());
            let timer = thread.handle();
            let (grenade, grenade_attempts) = grenade_waker();
            let mut bad = timer.sleep(MS);
            assert!(poll_once(&mut bad, &grenade).is_pending());
            clock.advance(MS);
            while grenade_attempts.load(Ordering::SeqCst) == 0 {
                std::thread::yield_now(); // bounded by the watchdog
            }
            // The driver thread is still there: a later sleep completes.
            let later = timer.sleep(10 * MS);
            let advancer = std::thread::spawn(move || clock.advance(10 * MS));
            wakewire_core::block_on(later);
            advancer.join().unwrap();
            assert_eq!(poll_once(&mut bad, &counting_waker().0), Poll::Ready(()));
        },
    );
}

#[test]
fn timer_wakes_name_their_source() {
    struct Recorder(Mutex<Vec<Option<&'static str>>>);
    impl Wake for Recorder {
        fn wake(self: Arc<Self>) {
            self.0.lock().unwrap().push(wake_source());
        }
    }
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let recorder = Arc::new(Recorder(Mutex::new(Vec::new())));
    let mut sleep = park.handle().sleep(MS);
    assert!(poll_once(&mut sleep, &Waker::from(recorder.clone())).is_pending());
    clock.advance(MS);
    assert_eq!(park.turn(), 1);
    assert_eq!(*recorder.0.lock().unwrap(), [Some("timer")]);
}
