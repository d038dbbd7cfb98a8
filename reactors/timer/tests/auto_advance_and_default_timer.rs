//! Two ways a timer is found and moved without real time passing: an executor idle in a
//! `TimerPark` on an auto-advancing manual clock jumps the clock to the next deadline, and
//! a timer set as the thread's default is the one the free functions use. (That `sleep`
//! completes under every executor, in both drive modes, is the matrix's `timer` column.)
#![cfg(not(loom))]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use wakewire_core::ThreadParker;
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_timer::{sleep, ManualClock, TimerPark, TimerThread};
use wakewire_test_util::{poll_once, watchdog};

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn an_idle_executor_jumps_an_auto_advancing_clock_in_deadline_order() {
    let _watchdog = watchdog("local/auto-advance", Duration::from_secs(10));
    let clock = ManualClock::new();
    clock.set_auto_advance(true);
    let park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
    let timer = park.handle();
    let _default = timer.set_default();
    let ex = LocalExecutor::with_park(park);
    let start = clock.now();
    let order = Rc::new(RefCell::new(Vec::new()));
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
    assert_eq!(
        clock.now() - start,
        HOUR * 3,
        "no further than the last deadline"
    );
    assert_eq!(timer.live_timers(), 0);
}

#[test]
fn the_default_timer_makes_the_free_functions_sleeps() {
    let _watchdog = watchdog("default timer", Duration::from_secs(10));
    let clock = ManualClock::new();
    let timer = TimerThread::with_clock(clock.clone());
    let _default = timer.handle().set_default();
    let mut nap = sleep(HOUR);
    let (waker, wakes) = wakewire_core::waker::counting_waker();
    assert!(poll_once(&mut nap, &waker).is_pending());
    assert_eq!(
        timer.handle().live_timers(),
        1,
        "registered with the default timer"
    );
    clock.advance(HOUR);
    wakewire_core::block_on(nap);
    assert!(wakes.wakes() <= 1);
}
