//! Spawning races shutdown, 1 000 times (scaled): build a pool, spawn 100 never-completing tasks with drop
//! guards and 100 self-waking tasks, keep spawning from a foreign thread, then drop the
//! pool. Per iteration: every accepted future is dropped exactly once (each has its own
//! drop counter, so a double drop cannot hide behind a missed one), every refused future
//! is dropped exactly once before `spawn` returns, and thread starts == thread stops.

use std::future::pending;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_pool::Pool;

use wakewire_test_util::{watchdog, DropCounter};

/// What the foreign spawner saw.
struct Foreign {
    /// One drop counter per accepted future.
    accepted: Vec<DropCounter>,
    refused: usize,
}

#[test]
fn stress_spawn_shutdown_loop() {
    let _dog = watchdog("stress_spawn_shutdown_loop", Duration::from_secs(120));
    for iteration in 0..wakewire_test_util::scaled(1000) {
        let mut pool = Pool::builder().workers(2).build();
        let mut accepted: Vec<DropCounter> = Vec::with_capacity(200);
        for _ in 0..100 {
            let drops = DropCounter::default();
            let guard = drops.guard();
            drop(
                pool.spawn(async move {
                    let _guard = guard;
                    pending::<()>().await;
                })
                .unwrap(),
            );
            accepted.push(drops);
            let drops = DropCounter::default();
            let guard = drops.guard();
            drop(
                pool.spawn(async move {
                    let _guard = guard;
                    loop {
                        yield_now().await;
                    }
                })
                .unwrap(),
            );
            accepted.push(drops);
        }
        let foreign_accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let foreign = {
            let (handle, foreign_accepted, stop) =
                (pool.spawner(), foreign_accepted.clone(), stop.clone());
            thread::spawn(move || {
                let mut seen = Foreign {
                    accepted: Vec::new(),
                    refused: 0,
                };
                // Bounded, so one iteration cannot pile up an unbounded backlog.
                for _ in 0..2_000 {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let drops = DropCounter::default();
                    let guard = drops.guard();
                    match handle.spawn(async move {
                        let _guard = guard;
                        pending::<()>().await;
                    }) {
                        Ok(task) => {
                            drop(task);
                            seen.accepted.push(drops);
                            foreign_accepted.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(_) => {
                            // Exactly this future, exactly once, before `spawn` returned.
                            assert_eq!(drops.get(), 1, "a refused future is dropped at once");
                            seen.refused += 1;
                            if seen.refused > 3 {
                                break;
                            }
                        }
                    }
                }
                seen
            })
        };
        // Shut down while the foreign thread is (probably) still spawning.
        while foreign_accepted.load(Ordering::SeqCst) < 10 {
            thread::yield_now();
        }
        pool.shutdown(Duration::from_secs(10)).unwrap();
        stop.store(true, Ordering::SeqCst);
        let seen = foreign.join().unwrap();
        let metrics = pool.metrics();
        assert_eq!(metrics.live_tasks, 0);
        assert_eq!(metrics.thread_starts, metrics.thread_stops);
        drop(pool);
        // Every accepted future was dropped by shutdown, exactly once.
        accepted.extend(seen.accepted);
        let dropped: usize = accepted.iter().map(DropCounter::get).sum();
        for (index, drops) in accepted.iter().enumerate() {
            assert_eq!(
                drops.get(),
                1,
                "iteration {iteration}: accepted future {index} dropped {} times",
                drops.get()
            );
        }
        assert_eq!(dropped, accepted.len(), "drops == accepted spawns");
    }
}
