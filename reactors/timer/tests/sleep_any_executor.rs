//! `sleep` completes under Wakewire's local and pool executors, futures-executor and tokio's
//! current-thread runtime, driven by a `TimerPark`, a timer thread or the global timer.
//! Manual clocks wherever possible; the real-clock cases sleep a millisecond or two.

mod util;

use std::future::poll_fn;
use std::task::Poll;
use std::time::Duration;

use wakewire_core::ThreadParker;
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_timer::{sleep, timeout, ManualClock, TimerPark, TimerThread};

use util::watchdog;

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn local_executor_with_timer_park_and_auto_advance() {
    let _watchdog = watchdog("local/auto-advance", Duration::from_secs(10));
    let clock = ManualClock::new();
    clock.set_auto_advance(true);
    let park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
    let timer = park.handle();
    let _default = timer.set_default();
    let ex = LocalExecutor::with_park(park);
    let start = clock.now();
    let order = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let tasks: Vec<_> = [3u64, 1, 2]
        .into_iter()
        .map(|hours| {
            let order = order.clone();
            ex.spawn_local(async move {
                sleep(HOUR * hours as u32).await;
                order.borrow_mut().push(hours);
            })
            .unwrap()
        })
        .collect();
    ex.block_on(async {
        for task in tasks {
            task.await.unwrap();
        }
    });
    assert_eq!(*order.borrow(), [1, 2, 3]);
    assert_eq!(clock.now() - start, HOUR * 3);
    assert_eq!(timer.live_timers(), 0);
}

#[test]
fn local_executor_with_the_global_timer() {
    let _watchdog = watchdog("local/global", Duration::from_secs(10));
    let ex = LocalExecutor::new();
    ex.block_on(sleep(Duration::from_millis(2)));
    assert!(ex
        .block_on(timeout(Duration::from_millis(1), sleep(HOUR)))
        .is_err());
}

#[test]
fn pool_executor_with_the_global_timer() {
    let _watchdog = watchdog("pool/global", Duration::from_secs(10));
    let pool = wakewire_executor_pool::Pool::builder().workers(2).build();
    // Sleeps spread over both workers; each task checks that its deadline has passed.
    let tasks: Vec<_> = (1..=8u64)
        .map(|ms| {
            pool.spawn(async move {
                let start = std::time::Instant::now();
                sleep(Duration::from_millis(ms)).await;
                assert!(start.elapsed() >= Duration::from_millis(ms), "woke early");
                timeout(Duration::from_millis(1), sleep(HOUR))
                    .await
                    .is_err()
            })
            .unwrap()
        })
        .collect();
    for task in tasks {
        assert!(
            pool.block_on(task).unwrap(),
            "the hour-long sleep lost to its timeout"
        );
    }
}

#[test]
fn futures_executor_with_a_manual_timer_thread() {
    let _watchdog = watchdog("futures-executor/manual", Duration::from_secs(10));
    let clock = ManualClock::new();
    let timer = TimerThread::with_clock(clock.clone());
    let handle = timer.handle();
    futures_executor::block_on(async {
        let mut nap = handle.sleep(HOUR);
        // Register with futures-executor's waker, then move time: the timer thread fires.
        poll_fn(|cx| {
            assert!(nap.poll_checked(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        clock.advance(HOUR);
        (&mut nap).await;
    });
    futures_executor::block_on(sleep(Duration::from_millis(1)));
}

#[test]
fn tokio_current_thread_with_a_manual_timer_thread() {
    let _watchdog = watchdog("tokio/manual", Duration::from_secs(10));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let clock = ManualClock::new();
    let timer = TimerThread::with_clock(clock.clone());
    let handle = timer.handle();
    rt.block_on(async {
        let mut nap = handle.sleep(HOUR);
        poll_fn(|cx| {
            assert!(nap.poll_checked(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        clock.advance(HOUR);
        (&mut nap).await;
        // The global timer needs no tokio timer driver either ("enable_time" is off).
        sleep(Duration::from_millis(1)).await;
    });
}

#[test]
fn tokio_current_thread_with_the_manual_timer_as_default() {
    let _watchdog = watchdog("tokio/default", Duration::from_secs(10));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let clock = ManualClock::new();
    let timer = TimerThread::with_clock(clock.clone());
    let _default = timer.handle().set_default();
    let mut nap = sleep(HOUR);
    let (waker, wakes) = wakewire_core::waker::counting_waker();
    assert!(util::poll_once(&mut nap, &waker).is_pending());
    clock.advance(HOUR);
    rt.block_on(nap);
    assert!(wakes.wakes() <= 1);
}
