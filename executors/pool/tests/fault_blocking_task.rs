//! One task that calls `thread::sleep(200 ms)` in every poll does not stop the
//! other tasks on a 2-worker pool: the other worker takes the injector's work and steals
//! the blocked worker's queue. Also: such polls are reported when a threshold is set.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_pool::{BlockedPoll, Pool};

use wakewire_test_util::watchdog;

#[test]
fn fault_blocking_and_never_yielding_task() {
    let _dog = watchdog("fault_blocking_task", Duration::from_secs(60));
    let reports = Arc::new(Mutex::new(Vec::<BlockedPoll>::new()));
    let pool = Pool::builder()
        .workers(2)
        .blocked_poll_threshold(Duration::from_millis(100))
        .on_blocked_poll({
            let reports = reports.clone();
            move |report| reports.lock().unwrap().push(*report)
        })
        .build();
    let sleeper_done = Arc::new(AtomicBool::new(false));
    let blocker = pool
        .spawn({
            let sleeper_done = sleeper_done.clone();
            async move {
                for _ in 0..10 {
                    thread::sleep(Duration::from_millis(200));
                    yield_now().await;
                }
                sleeper_done.store(true, Ordering::SeqCst);
            }
        })
        .unwrap();
    let blocker_id = blocker.id();
    // Let the blocker start sleeping, then spawn 200 short tasks from a task (so some land
    // on whichever worker runs the spawner) and from outside.
    while pool.metrics().polls == 0 {
        thread::yield_now();
    }
    let finished = Arc::new(AtomicUsize::new(0));
    let spawner = pool.spawner();
    let inner = {
        let finished = finished.clone();
        pool.spawn(async move {
            let handles: Vec<_> = (0..100)
                .map(|_| {
                    let finished = finished.clone();
                    spawner
                        .spawn(async move {
                            yield_now().await;
                            finished.fetch_add(1, Ordering::SeqCst);
                        })
                        .unwrap()
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        })
        .unwrap()
    };
    let outer: Vec<_> = (0..100)
        .map(|_| {
            let finished = finished.clone();
            pool.spawn(async move {
                yield_now().await;
                finished.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap()
        })
        .collect();
    pool.block_on(async {
        inner.await.unwrap();
        for handle in outer {
            handle.await.unwrap();
        }
    });
    assert_eq!(finished.load(Ordering::SeqCst), 200);
    assert!(
        !sleeper_done.load(Ordering::SeqCst),
        "the short tasks finished only after the blocking task: it starved them"
    );
    pool.block_on(blocker).unwrap();
    let reports = reports.lock().unwrap();
    // The blocker's 10 sleeping polls are reported; under a slow runner (valgrind) other
    // polls may cross the threshold too, so only the blocker's are counted exactly.
    let blocker_reports: Vec<_> = reports
        .iter()
        .filter(|r| r.task() == Some(blocker_id))
        .collect();
    assert!(
        (10..=11).contains(&blocker_reports.len()),
        "{blocker_reports:?}"
    );
    assert!(reports
        .iter()
        .all(|r| r.duration >= Duration::from_millis(100)
            && r.worker.is_some_and(|worker| worker < 2)));
    assert_eq!(pool.metrics().blocked_polls, reports.len() as u64);
}
