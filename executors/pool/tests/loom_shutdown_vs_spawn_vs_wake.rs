//! Shutdown races a spawn and a wake, on the pool's own code: `PoolState::stop` (close the
//! spawn gate, set the shutdown flag, close the live-task registry, unpark the workers,
//! wait for them, sweep), the worker's run loop (it stops after its current poll, puts
//! back a task it took after shutdown began, drains its queue, and the last worker out
//! sweeps too), the spawn path through the gate, and a task's registration at its first
//! `Pending`, over the stand-in deques of `model/mod.rs`.
//!
//! One worker; the main thread shuts the pool down while thread B spawns from outside and
//! thread C wakes a task that waits on a "reactor". Checked in every interleaving:
//!
//! - every future is dropped exactly once — an accepted one by a worker's drain or a
//!   sweep (or when it completes), a refused one by `spawn` before it returns;
//! - the sweep terminates, and after `stop` returns the registry and the injector are
//!   empty;
//! - every join handle resolves: the handle of a task dropped by shutdown is woken (a
//!   loom-visible counting waker, registered before the race) and gives a cancellation.
//!
//! Run with `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom
//! cargo test --release -p wakewire-executor-pool --test loom_shutdown_vs_spawn_vs_wake`.
#![cfg(loom)]

mod model;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Mutex;
use loom::thread;
use wakewire_core::waker::{loom_counting_waker, noop_waker};
use wakewire_core::JoinHandle;

use model::ModelPool;

/// Counts its drop.
struct DropGuard(Arc<AtomicUsize>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Where a leaf future leaves its waker for a "reactor" thread to wake.
type Reactor = Arc<Mutex<Option<Waker>>>;

/// A task that waits on the reactor forever: only its waker, or shutdown, ends it.
async fn waits_on(reactor: Reactor, guard: DropGuard) {
    let _guard = guard;
    poll_fn(|cx: &mut Context<'_>| {
        *reactor.lock().unwrap() = Some(cx.waker().clone());
        Poll::<()>::Pending
    })
    .await
}

/// Polls a handle once with `waker`.
fn poll_once<T>(
    handle: &mut JoinHandle<T>,
    waker: &Waker,
) -> Poll<Result<T, wakewire_core::JoinError>> {
    pin!(handle).poll(&mut Context::from_waker(waker))
}

#[test]
fn loom_shutdown_vs_spawn_vs_wake() {
    loom::model(|| {
        let pool = ModelPool::start(1);
        let drops = Arc::new(AtomicUsize::new(0));
        let reactor = Reactor::default();

        // A task that waits on the reactor (registered at its first `Pending`, if the
        // worker gets to poll it before shutdown), and its handle, awaited by a
        // loom-visible counting waker.
        let mut waiting = pool
            .state
            .spawn(waits_on(reactor.clone(), DropGuard(drops.clone())))
            .unwrap();
        let (awaiter, handle_wakes) = loom_counting_waker();
        assert!(poll_once(&mut waiting, &awaiter).is_pending());

        // B: a spawn from outside the workers, racing the close of the gate.
        let spawner = {
            let (state, drops) = (Arc::clone(&pool.state), drops.clone());
            thread::spawn(move || {
                let guard = DropGuard(drops.clone());
                match state.spawn(async move { drop(guard) }) {
                    Ok(handle) => Some(handle),
                    Err(refused) => {
                        assert!(refused.is_shutdown());
                        // The refused future was dropped before `spawn` returned.
                        assert!(drops.load(Ordering::SeqCst) >= 1);
                        None
                    }
                }
            })
        };
        // C: the reactor wakes the waiting task, if it has polled it yet.
        let waker = {
            let reactor = reactor.clone();
            thread::spawn(move || {
                let waker = reactor.lock().unwrap().take();
                if let Some(waker) = waker {
                    waker.wake();
                }
            })
        };

        // `Pool::shutdown`: the pool's own sequence, then the join of the worker.
        let state = Arc::clone(&pool.state);
        pool.shutdown();
        let spawned = spawner.join().unwrap();
        waker.join().unwrap();

        assert!(state.holds_no_task(), "a live task outlived the sweep");
        assert_eq!(
            drops.load(Ordering::SeqCst),
            2,
            "each future dropped exactly once"
        );
        // The waiting task never completes: shutdown dropped it, woke its handle, and the
        // handle gives a cancellation.
        assert!(
            handle_wakes.wakes() >= 1,
            "the handle of a dropped task was not woken"
        );
        match poll_once(&mut waiting, &noop_waker()) {
            Poll::Ready(Err(error)) => assert!(error.is_cancelled()),
            other => panic!("the waiting task's handle gave {other:?}"),
        }
        // The spawned task either ran or was dropped by shutdown; its handle has an answer.
        if let Some(mut handle) = spawned {
            assert!(poll_once(&mut handle, &noop_waker()).is_ready());
        }
        drop(reactor);
    });
}
