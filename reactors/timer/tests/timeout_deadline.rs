//! `Timeout` and `timeout_at`: who wins, degenerate deadlines, polling after completion.

mod util;

use std::future::{pending, ready, Future};
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Duration;

use wakewire_core::waker::counting_waker;
use wakewire_reactor_timer::{ManualClock, TimerPark};

use util::RecordingPark;

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
fn the_deadline_wins_when_the_future_is_late() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut late = pin!(timer.timeout_at(clock.now() + 5 * MS, pending::<()>()));
    assert_eq!(late.deadline(), Some(clock.now() + 5 * MS));
    assert!(late.as_mut().poll(&mut cx).is_pending());
    clock.advance(4 * MS);
    park.turn();
    assert_eq!(wakes.wakes(), 0);
    clock.advance(MS);
    park.turn();
    assert_eq!(wakes.wakes(), 1);
    match late.as_mut().poll(&mut cx) {
        Poll::Ready(Err(elapsed)) => {
            assert!(!elapsed.is_shutdown());
            assert_eq!(elapsed.to_string(), "deadline has elapsed");
        }
        other => panic!("expected the deadline to win: {other:?}"),
    }
    assert_eq!(timer.live_timers(), 0);
}

#[test]
fn duration_max_never_expires() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let (waker, _) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut forever = pin!(timer.timeout(Duration::MAX, pending::<()>()));
    assert_eq!(forever.deadline(), None);
    assert!(forever.as_mut().poll(&mut cx).is_pending());
    clock.advance(Duration::from_secs(100 * 365 * 24 * 3600));
    park.turn();
    assert!(forever.as_mut().poll(&mut cx).is_pending());
}

#[test]
#[should_panic(expected = "`Timeout` polled after it completed")]
fn polling_after_completion_panics_with_a_clear_message() {
    let park = TimerPark::with_clock(RecordingPark::default(), ManualClock::new());
    let (waker, _) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut done = pin!(park.handle().timeout(MS, ready(1)));
    assert!(done.as_mut().poll(&mut cx).is_ready());
    let _ = done.as_mut().poll(&mut cx);
}
