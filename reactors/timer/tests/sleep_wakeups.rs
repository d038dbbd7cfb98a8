//! Which waker a `Sleep` stores and when it is woken: latest waker wins, one wake per
//! fire, reset re-arms, drop cancels, unpolled sleeps cost nothing, panicking wakers
//! spoil nothing, polling after completion stays `Ready`.

use std::task::Poll;
use std::time::Duration;

use wakewire_core::waker::counting_waker;
use wakewire_reactor_timer::{ManualClock, TimerPark};

use wakewire_test_util::{panicking_waker, poll_once, RecordingPark};

const MS: Duration = Duration::from_millis(1);

fn manual_park() -> (ManualClock, TimerPark<RecordingPark>) {
    let clock = ManualClock::new();
    let park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    (clock, park)
}

#[test]
fn the_latest_waker_is_the_one_woken() {
    let (clock, mut park) = manual_park();
    let mut sleep = park.handle().sleep(10 * MS);
    let (a, a_wakes) = counting_waker();
    let (b, b_wakes) = counting_waker();
    assert!(poll_once(&mut sleep, &a).is_pending());
    assert!(poll_once(&mut sleep, &b).is_pending()); // moved to another task
    assert!(poll_once(&mut sleep, &b).is_pending()); // same task: no clone needed
    clock.advance(10 * MS);
    assert_eq!(park.turn(), 1);
    assert_eq!((a_wakes.wakes(), b_wakes.wakes()), (0, 1));
    assert_eq!(
        a_wakes.live_references(),
        2,
        "the stale waker was dropped (left: `a` + counter)"
    );
    assert_eq!(poll_once(&mut sleep, &b), Poll::Ready(()));
    assert_eq!(poll_once(&mut sleep, &b), Poll::Ready(()), "stays ready");
    assert_eq!(park.turn(), 0);
    assert_eq!(b_wakes.wakes(), 1);
    assert_eq!(
        b_wakes.live_references(),
        2,
        "the timer holds no waker after firing"
    );
}

#[test]
fn never_fires_early_and_fires_within_the_tick() {
    let (clock, mut park) = manual_park();
    let timer = park.handle();
    let mut sleep = timer.sleep(Duration::from_micros(2_500));
    let (waker, wakes) = counting_waker();
    assert!(poll_once(&mut sleep, &waker).is_pending());
    clock.advance(Duration::from_micros(2_499));
    park.turn();
    assert_eq!(wakes.wakes(), 0);
    clock.advance(Duration::from_micros(1)); // at the deadline, inside tick 2
    park.turn();
    assert_eq!(
        wakes.wakes(),
        0,
        "rounded up to the tick: at most one tick late"
    );
    clock.advance(Duration::from_micros(500));
    park.turn();
    assert_eq!(wakes.wakes(), 1);
}

#[test]
fn reset_moves_and_rearms() {
    let (clock, mut park) = manual_park();
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    let mut sleep = timer.sleep(10 * MS);
    assert!(poll_once(&mut sleep, &waker).is_pending());
    sleep.reset(clock.now() + 30 * MS); // later
    clock.advance(20 * MS);
    park.turn();
    assert_eq!(wakes.wakes(), 0);
    sleep.reset(clock.now() + 2 * MS); // earlier than before
    clock.advance(2 * MS);
    park.turn();
    assert_eq!(wakes.wakes(), 1);
    // Fired but not yet polled: a reset re-arms it.
    sleep.reset(clock.now() + 5 * MS);
    assert!(poll_once(&mut sleep, &waker).is_pending());
    // A reset into the past fires on the next turn, waking the stored waker.
    sleep.reset(clock.now() - MS);
    park.turn();
    assert_eq!(wakes.wakes(), 2);
    assert_eq!(poll_once(&mut sleep, &waker), Poll::Ready(()));
    // After completion a reset arms it again.
    sleep.reset(clock.now() + MS);
    assert!(!sleep.is_elapsed());
    assert!(poll_once(&mut sleep, &waker).is_pending());
    clock.advance(MS);
    park.turn();
    assert_eq!(poll_once(&mut sleep, &waker), Poll::Ready(()));
    assert_eq!(wakes.wakes(), 3);
}

#[test]
fn drop_cancels_and_unpolled_sleeps_never_register() {
    let (clock, mut park) = manual_park();
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    let unpolled = timer.sleep(MS);
    assert_eq!(timer.live_timers(), 0);
    drop(unpolled);
    let mut polled = timer.sleep(MS);
    assert!(poll_once(&mut polled, &waker).is_pending());
    assert_eq!(timer.live_timers(), 1);
    drop(polled);
    assert_eq!(timer.live_timers(), 0);
    assert_eq!(
        wakes.live_references(),
        2,
        "dropping the sleep dropped its waker"
    );
    clock.advance(MS);
    assert_eq!(park.turn(), 0);
    assert_eq!(wakes.wakes(), 0);
}

#[test]
fn later_deadlines_do_not_unpark_the_driver() {
    let (_clock, mut park) = manual_park();
    let timer = park.handle();
    let unparks = wakewire_core::Park::unparker(&park);
    let (waker, _) = counting_waker();
    // The driver is running (not parked): no registration unparks it.
    let mut first = timer.sleep(10 * MS);
    assert!(poll_once(&mut first, &waker).is_pending());
    assert_eq!(unparks.count(), 0);
    // Parked toward tick 10: later deadlines leave it alone, an earlier one wakes it once.
    wakewire_core::Park::park(&mut park).unwrap();
    let mut later: Vec<_> = (0..100).map(|i| timer.sleep((11 + i) * MS)).collect();
    for sleep in &mut later {
        assert!(poll_once(sleep, &waker).is_pending());
    }
    assert_eq!(unparks.count(), 0);
}

#[test]
fn a_panicking_waker_spoils_nothing() {
    let (clock, mut park) = manual_park();
    let timer = park.handle();
    let (bomb, bomb_fired) = panicking_waker();
    let mut bad = timer.sleep(MS);
    assert!(poll_once(&mut bad, &bomb).is_pending());
    let mut good: Vec<_> = (0..10)
        .map(|_| (timer.sleep(MS), counting_waker()))
        .collect();
    for (sleep, (waker, _)) in &mut good {
        assert!(poll_once(sleep, waker).is_pending());
    }
    clock.advance(MS);
    let turn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| park.turn()));
    assert_eq!(
        turn.ok(),
        Some(11),
        "a driver disposes of the waker's panic and keeps turning"
    );
    assert!(bomb_fired.load(std::sync::atomic::Ordering::SeqCst) > 0);
    for (_, (_, wakes)) in &good {
        assert_eq!(
            wakes.wakes(),
            1,
            "a good waker of the same batch was not woken"
        );
    }
    // Still usable.
    let (waker, wakes) = counting_waker();
    let mut again = timer.sleep(MS);
    assert!(poll_once(&mut again, &waker).is_pending());
    clock.advance(MS);
    assert_eq!(park.turn(), 1);
    assert_eq!(wakes.wakes(), 1);
}

#[test]
fn deadlines_passed_before_the_first_poll_fire_on_the_next_turn() {
    let (clock, mut park) = manual_park();
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    // `sleep_until` a passed deadline: complete at the first poll.
    let mut until = timer.sleep_until(clock.now());
    assert_eq!(poll_once(&mut until, &waker), Poll::Ready(()));
    // `sleep(d)` whose deadline passed before its first poll: due, fired on the next turn
    // (the first poll skips the clock read).
    let mut late = timer.sleep(Duration::from_micros(300));
    clock.advance(5 * MS);
    assert!(poll_once(&mut late, &waker).is_pending());
    assert_eq!(park.turn(), 1);
    assert_eq!(wakes.wakes(), 1);
    assert_eq!(poll_once(&mut late, &waker), Poll::Ready(()));
}

#[test]
fn timer_futures_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<wakewire_reactor_timer::Sleep>();
    send_sync::<wakewire_reactor_timer::CheckedSleep>();
    send_sync::<wakewire_reactor_timer::Interval>();
    send_sync::<wakewire_reactor_timer::Timeout<std::future::Ready<u8>>>();
    send_sync::<wakewire_reactor_timer::TimerHandle>();
    send_sync::<wakewire_reactor_timer::TimerThread>();
    send_sync::<wakewire_reactor_timer::ManualClock>();
    fn send<T: Send>() {}
    send::<TimerPark<wakewire_core::ThreadParker>>(); // movable onto a driver thread
}
