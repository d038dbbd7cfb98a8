//! Wakewire's timer reactor, on a manual clock: on its own thread (`TimerThread`) or
//! driven by the executor (`TimerPark`).

use std::sync::Arc;
use std::time::Duration;

use wakewire_core::park::BoxPark;
use wakewire_core::spawn::BoxFuture;
use wakewire_core::ThreadParker;
use wakewire_reactor_timer::{ManualClock, TimerError, TimerHandle, TimerPark, TimerThread};

use crate::kit::context::CellContext;
use crate::kit::leaf::{Clockwork, Leaf, LeafSource, RegistrationCount};
use crate::kit::reactor::{Mode, ReactorBuilder, ReactorEntry, Scenario};
use crate::scenarios::support::{assert_pending, on_another_thread};
use crate::util::poll_once;

const HOUR: Duration = Duration::from_secs(3600);

/// The timer of one cell.
pub(crate) struct TimerUnderTest {
    handle: TimerHandle,
    clock: ManualClock,
    /// The driver thread in thread mode (the executor drives the park otherwise).
    _thread: Option<TimerThread>,
}

impl TimerUnderTest {
    fn on_thread() -> Self {
        let clock = ManualClock::new();
        let thread = TimerThread::with_clock(clock.clone());
        TimerUnderTest {
            handle: thread.handle(),
            clock,
            _thread: Some(thread),
        }
    }

    fn in_park() -> (Self, BoxPark) {
        let clock = ManualClock::new();
        let park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
        let timer = TimerUnderTest {
            handle: park.handle(),
            clock,
            _thread: None,
        };
        (timer, BoxPark::new(park))
    }

    fn sleep_leaf(&self, duration: Duration) -> BoxFuture<Result<(), String>> {
        let sleep = self.handle.sleep(duration).checked();
        Box::pin(async move { sleep.await.map_err(|error: TimerError| error.to_string()) })
    }
}

impl LeafSource for TimerUnderTest {
    fn leaf(&self) -> Leaf {
        let clock = self.clock.clone();
        Leaf {
            future: self.sleep_leaf(HOUR),
            fire: Some(Box::new(move || clock.advance(HOUR))),
        }
    }

    fn idle_leaf(&self) -> Leaf {
        Leaf {
            future: self.sleep_leaf(HOUR * 1000),
            fire: None,
        }
    }

    fn registrations(&self) -> Option<RegistrationCount> {
        let handle = self.handle.clone();
        Some(Arc::new(move || handle.live_timers()))
    }

    fn clockwork(&self) -> Option<Clockwork> {
        let clock = self.clock.clone();
        Some(Clockwork {
            name: "this timer (manual clock)".to_owned(),
            timer: Arc::new(self.handle.clone()),
            advance: Some(Arc::new(move |by| clock.advance(by))),
        })
    }
}

pub(crate) fn entry() -> ReactorEntry {
    ReactorBuilder::leaves(
        "timer",
        "Wakewire's timer wheel on a manual clock: TimerThread (thread mode) or TimerPark (park mode)",
    )
    .on_own_thread(|| Ok(TimerUnderTest::on_thread()))
    .in_park(|| Ok(TimerUnderTest::in_park()))
    .scenario(Scenario::new(
        "fires-at-deadline",
        "sleeps of 1, 2 and 3 h fire one by one as the clock reaches each deadline, none early",
        fires_at_deadline,
    ))
    .scenario(
        Scenario::new(
            "park-is-current",
            "the free sleep() inside a task registers with the timer the executor drives",
            park_is_current,
        )
        .only_in(Mode::Park),
    )
    .scenario(Scenario::new(
        "driver-dropped",
        "a pending sleep whose timer's driver is dropped resolves with TimerError::Shutdown",
        driver_dropped,
    ))
    .scenario(
        Scenario::new(
            "real-clock",
            "the global timer (own thread, real clock) completes a 1 ms sleep",
            real_clock,
        )
        .only_in(Mode::Thread),
    )
    .build()
}

fn fires_at_deadline(timer: &TimerUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let sleeps: Vec<_> = (1..=3)
        .map(|hours| timer.sleep_leaf(HOUR * hours))
        .collect();
    let clock = timer.clock.clone();
    let cx = cx.clone();
    Box::pin(async move {
        let mut sleeps = sleeps;
        for sleep in &mut sleeps {
            assert_pending(sleep, "a sleep").await;
        }
        for hour in 0..3 {
            let advance = clock.clone();
            on_another_thread(move || advance.advance(HOUR));
            cx.at(format!("awaiting the sleep due at {} h", hour + 1));
            (&mut sleeps[hour]).await.expect("the sleep completes");
            let waker = wakewire_core::waker::noop_waker();
            for later in &mut sleeps[hour + 1..] {
                assert!(
                    poll_once(later, &waker).is_pending(),
                    "a sleep fired before its deadline"
                );
            }
        }
    })
}

fn park_is_current(timer: &TimerUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let handle = timer.handle.clone();
    let cx = cx.clone();
    Box::pin(async move {
        let before = handle.live_timers();
        let mut free = wakewire_reactor_timer::sleep(HOUR);
        cx.at("polling a sleep made by the free function");
        assert_pending(&mut free, "the free sleep").await;
        assert_eq!(
            handle.live_timers(),
            before + 1,
            "the free sleep() registered with another timer than the park's"
        );
        drop(free);
        assert_eq!(handle.live_timers(), before);
    })
}

fn driver_dropped(_: &TimerUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let doomed = TimerThread::with_clock(ManualClock::new());
    let mut sleep = doomed.handle().sleep(HOUR).checked();
    let cx = cx.clone();
    Box::pin(async move {
        assert_pending(&mut sleep, "the sleep").await;
        on_another_thread(move || drop(doomed));
        cx.at("awaiting a sleep whose timer thread is being dropped");
        assert_eq!(sleep.await, Err(TimerError::Shutdown));
    })
}

fn real_clock(_: &TimerUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let cx = cx.clone();
    Box::pin(async move {
        cx.at("awaiting a 1 ms sleep on the global timer");
        wakewire_reactor_timer::sleep(Duration::from_millis(1)).await;
    })
}
