//! `TimerPark` as a `Park` layer: how long it parks the layer below, stacking two timers,
//! and an executor driving it.

use std::time::Duration;

use wakewire_core::waker::counting_waker;
use wakewire_core::{Park, ThreadParker};
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_timer::{ManualClock, TimerPark};

use wakewire_test_util::{poll_once, watchdog, RecordingPark};

const MS: Duration = Duration::from_millis(1);

#[test]
fn parks_the_inner_layer_no_longer_than_the_next_deadline() {
    let mut park = TimerPark::new(RecordingPark::default());
    let timer = park.handle();
    // No timers: an untimed park below.
    park.park().unwrap();
    assert_eq!(park.get_ref().parks, 1);
    let (waker, _) = counting_waker();
    let mut sleep = timer.sleep(Duration::from_secs(60));
    assert!(poll_once(&mut sleep, &waker).is_pending());
    park.park().unwrap();
    let waited = *park.get_ref().timeouts.last().unwrap();
    assert!(
        waited <= Duration::from_secs(60) && waited > Duration::from_secs(50),
        "{waited:?}"
    );
    // A caller's shorter timeout wins.
    park.park_timeout(MS).unwrap();
    assert!(*park.get_ref().timeouts.last().unwrap() <= MS);
    // Duration::ZERO never blocks below.
    park.park_timeout(Duration::ZERO).unwrap();
    assert_eq!(*park.get_ref().timeouts.last().unwrap(), Duration::ZERO);
}

#[test]
fn manual_clock_without_auto_advance_parks_until_unparked() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    let mut sleep = timer.sleep(10 * MS);
    assert!(poll_once(&mut sleep, &waker).is_pending());
    park.park().unwrap();
    assert_eq!(
        park.get_ref().parks,
        1,
        "manual time does not pass while blocked"
    );
    let unparks = park.get_ref().unparks.clone();
    clock.advance(10 * MS); // wakes the driver...
    assert!(unparks.count() >= 1);
    park.park().unwrap(); // ...whose next turn fires
    assert_eq!(wakes.wakes(), 1);
}

#[test]
fn two_timers_stack_and_both_fire() {
    let _watchdog = watchdog("two_timers_stack_and_both_fire", Duration::from_secs(10));
    let outer_clock = ManualClock::new();
    outer_clock.set_auto_advance(true);
    let inner_clock = ManualClock::new();
    inner_clock.set_auto_advance(true);
    let inner = TimerPark::with_clock(ThreadParker::new(), inner_clock.clone());
    let inner_timer = inner.handle();
    let outer = TimerPark::with_clock(inner, outer_clock.clone());
    let outer_timer = outer.handle();
    let ex = LocalExecutor::with_park(outer);
    let (a, b) = (outer_clock.now(), inner_clock.now());
    ex.block_on(async {
        outer_timer.sleep(Duration::from_secs(5)).await;
        inner_timer.sleep(Duration::from_secs(7)).await;
    });
    assert_eq!(outer_clock.now() - a, Duration::from_secs(5));
    assert_eq!(inner_clock.now() - b, Duration::from_secs(7));
}

#[test]
fn real_clock_park_on_the_local_executor() {
    let _watchdog = watchdog(
        "real_clock_park_on_the_local_executor",
        Duration::from_secs(10),
    );
    let park = TimerPark::new(ThreadParker::new());
    let timer = park.handle();
    let ex = LocalExecutor::with_park(park);
    let start = timer.now();
    ex.block_on(timer.sleep(2 * MS));
    assert!(timer.now() - start >= 2 * MS, "woke before the deadline");
}
