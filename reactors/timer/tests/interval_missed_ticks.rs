//! `Interval`: the schedule, the three missed-tick behaviours, degenerate periods, the
//! `Stream` impl.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_core::Stream;
use futures_util::StreamExt;
use wakewire_core::waker::counting_waker;
use wakewire_core::ThreadParker;
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_timer::{Interval, ManualClock, MissedTickBehavior, TimerPark};

use wakewire_test_util::RecordingPark;

const MS: Duration = Duration::from_millis(1);

/// Polls the interval until it is pending; returns the offsets (ms since `start`) of the
/// ticks it gave.
fn ready_ticks(ticks: &mut Interval, start: Instant) -> Vec<u128> {
    let (waker, _) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut out = Vec::new();
    while let Poll::Ready(at) = ticks.poll_tick(&mut cx) {
        out.push((at.unwrap() - start).as_millis());
        assert!(out.len() < 100, "an interval never stopped ticking");
    }
    out
}

/// Table from `MissedTickBehavior`'s docs: period 10 ms, the consumer comes back at 35 ms.
fn late_consumer(behavior: MissedTickBehavior) -> (Vec<u128>, Vec<u128>) {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let start = clock.now();
    let mut ticks = park.handle().interval(10 * MS);
    ticks.set_missed_tick_behavior(behavior);
    assert_eq!(ready_ticks(&mut ticks, start), [0]);
    clock.advance(35 * MS);
    park.turn();
    let late = ready_ticks(&mut ticks, start);
    let mut after = Vec::new();
    for _ in 0..2 {
        clock.advance(10 * MS);
        park.turn();
        after.extend(ready_ticks(&mut ticks, start));
    }
    (late, after)
}

#[test]
fn burst_catches_up() {
    assert_eq!(
        late_consumer(MissedTickBehavior::Burst),
        (vec![10, 20, 30], vec![40, 50])
    );
}

#[test]
fn delay_moves_the_schedule() {
    assert_eq!(
        late_consumer(MissedTickBehavior::Delay),
        (vec![10], vec![45, 55])
    );
}

#[test]
fn skip_drops_missed_ticks() {
    assert_eq!(
        late_consumer(MissedTickBehavior::Skip),
        (vec![10], vec![40, 50])
    );
}

#[test]
fn zero_period_is_one_tick_and_stream_works_on_an_executor() {
    let clock = ManualClock::new();
    clock.set_auto_advance(true);
    let park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
    let timer = park.handle();
    let ticks = timer.interval(Duration::ZERO);
    assert_eq!(ticks.period(), MS);
    let start = clock.now();
    let ex = LocalExecutor::with_park(park);
    let got: Vec<_> = ex.block_on(ticks.take(4).map(|at| at - start).collect());
    assert_eq!(got, [Duration::ZERO, MS, 2 * MS, 3 * MS]);
}

#[test]
fn interval_at_starts_later_and_reset_restarts() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let start = clock.now();
    let mut ticks = park.handle().interval_at(start + 5 * MS, 10 * MS);
    assert!(ready_ticks(&mut ticks, start).is_empty());
    clock.advance(5 * MS);
    park.turn();
    assert_eq!(ready_ticks(&mut ticks, start), [5]);
    clock.advance(3 * MS);
    ticks.reset(); // next tick one period from now: 18
    clock.advance(7 * MS);
    park.turn();
    assert!(ready_ticks(&mut ticks, start).is_empty());
    clock.advance(3 * MS);
    park.turn();
    assert_eq!(ready_ticks(&mut ticks, start), [18]);
    let (waker, _) = counting_waker();
    assert!(Pin::new(&mut ticks)
        .poll_next(&mut Context::from_waker(&waker))
        .is_pending());
}
