//! Scheduling rules: message-passing pairs use the LIFO slot, the LIFO slot cannot starve
//! the local queue, local work cannot starve the injector, a burst of spawns wakes at most
//! one sleeping worker at a time.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_pool::Pool;

use wakewire_test_util::{watchdog, Mailbox};

/// Two tasks bounce a message until `stop` is set.
fn ping_pong_until(pool: &Pool, stop: Arc<AtomicBool>, rounds: Arc<AtomicUsize>) {
    let (a, b) = (Mailbox::<u32>::default(), Mailbox::<u32>::default());
    let (a2, b2) = (a.clone(), b.clone());
    let stop2 = stop.clone();
    drop(
        pool.spawn(async move {
            loop {
                let n = a.recv().await;
                rounds.fetch_add(1, Ordering::SeqCst);
                if stop.load(Ordering::SeqCst) {
                    b.send(u32::MAX);
                    return;
                }
                b.send(n + 1);
            }
        })
        .unwrap(),
    );
    drop(
        pool.spawn(async move {
            a2.send(0);
            loop {
                let n = b2.recv().await;
                if n == u32::MAX || stop2.load(Ordering::SeqCst) {
                    a2.send(u32::MAX);
                    return;
                }
                a2.send(n + 1);
            }
        })
        .unwrap(),
    );
}

#[test]
fn lifo_slot_cannot_starve_the_local_queue() {
    let _dog = watchdog("lifo_slot_cannot_starve", Duration::from_secs(20));
    // One worker: the pair and the other task share its queue.
    let pool = Pool::builder().workers(1).build();
    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));
    let stopper = {
        let (stop, rounds) = (stop.clone(), rounds.clone());
        let handle = pool.spawner();
        pool.spawn(async move {
            ping_pong_until_handle(&handle, stop.clone(), rounds);
            // Queued behind the pair on the same worker: must still get polls.
            for _ in 0..100 {
                yield_now().await;
            }
            stop.store(true, Ordering::SeqCst);
        })
        .unwrap()
    };
    pool.block_on(stopper).unwrap();
    assert!(rounds.load(Ordering::SeqCst) > 0);
    assert!(
        pool.metrics().lifo_polls > 0,
        "message wakes went through the LIFO slot"
    );
}

fn ping_pong_until_handle(
    handle: &wakewire_executor_pool::PoolSpawner,
    stop: Arc<AtomicBool>,
    rounds: Arc<AtomicUsize>,
) {
    // Same as `ping_pong_until`, spawned from inside the pool (local queue).
    let (a, b) = (Mailbox::<u32>::default(), Mailbox::<u32>::default());
    let (a2, b2) = (a.clone(), b.clone());
    let stop2 = stop.clone();
    drop(
        handle
            .spawn(async move {
                loop {
                    let n = a.recv().await;
                    rounds.fetch_add(1, Ordering::SeqCst);
                    if stop.load(Ordering::SeqCst) {
                        b.send(u32::MAX);
                        return;
                    }
                    b.send(n + 1);
                }
            })
            .unwrap(),
    );
    drop(
        handle
            .spawn(async move {
                a2.send(0);
                loop {
                    let n = b2.recv().await;
                    if n == u32::MAX || stop2.load(Ordering::SeqCst) {
                        a2.send(u32::MAX);
                        return;
                    }
                    a2.send(n + 1);
                }
            })
            .unwrap(),
    );
}

#[test]
fn local_work_cannot_starve_the_injector() {
    let _dog = watchdog(
        "local_work_cannot_starve_the_injector",
        Duration::from_secs(20),
    );
    let pool = Pool::builder().workers(1).build();
    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));
    // A pair that would run forever, plus self-yielding tasks, all local to the worker.
    ping_pong_until(&pool, stop.clone(), rounds.clone());
    for _ in 0..4 {
        let stop = stop.clone();
        drop(
            pool.spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    yield_now().await;
                }
            })
            .unwrap(),
        );
    }
    // Remote spawns while the worker is saturated.
    for _ in 0..50 {
        let task = pool.spawn(async { 1 }).unwrap();
        assert_eq!(pool.block_on(task).unwrap(), 1);
    }
    stop.store(true, Ordering::SeqCst);
}

#[test]
fn a_burst_of_spawns_wakes_few_workers() {
    let _dog = watchdog(
        "a_burst_of_spawns_wakes_few_workers",
        Duration::from_secs(20),
    );
    let pool = Pool::builder().workers(4).build();
    // Let all workers fall asleep.
    while pool.metrics().parks < 4 {
        std::thread::yield_now();
    }
    let before = pool.metrics().unparks;
    let handles: Vec<_> = (0..1000)
        .map(|i| pool.spawn(async move { i }).unwrap())
        .collect();
    let sum: u64 = pool.block_on(async {
        let mut sum = 0;
        for handle in handles {
            sum += handle.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, (0..1000).sum());
    let unparks = pool.metrics().unparks - before;
    // Without herd control every one of the 1 000 pushes could unpark a worker.
    assert!(unparks <= 100, "{unparks} unparks for 1 000 spawns");
}
