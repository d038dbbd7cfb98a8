//! `timeout` and `timeout_at` on this timer (core's `Timeout` with a `Sleep` deadline):
//! who wins, degenerate deadlines, and shutdown.

use std::future::{pending, ready, Future};
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Duration;

use wakewire_core::timer::Elapsed;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_timer::{ManualClock, TimerPark};

use wakewire_test_util::RecordingPark;

const MS: Duration = Duration::from_millis(1);

#[test]
fn the_future_wins_before_the_deadline_and_at_it() {
    let clock = ManualClock::new();
    let park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let (waker, _) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert_eq!(
        pin!(timer.timeout(MS, ready(7))).poll(&mut cx),
        Poll::Ready(Ok(7))
    );
    // Ready at the deadline: the inner future is polled first, so it still wins.
    assert_eq!(
        pin!(timer.timeout(Duration::ZERO, ready(8))).poll(&mut cx),
        Poll::Ready(Ok(8))
    );
}

#[test]
fn a_zero_timeout_on_a_pending_future_elapses_at_the_first_poll() {
    let park = TimerPark::with_clock(RecordingPark::default(), ManualClock::new());
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert_eq!(
        pin!(timer.timeout(Duration::ZERO, pending::<()>())).poll(&mut cx),
        Poll::Ready(Err(Elapsed::new()))
    );
    assert_eq!(wakes.wakes(), 0, "no wakeup needed: it never waited");
    assert_eq!(timer.live_timers(), 0, "and never registered");
}

#[test]
fn the_deadline_wins_when_the_future_is_late() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut late = pin!(timer.timeout_at(clock.now() + 5 * MS, pending::<()>()));
    assert!(late.as_mut().poll(&mut cx).is_pending());
    clock.advance(4 * MS);
    park.turn();
    assert_eq!(wakes.wakes(), 0);
    clock.advance(MS);
    park.turn();
    assert_eq!(wakes.wakes(), 1);
    assert_eq!(
        late.as_mut().poll(&mut cx),
        Poll::Ready(Err(Elapsed::new()))
    );
    assert!(
        !timer.is_shutdown(),
        "the deadline passed; the timer is fine"
    );
    assert_eq!(timer.live_timers(), 0);
}

#[test]
fn duration_max_never_expires() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut forever = pin!(timer.timeout(Duration::MAX, pending::<()>()));
    assert!(forever.as_mut().poll(&mut cx).is_pending());
    clock.advance(Duration::from_secs(100 * 365 * 24 * 3600));
    park.turn();
    assert_eq!(wakes.wakes(), 0);
    assert!(forever.as_mut().poll(&mut cx).is_pending());
}

#[test]
fn a_timeout_gives_up_when_its_timer_shuts_down() {
    let park = TimerPark::with_clock(RecordingPark::default(), ManualClock::new());
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut doomed = pin!(timer.timeout(Duration::from_secs(3600), pending::<()>()));
    assert!(doomed.as_mut().poll(&mut cx).is_pending());
    drop(park);
    assert_eq!(wakes.wakes(), 1, "woken by the shutdown");
    assert_eq!(
        doomed.as_mut().poll(&mut cx),
        Poll::Ready(Err(Elapsed::new()))
    );
    assert!(
        timer.is_shutdown(),
        "which is how to tell it from a deadline"
    );
}
