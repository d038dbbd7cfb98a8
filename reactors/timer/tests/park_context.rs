//! Park mode uses the executor's own timer: a `TimerPark`'s context makes its timer the
//! current one on the thread that parks in it (and installs the inner park's context
//! too), so the free `sleep`/`interval`/`timeout` inside the blocked-on future use it.
//!
//! The park's timer runs on a manual clock with auto-advance: if the free functions used
//! the global (real-clock) timer instead, an hour's sleep would really take an hour, and
//! the watchdog would fail the test.

use std::cell::Cell;
use std::future::pending;
use std::io;
use std::time::Duration;

use wakewire_core::block_on::Blocker;
use wakewire_core::park::ParkContext;
use wakewire_core::{BlockOn, Park, ThreadParker};
use wakewire_reactor_timer::{interval, sleep, timeout, ManualClock, TimerHandle, TimerPark};

use wakewire_test_util::finishes_within;

thread_local! {
    /// Set while the inner park's context is installed on this thread.
    static INNER_CONTEXT: Cell<bool> = const { Cell::new(false) };
}

/// A thread parker whose context marks the thread (as a socket reactor's park would make
/// its reactor current).
struct MarkingPark(ThreadParker);

/// Clears the mark when the context is left.
struct Unmark;

impl Drop for Unmark {
    fn drop(&mut self) {
        INNER_CONTEXT.with(|mark| mark.set(false));
    }
}

impl Park for MarkingPark {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.0.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        self.0.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.0.park_timeout(timeout)
    }

    fn context(&self) -> ParkContext {
        ParkContext::new().with(|| {
            INNER_CONTEXT.with(|mark| mark.set(true));
            Unmark
        })
    }
}

#[test]
fn free_functions_in_park_mode_use_the_parks_timer() {
    finishes_within("park mode", Duration::from_secs(20), || {
        let clock = ManualClock::new();
        clock.set_auto_advance(true);
        let park = TimerPark::with_clock(MarkingPark(ThreadParker::new()), clock.clone());
        let blocker = Blocker::with_park(park);
        let start = clock.now();
        let ticks = blocker.block_on(async {
            assert!(
                TimerHandle::current().clock().as_manual().is_some(),
                "the current timer is the park's"
            );
            assert!(
                INNER_CONTEXT.with(Cell::get),
                "the inner park's context is installed too"
            );
            sleep(Duration::from_secs(3600)).await;
            let mut ticks = interval(Duration::from_secs(60));
            let first = ticks.tick().await.unwrap();
            let second = ticks.tick().await.unwrap();
            let slow = timeout(Duration::from_secs(5), pending::<()>()).await;
            assert!(slow.is_err(), "the deadline won");
            (first - start, second - start)
        });
        assert_eq!(
            ticks,
            (Duration::from_secs(3600), Duration::from_secs(3660)),
            "the interval ran on the park's clock"
        );
        assert_eq!(clock.now() - start, Duration::from_secs(3665));
        // Outside `block_on`, both contexts are gone again.
        assert!(TimerHandle::current().clock().as_manual().is_none());
        assert!(!INNER_CONTEXT.with(Cell::get));
    });
}

#[test]
fn stacked_timer_parks_make_the_outer_timer_current() {
    // Two layers: the outer timer's installer runs last, so it is the current one (the
    // one the executor's park call fires first).
    let inner_clock = ManualClock::new();
    let outer_clock = ManualClock::new();
    let inner = TimerPark::with_clock(ThreadParker::new(), inner_clock);
    let outer = TimerPark::with_clock(inner, outer_clock.clone());
    outer_clock.advance(Duration::from_secs(3600)); // the clocks now differ by an hour
    let _entered = outer.context().enter();
    let current = TimerHandle::current();
    let deadline = current.sleep(Duration::from_secs(1)).deadline();
    assert_eq!(deadline, Some(outer_clock.now() + Duration::from_secs(1)));
}
