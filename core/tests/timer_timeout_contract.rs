//! `timeout` against the `Timer` trait: ready futures win, zero and huge durations, and
//! `dyn` timers.

use std::future::{pending, ready, Future};
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use wakewire_core::timer::{far_deadline, timeout, timeout_at, DynTimer, DynTimerRef, Timer};
use wakewire_core::waker::counting_waker;

/// A timer on a clock that only moves when told to; each sleep registers its waker.
#[derive(Clone)]
struct FakeTimer {
    state: Arc<Mutex<FakeState>>,
}

struct FakeState {
    now: Instant,
    waiting: Vec<Waker>,
}

impl FakeTimer {
    fn new() -> Self {
        FakeTimer {
            state: Arc::new(Mutex::new(FakeState {
                now: Instant::now(),
                waiting: Vec::new(),
            })),
        }
    }

    fn advance(&self, by: Duration) {
        let wakers = {
            let mut state = self.state.lock().unwrap();
            state.now += by;
            std::mem::take(&mut state.waiting)
        };
        wakers.into_iter().for_each(Waker::wake);
    }
}

struct FakeSleep {
    timer: FakeTimer,
    deadline: Instant,
}

impl Future for FakeSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.timer.state.lock().unwrap();
        if state.now >= self.deadline {
            Poll::Ready(())
        } else {
            state.waiting.push(cx.waker().clone());
            Poll::Pending
        }
    }
}

impl Timer for FakeTimer {
    type Sleep = FakeSleep;

    fn sleep_until(&self, deadline: Instant) -> FakeSleep {
        FakeSleep {
            timer: self.clone(),
            deadline,
        }
    }

    fn now(&self) -> Instant {
        self.state.lock().unwrap().now
    }
}

fn poll_once<F: Future>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

#[test]
fn ready_future_wins_even_against_zero() {
    let timer = FakeTimer::new();
    let (waker, _) = counting_waker();
    let fut = pin!(timeout(&timer, Duration::ZERO, ready(7)));
    assert_eq!(poll_once(fut, &waker), Poll::Ready(Ok(7)));
}

#[test]
fn pending_future_times_out_at_zero() {
    let timer = FakeTimer::new();
    let (waker, _) = counting_waker();
    let fut = pin!(timeout(&timer, Duration::ZERO, pending::<()>()));
    assert!(matches!(poll_once(fut, &waker), Poll::Ready(Err(_))));
}

#[test]
fn deadline_wakes_the_task_then_elapses() {
    let timer = FakeTimer::new();
    let (waker, wakes) = counting_waker();
    let mut fut = pin!(timeout(&timer, Duration::from_secs(5), pending::<()>()));
    assert!(poll_once(fut.as_mut(), &waker).is_pending());
    timer.advance(Duration::from_secs(4));
    assert!(poll_once(fut.as_mut(), &waker).is_pending());
    timer.advance(Duration::from_secs(1));
    assert!(wakes.wakes() >= 2);
    let elapsed = match poll_once(fut.as_mut(), &waker) {
        Poll::Ready(Err(elapsed)) => elapsed,
        other => panic!("expected Elapsed, got {other:?}"),
    };
    assert!(elapsed.to_string().contains("deadline"));
}

#[test]
fn duration_max_never_fires_and_never_overflows() {
    let timer = FakeTimer::new();
    let (waker, _) = counting_waker();
    let start = timer.now();
    let mut fut = pin!(timeout(&timer, Duration::MAX, pending::<()>()));
    assert!(poll_once(fut.as_mut(), &waker).is_pending());
    timer.advance(Duration::from_secs(50 * 365 * 24 * 3600));
    assert!(poll_once(fut.as_mut(), &waker).is_pending());
    assert!(far_deadline(start, Duration::MAX) > start);
    assert_eq!(
        far_deadline(start, Duration::from_secs(1)),
        start + Duration::from_secs(1)
    );
}

#[test]
fn deadline_in_the_past_elapses_at_once() {
    let timer = FakeTimer::new();
    let (waker, _) = counting_waker();
    let past = timer.now();
    timer.advance(Duration::from_secs(1));
    let fut = pin!(timeout_at(&timer, past, pending::<()>()));
    assert!(matches!(poll_once(fut, &waker), Poll::Ready(Err(_))));
}

#[test]
fn dyn_timers_share_one_table() {
    let fake = FakeTimer::new();
    let timers: Vec<Box<dyn DynTimer + Send + Sync>> = vec![Box::new(fake.clone())];
    let (waker, _) = counting_waker();
    let timer = DynTimerRef(&*timers[0]);
    let mut fut = pin!(timeout(&timer, Duration::from_millis(1), pending::<()>()));
    assert!(poll_once(fut.as_mut(), &waker).is_pending());
    fake.advance(Duration::from_millis(1));
    assert!(matches!(poll_once(fut, &waker), Poll::Ready(Err(_))));
}
