//! Shutdown of the local executor beyond the contract (every future dropped once, spawns
//! refused: the matrix's `shutdown-drops-once` and `spawn-after-shutdown`): spawns from a
//! `Drop` during shutdown, destructors that wake each other or take a lock, `!Send`
//! futures dropped on their own thread, wakes after the executor is gone.

use std::future::pending;
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::{watchdog, DropCounter, Parked};

#[test]
fn spawns_from_another_thread_racing_the_drop_are_refused_or_dropped_by_it() {
    let _dog = watchdog(
        "spawns_from_another_thread_racing_the_drop_are_refused_or_dropped_by_it",
        Duration::from_secs(20),
    );
    for _ in 0..wakewire_test_util::scaled(200) {
        let drops = DropCounter::default();
        let ex = LocalExecutor::new();
        let spawner = ex.spawner();
        let (started_tx, started_rx) = mpsc::channel();
        let remote = {
            let drops = drops.clone();
            thread::spawn(move || {
                let mut attempts = 0;
                loop {
                    let guard = drops.guard();
                    attempts += 1;
                    let spawned = spawner.spawn(async move {
                        let _guard = guard;
                        pending::<()>().await
                    });
                    if attempts == 1 {
                        started_tx.send(()).unwrap();
                    }
                    if spawned.is_err() {
                        return attempts;
                    }
                }
            })
        };
        started_rx.recv().unwrap();
        // No `run_until_stalled` here: the remote thread spawns without pause, so the
        // run could chase it for as long as the scheduler lets it (minutes under valgrind).
        drop(ex);
        let attempts = remote.join().unwrap();
        // Refused spawns drop their future at once, accepted ones are dropped by the
        // shutdown: a spawn accepted after it would leave its future in the queue.
        assert_eq!(drops.get(), attempts);
    }
}

#[test]
fn spawning_from_a_drop_during_shutdown_is_refused() {
    struct SpawnOnDrop {
        spawner: wakewire_executor_local::Spawner,
        outcome: Arc<Mutex<Option<bool>>>,
        drops: DropCounter,
    }
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            let guard = self.drops.guard();
            let refused = self.spawner.spawn(async move { drop(guard) }).is_err();
            *self.outcome.lock().unwrap() = Some(refused);
        }
    }
    let ex = LocalExecutor::new();
    let outcome = Arc::new(Mutex::new(None));
    let drops = DropCounter::default();
    let bomb = SpawnOnDrop {
        spawner: ex.spawner(),
        outcome: outcome.clone(),
        drops: drops.clone(),
    };
    drop(
        ex.spawn(async move {
            let _b = bomb;
            pending::<()>().await
        })
        .unwrap(),
    );
    ex.run_until_stalled();
    drop(ex);
    assert_eq!(*outcome.lock().unwrap(), Some(true));
    assert_eq!(drops.get(), 1, "the refused future was dropped, not leaked");
}

#[test]
fn drops_that_wake_each_other_or_take_a_lock_do_not_deadlock() {
    let _dog = watchdog("drops_that_wake_each_other", Duration::from_secs(10));
    struct WakeOnDrop(Arc<Mutex<Option<Waker>>>, Arc<Mutex<()>>);
    impl Drop for WakeOnDrop {
        fn drop(&mut self) {
            let _held = self.1.lock().unwrap();
            if let Some(waker) = self.0.lock().unwrap().take() {
                waker.wake();
            }
        }
    }
    let ex = LocalExecutor::new();
    let lock = Arc::new(Mutex::new(()));
    let a_waker = Arc::new(Mutex::new(None::<Waker>));
    let b_waker = Arc::new(Mutex::new(None::<Waker>));
    let drops = DropCounter::default();
    for (mine, theirs) in [(a_waker.clone(), b_waker.clone()), (b_waker, a_waker)] {
        let bomb = WakeOnDrop(theirs, lock.clone());
        let guard = drops.guard();
        drop(
            ex.spawn(std::future::poll_fn(move |cx| {
                let _keep = (&bomb, &guard);
                *mine.lock().unwrap() = Some(cx.waker().clone());
                Poll::<()>::Pending
            }))
            .unwrap(),
        );
    }
    ex.run_until_stalled();
    // Another thread holds the lock the destructors need, briefly.
    let (locked_tx, locked_rx) = mpsc::channel();
    let releaser = thread::spawn({
        let lock = lock.clone();
        move || {
            let _held = lock.lock().unwrap();
            locked_tx.send(()).unwrap();
            // Long enough that the executor's drop runs into the held lock.
            thread::sleep(Duration::from_millis(20));
        }
    });
    locked_rx.recv().unwrap();
    drop(ex);
    releaser.join().unwrap();
    assert_eq!(drops.get(), 2);
}

#[test]
#[allow(clippy::waker_clone_wake)] // cloning on the foreign thread is the point
fn local_futures_are_dropped_on_the_owner_thread_even_when_woken_elsewhere() {
    let _dog = watchdog(
        "local_futures_are_dropped_on_the_owner_thread",
        Duration::from_secs(10),
    );
    let owner = thread::current().id();
    let dropped_on = Arc::new(Mutex::new(Vec::new()));
    struct RecordThread {
        seen: Arc<Mutex<Vec<thread::ThreadId>>>,
        _not_send: std::rc::Rc<()>,
    }
    impl Drop for RecordThread {
        fn drop(&mut self) {
            self.seen.lock().unwrap().push(thread::current().id());
        }
    }
    let (wakers_tx, wakers_rx) = mpsc::channel();
    let ex = LocalExecutor::new();
    for _ in 0..4 {
        let record = RecordThread {
            seen: dropped_on.clone(),
            _not_send: std::rc::Rc::new(()),
        };
        let parked = Parked(wakers_tx.clone());
        drop(
            ex.spawn_local(async move {
                let _r = record;
                parked.await
            })
            .unwrap(),
        );
    }
    ex.run_until_stalled();
    let wakers: Vec<Waker> = wakers_rx.try_iter().collect();
    assert_eq!(wakers.len(), 4);
    // Foreign threads wake, clone and drop the wakers (the last references of two tasks);
    // the tasks come back to this thread's queue instead of being dropped over there.
    let foreign = thread::spawn(move || {
        for (i, waker) in wakers.into_iter().enumerate() {
            if i % 2 == 0 {
                waker.clone().wake();
            }
            drop(waker);
        }
    });
    foreign.join().unwrap();
    drop(ex);
    let threads = dropped_on.lock().unwrap();
    assert_eq!(threads.len(), 4);
    assert!(
        threads.iter().all(|id| *id == owner),
        "dropped on {threads:?}, owner {owner:?}"
    );
}

#[test]
#[allow(clippy::waker_clone_wake)] // cloning on the foreign thread is the point
fn wakes_after_the_executor_is_gone_are_no_ops() {
    let (wakers_tx, wakers_rx) = mpsc::channel();
    let ex = LocalExecutor::new();
    drop(ex.spawn_local(Parked(wakers_tx)).unwrap());
    ex.run_until_stalled();
    drop(ex);
    let waker = wakers_rx.recv().unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let waker = waker.clone();
            thread::spawn(move || {
                waker.wake_by_ref();
                waker.clone().wake();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    drop(waker);
}

#[test]
fn unfinished_tasks_that_yield_are_dropped_too() {
    let drops = DropCounter::default();
    let ex = LocalExecutor::new();
    for _ in 0..100 {
        let guard = drops.guard();
        drop(
            ex.spawn(async move {
                let _g = guard;
                loop {
                    yield_now().await;
                }
            })
            .unwrap(),
        );
    }
    assert!(ex.try_tick());
    drop(ex);
    assert_eq!(drops.get(), 100);
}
