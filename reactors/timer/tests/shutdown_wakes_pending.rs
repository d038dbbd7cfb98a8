//! Dropping a timer's driver wakes every pending future, which then
//! resolves with a shutdown error; nothing hangs and nothing leaks.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use futures_core::Stream;
use wakewire_core::waker::counting_waker;
use wakewire_core::ThreadParker;
use wakewire_reactor_timer::{ManualClock, TimerError, TimerPark, TimerThread};

use wakewire_test_util::{poll_once, watchdog};

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn shutdown_reactor_and_timer_wake_pending() {
    let _watchdog = watchdog(
        "shutdown_reactor_and_timer_wake_pending",
        Duration::from_secs(10),
    );
    // Threads block (futures-executor) on one-hour sleeps of a thread-driven timer.
    let timer = TimerThread::new();
    let (done, results) = mpsc::channel();
    let waiters: Vec<_> = (0..4)
        .map(|_| {
            let sleep = timer.handle().sleep(HOUR).checked();
            let done = done.clone();
            thread::spawn(move || done.send(futures_executor::block_on(sleep)).unwrap())
        })
        .collect();
    // Every waiter has registered its entry before the driver goes away.
    let handle = timer.handle();
    while handle.live_timers() < 4 {
        thread::yield_now();
    }
    let dropped_at = std::time::Instant::now();
    drop(timer);
    for _ in 0..4 {
        let result = results
            .recv_timeout(Duration::from_secs(5))
            .expect("a sleep did not resolve after its timer was dropped");
        assert_eq!(result, Err(TimerError::Shutdown));
    }
    // Reported, not asserted: tests make no timing assertions (it should be well under
    // 100 ms).
    eprintln!(
        "4 one-hour sleeps resolved {:?} after the drop",
        dropped_at.elapsed()
    );
    for waiter in waiters {
        waiter.join().unwrap();
    }
    assert!(handle.is_shutdown());
    assert_eq!(handle.live_timers(), 0);
}

#[test]
fn shutdown_of_a_park_wakes_every_kind_of_future_once() {
    let park = TimerPark::with_clock(ThreadParker::new(), ManualClock::new());
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);

    let mut sleep = timer.sleep(HOUR);
    let mut checked = timer.sleep(HOUR).checked();
    let mut never = timer.sleep(Duration::MAX).checked();
    let mut timeout = Box::pin(timer.timeout(HOUR, std::future::pending::<u8>()));
    let mut ticks = timer.interval(HOUR);
    assert!(Pin::new(&mut ticks).poll_next(&mut cx).is_ready()); // first tick is at once
    assert!(poll_once(&mut sleep, &waker).is_pending());
    assert!(poll_once(&mut checked, &waker).is_pending());
    assert!(poll_once(&mut never, &waker).is_pending());
    assert!(timeout.as_mut().poll(&mut cx).is_pending());
    assert!(Pin::new(&mut ticks).poll_next(&mut cx).is_pending());
    assert_eq!(timer.live_timers(), 5);

    drop(park);
    assert_eq!(
        wakes.wakes(),
        5,
        "each pending future is woken exactly once"
    );
    assert_eq!(poll_once(&mut sleep, &waker), Poll::Ready(()));
    assert_eq!(
        poll_once(&mut checked, &waker),
        Poll::Ready(Err(TimerError::Shutdown))
    );
    assert_eq!(
        poll_once(&mut never, &waker),
        Poll::Ready(Err(TimerError::Shutdown))
    );
    assert!(
        matches!(timeout.as_mut().poll(&mut cx), Poll::Ready(Err(_))),
        "the timeout gave up on shutdown"
    );
    assert!(timer.is_shutdown());
    assert_eq!(Pin::new(&mut ticks).poll_next(&mut cx), Poll::Ready(None));
    assert_eq!(Pin::new(&mut ticks).poll_next(&mut cx), Poll::Ready(None));

    // Futures made after shutdown resolve at once instead of hanging.
    let mut late = timer.sleep(HOUR).checked();
    assert_eq!(
        poll_once(&mut late, &waker),
        Poll::Ready(Err(TimerError::Shutdown))
    );
    assert_eq!(wakes.wakes(), 5);
    drop(ticks);
    assert_eq!(timer.live_timers(), 0);
}

#[test]
fn shutdown_wakes_tasks_parked_on_an_executor() {
    use wakewire_executor_local::LocalExecutor;

    let _watchdog = watchdog(
        "shutdown_wakes_tasks_parked_on_an_executor",
        Duration::from_secs(10),
    );
    let timer = TimerThread::new();
    let ex = LocalExecutor::new();
    let tasks: Vec<_> = (0..8)
        .map(|_| ex.spawn(timer.handle().sleep(HOUR).checked()).unwrap())
        .collect();
    ex.run_until_stalled(); // every task is now waiting on its hour
    assert_eq!(timer.handle().live_timers(), 8);
    let handle = timer.handle();
    drop(timer);
    let results = ex.block_on(async {
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    });
    assert_eq!(results, vec![Err(TimerError::Shutdown); 8]);
    assert_eq!(handle.live_timers(), 0);
}
