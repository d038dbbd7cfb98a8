//! The kit's own test: executors and reactors with a planted bug fail the scenario that
//! guards against it (with a message that says so), and a hang fails its cell naming the
//! scenario and what it was waiting for. Correct parts pass the same scenarios.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use wakewire_core::block_on::Blocker;
use wakewire_core::{Park, ThreadParker, Unpark};
use wakewire_executor_local::LocalExecutor;
use wakewire_matrix::{
    ExecutorEntry, ExecutorUnderTest, Filter, Leaf, LeafSource, Matrix, ReactorBuilder, Report,
    Status,
};

fn local(name: &str, leak_on_shutdown: bool) -> ExecutorEntry {
    ExecutorEntry::new(name, "Wakewire's local executor", move || {
        let ex = LocalExecutor::new();
        let remote = ex.spawner();
        let adapted = ExecutorUnderTest::new(ex)
            .spawns()
            .spawns_local()
            .remote(remote);
        if leak_on_shutdown {
            // The planted bug: shutting down forgets the executor, so no unfinished future
            // is ever dropped.
            adapted.shutdown_with(std::mem::forget).boxed()
        } else {
            adapted.boxed()
        }
    })
}

fn run(matrix: Matrix) -> Report {
    wakewire_matrix::hide_expected_panics();
    matrix
        .with_scenario_limit(Duration::from_secs(2))
        .run(&Filter::all(), 2, &|_| {})
}

fn cell<'a>(report: &'a Report, executor: &str, column: &str) -> &'a wakewire_matrix::CellReport {
    report
        .cell(executor, column)
        .unwrap_or_else(|| panic!("no cell {executor} × {column}"))
}

#[test]
fn an_executor_that_leaks_futures_at_shutdown_fails_the_contract() {
    let report = run(Matrix::new(
        vec![local("leaky", true), local("sound", false)],
        vec![],
    ));
    let leaky = cell(&report, "leaky", "contract");
    assert_eq!(leaky.status, Status::Fail, "{leaky:?}");
    assert!(
        leaky.detail.starts_with("shutdown-drops-once:"),
        "{}",
        leaky.detail
    );
    assert!(
        leaky
            .detail
            .contains("every future dropped by the shutdown"),
        "{}",
        leaky.detail
    );
    assert_eq!(cell(&report, "sound", "contract").status, Status::Pass);
}

/// A park whose unparker does nothing: every wakeup is lost.
struct DeafPark(ThreadParker);

#[derive(Clone)]
struct DeafUnpark;

impl Unpark for DeafUnpark {
    fn unpark(&self) {}
}

impl Park for DeafPark {
    type Unpark = DeafUnpark;

    fn unparker(&self) -> DeafUnpark {
        DeafUnpark
    }

    fn park(&mut self) -> io::Result<()> {
        self.0.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.0.park_timeout(timeout)
    }
}

#[test]
fn a_lost_wakeup_is_a_hang_that_names_the_scenario_and_the_wait() {
    let deaf = ExecutorEntry::new("deaf", "a block_on whose park never hears a wake", || {
        ExecutorUnderTest::new(Blocker::with_park(DeafPark(ThreadParker::new()))).boxed()
    });
    let report = run(Matrix::new(vec![deaf], vec![]));
    let cell = cell(&report, "deaf", "contract");
    assert_eq!(cell.status, Status::Fail, "{cell:?}");
    assert!(
        cell.detail.starts_with("block-on-wake: hung"),
        "{}",
        cell.detail
    );
    assert!(
        cell.detail
            .contains("block_on waiting for a value sent from another thread"),
        "the report says where it waited: {}",
        cell.detail
    );
}

/// A toy reactor: a leaf completes when its `fire` runs, on any thread. Two bugs can be
/// planted: a leaf that keeps the first waker it was polled with (`first_waker_only`), and
/// a dropped leaf whose waker stays registered (`!release_on_drop`).
#[derive(Clone, Copy)]
struct Toy {
    first_waker_only: bool,
    release_on_drop: bool,
}

struct ToyLeaf {
    toy: Toy,
    fired: Arc<AtomicBool>,
    slot: Arc<Mutex<Option<Waker>>>,
}

impl Future for ToyLeaf {
    type Output = Result<(), String>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), String>> {
        if self.fired.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        let mut slot = self.slot.lock().unwrap();
        if slot.is_none() || !self.toy.first_waker_only {
            let old = slot.replace(cx.waker().clone());
            drop(slot);
            drop(old);
        }
        Poll::Pending
    }
}

impl Drop for ToyLeaf {
    fn drop(&mut self) {
        if self.toy.release_on_drop {
            let waker = self.slot.lock().unwrap().take();
            drop(waker);
        }
    }
}

impl LeafSource for Toy {
    fn leaf(&self) -> Leaf {
        let fired = Arc::new(AtomicBool::new(false));
        let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
        let future = ToyLeaf {
            toy: *self,
            fired: Arc::clone(&fired),
            slot: Arc::clone(&slot),
        };
        Leaf::new(future, move || {
            fired.store(true, Ordering::SeqCst);
            let waker = slot.lock().unwrap().take();
            if let Some(waker) = waker {
                waker.wake();
            }
        })
    }
}

fn toy(name: &str, toy: Toy) -> wakewire_matrix::ReactorEntry {
    ReactorBuilder::leaves(name, "a toy reactor")
        .on_own_thread(move || Ok(toy))
        .no_park("the toy has no event loop")
        .build()
}

fn blocker() -> ExecutorEntry {
    ExecutorEntry::new("block-on", "core's Blocker", || {
        ExecutorUnderTest::new(Blocker::new()).boxed()
    })
}

#[test]
fn a_reactor_that_wakes_a_replaced_waker_fails_latest_waker_only() {
    let sound = Toy {
        first_waker_only: false,
        release_on_drop: true,
    };
    let stale = Toy {
        first_waker_only: true,
        ..sound
    };
    let report = run(Matrix::new(
        vec![blocker()],
        vec![toy("sound", sound), toy("stale", stale)],
    )
    .without_contract());
    let sound = cell(&report, "block-on", "sound/thread");
    assert_eq!(sound.status, Status::Pass, "{sound:?}");
    let stale = cell(&report, "block-on", "stale/thread");
    assert_eq!(stale.status, Status::Fail, "{stale:?}");
    assert!(
        stale.detail.starts_with("latest-waker-only:"),
        "{}",
        stale.detail
    );
    assert!(
        stale.detail.contains("woke the replaced waker"),
        "{}",
        stale.detail
    );
}

#[test]
fn a_reactor_that_keeps_a_dropped_leafs_waker_fails_drop_releases() {
    let keeps = Toy {
        first_waker_only: false,
        release_on_drop: false,
    };
    let report = run(Matrix::new(vec![blocker()], vec![toy("keeps", keeps)]).without_contract());
    let keeps = cell(&report, "block-on", "keeps/thread");
    assert_eq!(keeps.status, Status::Fail, "{keeps:?}");
    assert!(
        keeps.detail.starts_with("drop-releases:"),
        "{}",
        keeps.detail
    );
    assert!(keeps.detail.contains("waker"), "{}", keeps.detail);
}
