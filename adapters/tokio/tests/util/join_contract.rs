//! The join contract every Wakewire executor meets, as checks any adapted foreign executor
//! must pass. Shared by the tokio, smol and futures adapters' tests (the smol and futures
//! crates include this file by path).
//!
//! Each check takes a constructor and a shutdown function, so the same body runs on every
//! executor; the `join_contract!` macro stamps out one `#[test]` per check.
#![allow(dead_code, unreachable_pub)]

use std::cell::Cell;
use std::future::{pending, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_core::{BlockOn, LocalSpawn, Spawn};

/// Counts how many times guards made from it were dropped.
#[derive(Clone, Default)]
pub struct DropCounter(Arc<AtomicUsize>);

impl DropCounter {
    pub fn guard(&self) -> DropGuard {
        DropGuard(self.0.clone())
    }

    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Bumps its counter when dropped; move one into a future to observe the future's drop.
pub struct DropGuard(Arc<AtomicUsize>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Aborts the test process if not dropped within `limit`: a hang becomes a loud failure.
pub struct Watchdog(Option<mpsc::Sender<()>>);

pub fn watchdog(name: &'static str, limit: Duration) -> Watchdog {
    let (disarm, disarmed) = mpsc::channel::<()>();
    thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = disarmed.recv_timeout(limit) {
            eprintln!("watchdog: `{name}` did not finish within {limit:?}: hang");
            std::process::abort();
        }
    });
    Watchdog(Some(disarm))
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.take();
    }
}

const LIMIT: Duration = Duration::from_secs(30);

/// A future that never completes and keeps the last waker it saw where a test can reach
/// it, like a leaf future waiting on a reactor that never fires.
pub struct Parked {
    pub waker: Arc<Mutex<Option<Waker>>>,
    pub polled: Arc<AtomicBool>,
}

impl Future for Parked {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        self.polled.store(true, Ordering::SeqCst);
        Poll::Pending
    }
}

/// Drives `ex` until `done` holds (a `block_on` of a yielding loop), under a watchdog.
fn drive_until(ex: &impl BlockOn, what: &'static str, done: impl Fn() -> bool) {
    let _watchdog = watchdog(what, LIMIT);
    ex.block_on(async {
        while !done() {
            yield_now().await;
        }
    });
}

pub fn join_returns_output<E: Spawn + BlockOn>(ex: E) {
    let handle = ex.spawn(async { 40 + 2 }).unwrap();
    let _watchdog = watchdog("join", LIMIT);
    assert_eq!(ex.block_on(handle).unwrap(), 42);
}

pub fn panic_is_a_join_error_and_the_executor_survives<E: Spawn + BlockOn>(ex: E) {
    let _watchdog = watchdog("panic", LIMIT);
    let boom = ex
        .spawn(async {
            if true {
                panic!("boom in a task");
            }
        })
        .unwrap();
    let error = ex.block_on(boom).unwrap_err();
    assert!(error.is_panic());
    assert_eq!(error.panic_message(), Some("boom in a task"));
    let payload = error.into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom in a task"));
    // The threads that ran it still run tasks.
    let handles: Vec<_> = (0..100)
        .map(|i| ex.spawn(async move { i }).unwrap())
        .collect();
    let total = ex.block_on(async {
        let mut total = 0;
        for handle in handles {
            total += handle.await.unwrap();
        }
        total
    });
    assert_eq!(total, (0..100).sum::<i32>());
}

pub fn dropping_the_handle_detaches<E: Spawn + BlockOn>(ex: E) {
    let ran = Arc::new(AtomicBool::new(false));
    let flag = ran.clone();
    let handle = ex
        .spawn(async move {
            yield_now().await;
            flag.store(true, Ordering::SeqCst);
        })
        .unwrap();
    drop(handle);
    drive_until(&ex, "detach", || ran.load(Ordering::SeqCst));
}

pub fn cancel_drops_the_future_promptly<E: Spawn + BlockOn>(ex: E) {
    let drops = DropCounter::default();
    let guard = drops.guard();
    let polled = Arc::new(AtomicBool::new(false));
    let seen = polled.clone();
    let handle = ex
        .spawn(async move {
            let _guard = guard;
            seen.store(true, Ordering::SeqCst);
            pending::<u32>().await
        })
        .unwrap();
    drive_until(&ex, "first poll", || polled.load(Ordering::SeqCst));
    assert_eq!(drops.get(), 0);
    handle.cancel();
    handle.cancel(); // idempotent
    let _watchdog = watchdog("cancel", LIMIT);
    let error = ex.block_on(handle).unwrap_err();
    assert!(error.is_cancelled());
    assert_eq!(drops.get(), 1, "dropped before the handle resolved, once");
}

/// Spawns a waiting task and a busy (self-waking) task, each owning a drop guard, then
/// shuts the executor down: both futures are dropped exactly once by the time `shutdown`
/// returns, their handles report cancellation, and a later spawn is refused with its
/// future dropped before `spawn` returns.
pub fn shutdown_drops_every_future_once_and_refuses_spawns<E, S>(
    ex: E,
    spawner: S,
    shutdown: impl FnOnce(E),
) where
    E: Spawn + BlockOn,
    S: Spawn,
{
    const EACH: usize = 8;
    let drops = DropCounter::default();
    let polled = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    let mut wakers = Vec::new();
    for _ in 0..EACH {
        let guard = drops.guard();
        let waker = Arc::new(Mutex::new(None));
        wakers.push(waker.clone());
        let seen = Arc::new(AtomicBool::new(false));
        let count = polled.clone();
        handles.push(
            ex.spawn(async move {
                let _guard = guard;
                count.fetch_add(1, Ordering::SeqCst);
                Parked {
                    waker,
                    polled: seen,
                }
                .await;
            })
            .unwrap(),
        );
        let guard = drops.guard();
        let count = polled.clone();
        handles.push(
            ex.spawn(async move {
                let _guard = guard;
                count.fetch_add(1, Ordering::SeqCst);
                loop {
                    yield_now().await;
                }
            })
            .unwrap(),
        );
    }
    drive_until(&ex, "every task polled", || {
        polled.load(Ordering::SeqCst) == 2 * EACH
    });
    {
        let _watchdog = watchdog("shutdown", LIMIT);
        shutdown(ex);
    }
    assert_eq!(drops.get(), 2 * EACH, "every future dropped by shutdown");
    for handle in handles {
        let _watchdog = watchdog("cancelled handle", LIMIT);
        assert!(wakewire_core::block_on(handle).unwrap_err().is_cancelled());
    }
    // Stale wakers of dropped tasks are no-ops.
    for waker in wakers {
        if let Some(waker) = waker.lock().unwrap().take() {
            waker.wake();
        }
    }
    assert_eq!(drops.get(), 2 * EACH, "and never dropped twice");

    let late = drops.guard();
    let refused = spawner.spawn(async move {
        let _late = late;
    });
    assert!(refused.unwrap_err().is_shutdown());
    assert_eq!(drops.get(), 2 * EACH + 1, "dropped before spawn returned");
}

/// The same contract for `!Send` tasks on a single-threaded executor.
pub fn local_tasks_meet_the_contract<E: LocalSpawn + BlockOn>(ex: E, shutdown: impl FnOnce(E)) {
    let _watchdog = watchdog("local contract", LIMIT);
    // Output, with a !Send value inside.
    let shared = Rc::new(Cell::new(1));
    let inner = shared.clone();
    let handle = ex
        .spawn_local(async move {
            yield_now().await;
            inner.set(inner.get() + 1);
            inner.get()
        })
        .unwrap();
    assert_eq!(ex.block_on(handle).unwrap(), 2);
    // Panic: an error with its payload, and the executor goes on.
    let boom = ex
        .spawn_local(async {
            if true {
                panic!("local boom");
            }
        })
        .unwrap();
    assert_eq!(
        ex.block_on(boom).unwrap_err().panic_message(),
        Some("local boom")
    );
    // Detach.
    let ran = Rc::new(Cell::new(false));
    let flag = ran.clone();
    drop(ex.spawn_local(async move { flag.set(true) }).unwrap());
    ex.block_on(async {
        while !ran.get() {
            yield_now().await;
        }
    });
    // Cancel.
    let drops = DropCounter::default();
    let guard = drops.guard();
    let polled = Rc::new(Cell::new(false));
    let seen = polled.clone();
    let handle = ex
        .spawn_local(async move {
            let _guard = guard;
            seen.set(true);
            pending::<()>().await
        })
        .unwrap();
    ex.block_on(async {
        while !polled.get() {
            yield_now().await;
        }
    });
    handle.cancel();
    assert!(ex.block_on(handle).unwrap_err().is_cancelled());
    assert_eq!(drops.get(), 1);
    // Shutdown with a waiting and a queued task, one of them woken from another thread.
    let waker = Arc::new(Mutex::new(None));
    let parked_polled = Arc::new(AtomicBool::new(false));
    let guard = drops.guard();
    let waiting = ex
        .spawn_local({
            let parked = Parked {
                waker: waker.clone(),
                polled: parked_polled.clone(),
            };
            let not_send = Rc::new(());
            async move {
                let _guard = guard;
                let _not_send = not_send;
                parked.await
            }
        })
        .unwrap();
    let guard = drops.guard();
    let busy = ex
        .spawn_local(async move {
            let _guard = guard;
            loop {
                yield_now().await;
            }
        })
        .unwrap();
    ex.block_on(async {
        while !parked_polled.load(Ordering::SeqCst) {
            yield_now().await;
        }
    });
    let remote = waker.lock().unwrap().take().unwrap();
    thread::spawn(move || remote.wake()).join().unwrap();
    shutdown(ex);
    assert_eq!(drops.get(), 3, "both futures dropped once, on this thread");
    assert!(wakewire_core::block_on(waiting).unwrap_err().is_cancelled());
    assert!(wakewire_core::block_on(busy).unwrap_err().is_cancelled());
}

/// Stamps out one `#[test]` per contract check for a `Spawn + BlockOn` executor.
/// `$make` builds it; `$spawner` gets a spawner that outlives it; `$shutdown` shuts it down.
#[macro_export]
macro_rules! join_contract {
    ($make:expr, $spawner:expr, $shutdown:expr) => {
        #[test]
        fn join_returns_output() {
            util::join_contract::join_returns_output($make);
        }

        #[test]
        fn panic_is_a_join_error_and_the_executor_survives() {
            util::join_contract::panic_is_a_join_error_and_the_executor_survives($make);
        }

        #[test]
        fn dropping_the_handle_detaches() {
            util::join_contract::dropping_the_handle_detaches($make);
        }

        #[test]
        fn cancel_drops_the_future_promptly() {
            util::join_contract::cancel_drops_the_future_promptly($make);
        }

        #[test]
        fn shutdown_drops_every_future_once_and_refuses_spawns() {
            let ex = $make;
            let spawner = ($spawner)(&ex);
            util::join_contract::shutdown_drops_every_future_once_and_refuses_spawns(
                ex, spawner, $shutdown,
            );
        }
    };
}
