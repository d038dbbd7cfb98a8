//! A cancel, reset or re-registration on one thread while the driver fires on another.
//!
//! Run with `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test
//! loom_timer_cancel_vs_fire`. The timer's state lock is loom's under `--cfg loom`.
//!
//! Properties: a registration is woken at most once; a driver turn that starts after
//! `drop(sleep)` returned never fires or wakes it; the entry and its waker are freed on
//! every path; a re-registration moves the wake to the latest waker unless the fire came
//! first (then the poll itself sees completion). Wakers run outside the lock, so a wake
//! the driver decided on *before* the cancel may still be delivered just after it returns:
//! that is a spurious wake of a task that no longer waits, which is harmless.
//!
//! Two more models check the driver's sleep protocol (`sleeping_until`): a timer made due,
//! or a manual clock advanced, by another thread while the driver goes to park is never
//! lost (loom reports a deadlock if the driver parks for good).
#![cfg(loom)]

use std::future::Future;
use std::io;
use std::task::{Context, Poll};
use std::time::Duration;

use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::Arc;
use loom::thread;
use wakewire_core::waker::counting_waker;
use wakewire_core::{Park, Unpark};
use wakewire_reactor_timer::{ManualClock, TimerPark};

const MS: Duration = Duration::from_millis(1);

/// A park that never blocks: the models step the driver by hand.
#[derive(Debug)]
struct NoopPark;

#[derive(Debug, Clone)]
struct NoopUnpark;

impl Unpark for NoopUnpark {
    fn unpark(&self) {}
}

impl Park for NoopPark {
    type Unpark = NoopUnpark;
    fn unparker(&self) -> NoopUnpark {
        NoopUnpark
    }
    fn park(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn park_timeout(&mut self, _: Duration) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn loom_timer_cancel_vs_fire() {
    loom::model(|| {
        let clock = ManualClock::new();
        let mut park = TimerPark::with_clock(NoopPark, clock.clone());
        let timer = park.handle();
        let (waker, wakes) = counting_waker();
        let mut sleep = timer.sleep(MS);
        let mut cx = Context::from_waker(&waker);
        assert!(sleep.poll_checked(&mut cx).is_pending());
        clock.advance(MS);

        let cancelled = Arc::new(AtomicBool::new(false));
        let driver = thread::spawn({
            let cancelled = cancelled.clone();
            let wakes = wakes.clone();
            move || {
                let after_cancel = cancelled.load(Ordering::Acquire);
                let before = wakes.wakes();
                let fired = park.turn();
                assert!(fired <= 1, "fired {fired} times");
                if after_cancel {
                    assert_eq!(fired, 0, "fired after cancel returned");
                    assert_eq!(wakes.wakes(), before, "woke after cancel returned");
                }
                park
            }
        });
        drop(sleep);
        cancelled.store(true, Ordering::Release);
        let mut park = driver.join().unwrap();
        let settled = wakes.wakes();
        assert!(settled <= 1, "woken {settled} times");
        assert_eq!(park.turn(), 0);
        assert_eq!(wakes.wakes(), settled);
        assert_eq!(timer.live_timers(), 0, "entry leaked");
        drop(waker);
        assert_eq!(wakes.live_references(), 1, "waker leaked"); // only this counter is left
    });
}

#[test]
fn loom_timer_reset_vs_fire() {
    loom::model(|| {
        let clock = ManualClock::new();
        let mut park = TimerPark::with_clock(NoopPark, clock.clone());
        let (waker, wakes) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let mut sleep = park.handle().sleep(MS);
        assert!(sleep.poll_checked(&mut cx).is_pending());
        clock.advance(MS);
        let driver = thread::spawn(move || {
            assert!(park.turn() <= 1);
            park
        });
        sleep.reset(clock.now() + 5 * MS);
        let mut park = driver.join().unwrap();
        // Whether the fire came before or after the reset, the sleep now waits for 6 ms.
        assert!(sleep.poll_checked(&mut cx).is_pending());
        let before = wakes.wakes();
        assert!(before <= 1);
        clock.advance(5 * MS);
        assert_eq!(park.turn(), 1);
        assert_eq!(wakes.wakes(), before + 1);
        assert_eq!(sleep.poll_checked(&mut cx), Poll::Ready(Ok(())));
    });
}

#[test]
fn loom_timer_change_waker_vs_fire() {
    loom::model(|| {
        let clock = ManualClock::new();
        let mut park = TimerPark::with_clock(NoopPark, clock.clone());
        let (a, a_wakes) = counting_waker();
        let (b, b_wakes) = counting_waker();
        let mut sleep = park.handle().sleep(MS);
        assert!(sleep
            .poll_checked(&mut Context::from_waker(&a))
            .is_pending());
        clock.advance(MS);
        let driver = thread::spawn(move || {
            assert_eq!(park.turn(), 1);
            park
        });
        let polled = sleep.poll_checked(&mut Context::from_waker(&b));
        drop(driver.join().unwrap());
        match polled {
            // The fire came first: it woke `a`, and the poll saw the completion.
            Poll::Ready(result) => {
                assert_eq!(result, Ok(()));
                assert_eq!((a_wakes.wakes(), b_wakes.wakes()), (1, 0));
            }
            // The poll came first: the latest waker, `b`, was woken.
            Poll::Pending => assert_eq!((a_wakes.wakes(), b_wakes.wakes()), (0, 1)),
        }
    });
}

#[test]
fn loom_timer_shutdown_vs_poll() {
    loom::model(|| {
        let park = TimerPark::with_clock(NoopPark, ManualClock::new());
        let timer = park.handle();
        let (waker, wakes) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let mut sleep = timer.sleep(MS).checked();
        assert!(std::pin::Pin::new(&mut sleep).poll(&mut cx).is_pending());
        let driver = thread::spawn(move || drop(park));
        let polled = std::pin::Pin::new(&mut sleep).poll(&mut cx);
        driver.join().unwrap();
        // Either the poll saw the shutdown, or the shutdown woke the waker it had stored.
        match polled {
            Poll::Ready(result) => {
                assert_eq!(result, Err(wakewire_reactor_timer::TimerError::Shutdown))
            }
            Poll::Pending => {
                assert_eq!(wakes.wakes(), 1);
                assert!(std::pin::Pin::new(&mut sleep).poll(&mut cx).is_ready());
            }
        }
        assert!(wakes.wakes() <= 1);
        drop(sleep);
        assert_eq!(timer.live_timers(), 0);
    });
}

/// A park that really blocks, in loom's world: `park()` waits for an `unpark()`.
#[derive(Debug)]
struct LoomPark(loom::thread::Thread);

#[derive(Debug, Clone)]
struct LoomUnpark(loom::thread::Thread);

impl Unpark for LoomUnpark {
    fn unpark(&self) {
        self.0.unpark();
    }
}

impl Park for LoomPark {
    type Unpark = LoomUnpark;
    fn unparker(&self) -> LoomUnpark {
        LoomUnpark(self.0.clone())
    }
    fn park(&mut self) -> io::Result<()> {
        thread::park();
        Ok(())
    }
    fn park_timeout(&mut self, _: Duration) -> io::Result<()> {
        // Loom has no clock; the models only ever pass ZERO or rely on unparks.
        Ok(())
    }
}

/// A timer made due by another thread while the driver goes to sleep is not lost: the
/// driver either sees it before parking or is unparked (loom reports a deadlock otherwise).
#[test]
fn loom_timer_register_vs_park_no_lost_wakeup() {
    loom::model(|| {
        let clock = ManualClock::new();
        let mut park = TimerPark::with_clock(LoomPark(thread::current()), clock.clone());
        let (waker, wakes) = counting_waker();
        let mut sleep = park.handle().sleep(10 * MS);
        assert!(sleep
            .poll_checked(&mut Context::from_waker(&waker))
            .is_pending());
        let other = thread::spawn(move || {
            sleep.reset(clock.now()); // due now: fires on the driver's next turn
            sleep
        });
        while wakes.wakes() == 0 {
            park.park().unwrap();
        }
        drop(other.join().unwrap());
    });
}

/// `ManualClock::advance` on another thread while the driver goes to sleep: the driver is
/// woken and fires the timer.
#[test]
fn loom_timer_advance_vs_park_no_lost_wakeup() {
    loom::model(|| {
        let clock = ManualClock::new();
        let mut park = TimerPark::with_clock(LoomPark(thread::current()), clock.clone());
        let (waker, wakes) = counting_waker();
        let mut sleep = park.handle().sleep(10 * MS);
        assert!(sleep
            .poll_checked(&mut Context::from_waker(&waker))
            .is_pending());
        let other = thread::spawn(move || clock.advance(10 * MS));
        while wakes.wakes() == 0 {
            park.park().unwrap();
        }
        other.join().unwrap();
        assert_eq!(
            sleep.poll_checked(&mut Context::from_waker(&waker)),
            Poll::Ready(Ok(()))
        );
    });
}
