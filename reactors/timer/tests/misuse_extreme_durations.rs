//! D1: extreme and degenerate durations never panic, never overflow, never collide with
//! the wheel's sentinels; huge deadlines never fire, zero and past ones fire at once.

mod util;

use std::task::Poll;
use std::time::Duration;

use futures_core::Stream;
use proptest::prelude::*;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_timer::wheel::{deadline_tick, elapsed_tick, NEVER};
use wakewire_reactor_timer::{ManualClock, TimerPark};

use util::{poll_once, RecordingPark};

const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);

#[test]
fn misuse_extreme_durations() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let start = clock.now();
    let (waker, wakes) = counting_waker();

    let huge = [
        Duration::MAX,
        Duration::MAX - Duration::from_millis(1),
        Duration::from_secs(u64::MAX / 10),
        Duration::from_secs(u64::MAX / 1000),
    ];
    let mut never: Vec<_> = huge.iter().map(|&d| timer.sleep(d)).collect();
    for sleep in &mut never {
        assert!(poll_once(sleep, &waker).is_pending());
    }
    let mut five_years = timer.sleep(5 * YEAR);
    assert!(poll_once(&mut five_years, &waker).is_pending());
    let mut ticks = timer.interval(Duration::MAX);
    let mut cx = std::task::Context::from_waker(&waker);
    // The first tick is at once, the next never comes.
    assert!(matches!(
        std::pin::Pin::new(&mut ticks).poll_next(&mut cx),
        Poll::Ready(Some(_))
    ));
    assert!(std::pin::Pin::new(&mut ticks)
        .poll_next(&mut cx)
        .is_pending());

    // Zero and past deadlines: ready on the first poll, without the wheel.
    assert_eq!(
        poll_once(&mut timer.sleep(Duration::ZERO), &waker),
        Poll::Ready(())
    );
    clock.advance(Duration::from_millis(10));
    assert_eq!(
        poll_once(&mut timer.sleep_until(start), &waker),
        Poll::Ready(())
    );
    let mut zero_timeout = timer.timeout(Duration::ZERO, std::future::pending::<()>());
    assert!(matches!(
        poll_once(&mut Box::pin(&mut zero_timeout), &waker),
        Poll::Ready(Err(_))
    ));

    // A hundred years pass, a month at a time (each step crosses many level boundaries).
    for _ in 0..1_200 {
        clock.advance(YEAR / 12);
        park.turn();
    }
    // Exactly one wake: the five-year sleep fired on time; the huge ones never did.
    assert_eq!(wakes.wakes(), 1);
    assert_eq!(poll_once(&mut five_years, &waker), Poll::Ready(()));
    for sleep in &mut never {
        assert!(poll_once(sleep, &waker).is_pending());
    }
    assert!(std::pin::Pin::new(&mut ticks)
        .poll_next(&mut cx)
        .is_pending());

    // Huge deadlines can be reset to something real, or dropped.
    never[0].reset(clock.now() + Duration::from_millis(5));
    clock.advance(Duration::from_millis(5));
    park.turn();
    assert_eq!(wakes.wakes(), 2);
    assert_eq!(poll_once(&mut never[0], &waker), Poll::Ready(()));
    drop(never);
    drop(ticks);
    assert_eq!(timer.live_timers(), 0);

    // A manual clock asked to advance by `Duration::MAX` saturates instead of overflowing.
    clock.advance(Duration::MAX);
    clock.advance(Duration::MAX);
    park.turn();
    let mut after = timer.sleep(Duration::MAX);
    assert!(poll_once(&mut after, &waker).is_pending());
}

#[test]
fn misuse_extreme_durations_never_bucket_is_not_a_real_tick() {
    // The current time saturates one tick below NEVER, so "never" can't be reached.
    assert_eq!(elapsed_tick(Duration::MAX), NEVER - 1);
    assert_eq!(deadline_tick(Duration::MAX), NEVER);
    assert_eq!(
        deadline_tick(Duration::from_millis(u64::MAX - 1)),
        NEVER - 1
    );
    assert_eq!(deadline_tick(Duration::from_millis(u64::MAX)), NEVER);
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Any `(secs, nanos)`: deadlines round up, the clock rounds down, never apart by more
    /// than one tick, and a deadline's tick is never before the deadline.
    #[test]
    fn misuse_extreme_durations_instant_to_tick(secs in any::<u64>(), nanos in 0..1_000_000_000u32) {
        let offset = Duration::new(secs, nanos);
        let deadline = deadline_tick(offset);
        let current = elapsed_tick(offset);
        prop_assert!(deadline >= current);
        prop_assert!(deadline - current <= 1 || deadline == NEVER);
        if deadline != NEVER {
            prop_assert!(Duration::from_millis(deadline) >= offset, "tick before the deadline");
        }
        prop_assert!(current < NEVER);
        // Monotonic: a later offset never gets an earlier tick.
        let later = offset.saturating_add(Duration::from_nanos(1));
        prop_assert!(deadline_tick(later) >= deadline);
        prop_assert!(elapsed_tick(later) >= current);
    }

    /// Any deadline offset through a real sleep on a manual clock: polling never panics,
    /// and it completes iff the clock has reached it.
    #[test]
    fn misuse_extreme_durations_sleep_any_offset(secs in any::<u64>(), nanos in 0..1_000_000_000u32) {
        let clock = ManualClock::new();
        let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
        let timer = park.handle();
        let (waker, _) = counting_waker();
        let mut sleep = timer.sleep(Duration::new(secs, nanos));
        let first = poll_once(&mut sleep, &waker);
        prop_assert_eq!(first.is_ready(), secs == 0 && nanos == 0);
        clock.advance(Duration::from_secs(3600));
        park.turn();
        let ready = poll_once(&mut sleep, &waker).is_ready();
        prop_assert_eq!(ready, Duration::new(secs, nanos) <= Duration::from_secs(3600));
    }
}
