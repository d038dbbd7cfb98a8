//! The local executor drives the timer itself: no timer thread.
//!
//! `TimerPark` wraps a `ThreadParker` and the executor waits in it, so every time the
//! executor runs out of work it fires the due timers and then blocks only until the next
//! deadline. Stack it over another park (a socket reactor's) and one thread drives both.
//!
//! Run: `cargo run --example timer_park`
//!
//! Look for: the tasks finish in deadline order (not spawn order), the interval ticks
//! every 5 ms, the slow future loses to its timeout, and every wait is close to what was
//! asked (the timer's resolution is 1 ms).

use std::time::{Duration, Instant};

use wakewire::core::{BlockOn, LocalSpawn, ThreadParker};
use wakewire::local::LocalExecutor;
use wakewire::timer::{sleep, timeout, TimerPark};

fn main() {
    // Poll → Wait → Wake, on one thread: the executor polls; a `Sleep` hands its waker to
    // the wheel; when idle, the executor parks in the TimerPark, which fires the wheel.
    let park = TimerPark::new(ThreadParker::new());
    let timer = park.handle();
    // Make the free functions (`sleep`, `timeout`, …) use this timer on this thread. (The
    // park's context does the same on the threads of an executor that enters it.)
    let _default = timer.set_default();
    let ex = LocalExecutor::with_park(park);
    let start = Instant::now();

    let tasks: Vec<_> = [30u64, 10, 20]
        .into_iter()
        .map(|ms| {
            ex.spawn_local(async move {
                sleep(Duration::from_millis(ms)).await;
                println!("task sleeping {ms:>2} ms woke at {:>5.1?}", start.elapsed());
            })
            .expect("the executor is running")
        })
        .collect();

    ex.block_on(async {
        let mut ticks = timer.interval(Duration::from_millis(5));
        for n in 0..4 {
            let at = ticks
                .tick()
                .await
                .expect("this timer lives as long as the executor");
            println!("interval tick {n} scheduled for {:>5.1?}", at - start);
        }
        let slow = timeout(Duration::from_millis(3), sleep(Duration::from_secs(3600))).await;
        match slow {
            Ok(()) => println!("an hour-long sleep finished within 3 ms?!"),
            Err(elapsed) => println!("an hour-long sleep under a 3 ms timeout: {elapsed}"),
        }
        for task in tasks {
            task.await.expect("the task did not panic");
        }
    });
    println!(
        "all done after {:.1?}, live timers: {}",
        start.elapsed(),
        timer.live_timers()
    );
}
