//! Extreme and degenerate durations never panic, never overflow, never collide with
//! the wheel's sentinels; huge deadlines never fire, zero and past ones fire at once.

use std::future::poll_fn;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use futures_core::Stream;
use proptest::prelude::*;
use wakewire_core::waker::counting_waker;
use wakewire_core::{Park, ThreadParker};
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_timer::wheel::{deadline_tick, elapsed_tick, NEVER};
use wakewire_reactor_timer::{ManualClock, TimerPark};

use wakewire_test_util::{poll_once, watchdog, RecordingPark};

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

/// Past the manual clock's reach (it counts `u64` nanoseconds: about 584 years), a
/// deadline is as good as never. Auto-advance does not chase it: the park fires what it
/// can reach, then parks its inner layer as if no timer were left — it neither spins nor
/// moves the clock past its limit.
#[test]
fn misuse_extreme_durations_auto_advance_stops_at_clock_limit() {
    let _watchdog = watchdog("auto_advance_stops_at_clock_limit", Duration::from_secs(10));
    let clock = ManualClock::new();
    clock.set_auto_advance(true);
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let start = clock.now();
    let (waker, wakes) = counting_waker();
    let mut far = timer.sleep(1_000 * YEAR);
    let mut near = timer.sleep(100 * YEAR);
    assert!(poll_once(&mut far, &waker).is_pending());
    assert!(poll_once(&mut near, &waker).is_pending());

    // First idle park: jumps a hundred years, the near sleep fires.
    park.park().unwrap();
    assert_eq!(clock.now() - start, 100 * YEAR);
    assert_eq!(wakes.wakes(), 1);
    assert_eq!(poll_once(&mut near, &waker), Poll::Ready(()));

    // Only the unreachable one is left: the park returns (it used to loop here forever),
    // having parked its inner layer untimed, as with no timer at all.
    let parks_before = park.get_ref().parks;
    park.park().unwrap();
    park.park().unwrap();
    assert_eq!(
        park.get_ref().parks,
        parks_before + 2,
        "parked the layer below"
    );
    assert!(
        clock.now() <= clock.limit(),
        "the clock stays within its range"
    );
    assert!(clock.now() - start < 1_000 * YEAR);
    assert_eq!(wakes.wakes(), 1, "the far sleep never fires");
    assert!(poll_once(&mut far, &waker).is_pending());

    // It can still be reset to a deadline the clock can reach, and then fires.
    far.reset(clock.now() + Duration::from_secs(1));
    park.park().unwrap();
    assert_eq!(wakes.wakes(), 2);
    assert_eq!(poll_once(&mut far, &waker), Poll::Ready(()));
    assert_eq!(timer.live_timers(), 0);
}

/// A thread parker that counts its untimed parks, so another thread can tell when the
/// executor above it really went to sleep.
struct CountingParker {
    inner: ThreadParker,
    untimed: Arc<AtomicUsize>,
}

impl Park for CountingParker {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        self.untimed.fetch_add(1, Ordering::SeqCst);
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.inner.park_timeout(timeout)
    }
}

/// An idle executor whose only timer is beyond the manual clock's reach parks like it
/// would on a real clock: a short sleep next to it completes, and then the executor
/// sleeps until another thread wakes it — instead of spinning in auto-advance forever.
#[test]
fn misuse_extreme_durations_idle_executor_parks_on_unreachable_timer() {
    let _watchdog = watchdog(
        "idle_executor_parks_on_unreachable_timer",
        Duration::from_secs(10),
    );
    let clock = ManualClock::new();
    clock.set_auto_advance(true);
    let untimed = Arc::new(AtomicUsize::new(0));
    let parker = CountingParker {
        inner: ThreadParker::new(),
        untimed: Arc::clone(&untimed),
    };
    let park = TimerPark::with_clock(parker, clock.clone());
    let timer = park.handle();
    let ex = LocalExecutor::with_park(park);
    let start = clock.now();

    let far_fired = Arc::new(AtomicBool::new(false));
    let far = {
        let (timer, fired) = (timer.clone(), Arc::clone(&far_fired));
        ex.spawn_local(async move {
            timer.sleep(1_000 * YEAR).await;
            fired.store(true, Ordering::SeqCst);
        })
        .unwrap()
    };
    let near = ex.spawn_local(timer.sleep(Duration::from_secs(1))).unwrap();
    ex.block_on(near).unwrap();
    assert_eq!(clock.now() - start, Duration::from_secs(1));

    // Now only the far sleep is left. Another thread completes the main future once the
    // executor has parked its thread.
    let signal: Arc<Mutex<(bool, Option<Waker>)>> = Arc::default();
    let helper = {
        let (signal, untimed) = (Arc::clone(&signal), Arc::clone(&untimed));
        let parked_before = untimed.load(Ordering::SeqCst);
        thread::spawn(move || {
            while untimed.load(Ordering::SeqCst) == parked_before {
                thread::yield_now(); // the watchdog bounds this wait
            }
            let mut signal = signal.lock().unwrap();
            signal.0 = true;
            if let Some(waker) = signal.1.take() {
                waker.wake();
            }
        })
    };
    ex.block_on(poll_fn(|cx| {
        let mut signal = signal.lock().unwrap();
        if signal.0 {
            Poll::Ready(())
        } else {
            signal.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }));
    helper.join().unwrap();
    assert!(
        !far_fired.load(Ordering::SeqCst),
        "the far sleep never fires"
    );
    assert!(!far.is_finished());
    assert!(clock.now() - start < 1_000 * YEAR);
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
    // 256 cases at `WAKEWIRE_TEST_SCALE=1` (proptest's default), 5 under valgrind (0.02).
    #![proptest_config(ProptestConfig {
        cases: wakewire_test_util::scaled(256) as u32,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

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
