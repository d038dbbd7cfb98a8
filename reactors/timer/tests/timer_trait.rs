//! `TimerHandle` is core's `Timer`: code generic over `T: Timer` runs on it unchanged, on
//! the real clock and on a manual one, with core's `timeout` and the trait's bad-input
//! rules (`Duration::MAX` never fires; a zero timeout still lets a ready future win).

use std::future::{pending, ready};
use std::time::{Duration, Instant};

use wakewire_core::block_on::Blocker;
use wakewire_core::timer::{timeout, DynTimer, DynTimerRef, Elapsed, Timer};
use wakewire_core::waker::counting_waker;
use wakewire_core::{BlockOn, ThreadParker};
use wakewire_reactor_timer::{ManualClock, TimerPark, TimerThread};

use wakewire_test_util::{finishes_within, poll_once, RecordingPark};

const MS: Duration = Duration::from_millis(1);

/// What generic code does with a timer: sleep, sleep until, and time out. Returns the
/// instants (on the timer's clock) at which each step ended.
async fn routine<T: Timer>(timer: &T) -> [Instant; 4] {
    let start = timer.now();
    timer.sleep(5 * MS).await;
    let slept = timer.now();
    timer.sleep_until(slept + 5 * MS).await;
    let slept_until = timer.now();
    let late = timeout(timer, 5 * MS, pending::<()>()).await;
    assert_eq!(late, Err(Elapsed::new()));
    let on_time = timeout(timer, Duration::ZERO, ready(7)).await;
    assert_eq!(on_time, Ok(7));
    [start, slept, slept_until, timer.now()]
}

#[test]
fn generic_code_runs_on_a_real_clock_timer() {
    finishes_within("real clock", Duration::from_secs(10), || {
        let thread = TimerThread::new();
        let [start, slept, slept_until, timed_out] =
            wakewire_core::block_on(routine(&thread.handle()));
        // Never early (lateness is not asserted: no timing assertions in tests).
        assert!(slept - start >= 5 * MS);
        assert!(slept_until - slept >= 5 * MS);
        assert!(timed_out - slept_until >= 5 * MS);
    });
}

#[test]
fn generic_code_runs_on_a_manual_clock_timer() {
    finishes_within("manual clock", Duration::from_secs(10), || {
        let clock = ManualClock::new();
        clock.set_auto_advance(true);
        let park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
        let timer = park.handle();
        let [start, slept, slept_until, timed_out] =
            Blocker::with_park(park).block_on(routine(&timer));
        // Auto-advance jumps exactly to each deadline.
        assert_eq!(slept - start, 5 * MS);
        assert_eq!(slept_until - slept, 5 * MS);
        assert_eq!(timed_out - slept_until, 5 * MS);
        assert_eq!(
            Timer::now(&timer),
            clock.now(),
            "the trait reads the timer's clock"
        );
    });
}

#[test]
fn a_dyn_timer_is_this_timer_too() {
    let clock = ManualClock::new();
    clock.set_auto_advance(true);
    let park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
    let handle = park.handle();
    let timers: Vec<&(dyn DynTimer + Send + Sync)> = vec![&handle];
    let start = clock.now();
    Blocker::with_park(park).block_on(async {
        for timer in timers {
            routine(&DynTimerRef(timer)).await;
        }
    });
    assert_eq!(clock.now() - start, 15 * MS);
}

#[test]
fn sleep_duration_max_through_the_trait_never_fires() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let mut forever = Timer::sleep(&timer, Duration::MAX);
    let mut far = Timer::sleep_until(&timer, clock.now() + Duration::from_secs(u64::MAX / 4));
    let (waker, wakes) = counting_waker();
    assert!(poll_once(&mut forever, &waker).is_pending());
    assert!(poll_once(&mut far, &waker).is_pending());
    for _ in 0..3 {
        clock.advance(Duration::from_secs(100 * 365 * 24 * 3600));
        park.turn();
    }
    assert_eq!(wakes.wakes(), 0);
    assert!(poll_once(&mut forever, &waker).is_pending());
    assert!(poll_once(&mut far, &waker).is_pending());
}

#[test]
fn zero_timeouts_through_the_trait() {
    let park = TimerPark::with_clock(RecordingPark::default(), ManualClock::new());
    let timer = park.handle();
    let (waker, _) = counting_waker();
    let mut ready_one = Box::pin(timeout(&timer, Duration::ZERO, ready(1)));
    assert_eq!(
        poll_once(&mut ready_one, &waker),
        std::task::Poll::Ready(Ok(1))
    );
    let mut never = Box::pin(timeout(&timer, Duration::ZERO, pending::<u8>()));
    assert_eq!(
        poll_once(&mut never, &waker),
        std::task::Poll::Ready(Err(Elapsed::new()))
    );
}
