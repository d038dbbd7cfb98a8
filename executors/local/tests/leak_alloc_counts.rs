//! After tasks finish, are cancelled or are dropped with the executor, and after
//! the last stray waker is gone, every byte the executor allocated for them is freed.

use std::sync::mpsc;
use std::task::Waker;
use std::thread;

use wakewire_core::future::yield_now;
use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::{CountingAllocator, Parked};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::new();

fn one_cycle(stray_wakers: &mpsc::Sender<Waker>) {
    let ex = LocalExecutor::new();
    let done = ex.spawn(async { yield_now().await }).unwrap();
    let cancelled = ex.spawn(Parked(stray_wakers.clone())).unwrap();
    drop(ex.spawn_local(Parked(stray_wakers.clone())).unwrap()); // detached, dropped at shutdown
    let child = ex.local_spawner();
    ex.block_on(async {
        done.await.unwrap();
        let _ = child.spawn_local(async {}).unwrap().await;
    });
    cancelled.cancel();
    ex.run_until_stalled();
    assert_eq!(ex.metrics().live_tasks, 1);
    drop(ex);
}

#[test]
fn create_and_drop_cycles_return_to_the_baseline() {
    let (tx, rx) = mpsc::channel();
    // Warm up lazily-initialised thread-locals and channel blocks.
    one_cycle(&tx);
    drop(rx.try_iter().collect::<Vec<_>>());
    let baseline = ALLOCATOR.live_bytes();
    for _ in 0..wakewire_test_util::scaled(10_000) {
        one_cycle(&tx);
    }
    // The stray wakers keep their task cells alive (not the futures) until dropped,
    // including from another thread.
    let wakers: Vec<Waker> = rx.try_iter().collect();
    assert!(!wakers.is_empty());
    thread::spawn(move || {
        for waker in wakers {
            waker.wake();
        }
    })
    .join()
    .unwrap();
    let after = ALLOCATOR.live_bytes();
    assert!(
        (after - baseline).abs() <= 4096,
        "live bytes drifted by {} over the cycles",
        after - baseline
    );
}
