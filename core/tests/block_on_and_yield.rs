//! The plain `block_on`: wakes from other threads, nested calls refused, the park's context
//! entered, `yield_now` going through the waker.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use wakewire_core::block_on::Blocker;
use wakewire_core::future::yield_now;
use wakewire_core::park::ParkContext;
use wakewire_core::{block_on, BlockOn, Park, ThreadParker};

#[test]
fn wake_from_another_thread_completes_the_future() {
    let (tx, rx) = std::sync::mpsc::channel::<Option<std::task::Waker>>();
    let helper = std::thread::spawn(move || {
        let waker = rx.recv().unwrap().unwrap();
        std::thread::sleep(Duration::from_millis(5));
        waker.wake();
    });
    let mut sent = false;
    block_on(std::future::poll_fn(move |cx| {
        if sent {
            Poll::Ready(())
        } else {
            sent = true;
            tx.send(Some(cx.waker().clone())).unwrap();
            Poll::Pending
        }
    }));
    helper.join().unwrap();
}

#[test]
fn yield_now_wakes_itself_once_per_yield() {
    let polls = Arc::new(AtomicUsize::new(0));
    let counter = polls.clone();
    block_on(async move {
        let mut inner = Box::pin(async {
            for _ in 0..3 {
                yield_now().await;
            }
        });
        std::future::poll_fn(|cx| {
            counter.fetch_add(1, Ordering::SeqCst);
            std::future::Future::poll(inner.as_mut(), cx)
        })
        .await
    });
    assert_eq!(polls.load(Ordering::SeqCst), 4);
}

#[test]
#[should_panic(expected = "already running an executor")]
fn nested_block_on_panics() {
    block_on(async { block_on(async {}) });
}

thread_local!(static INSTALLED: Cell<bool> = const { Cell::new(false) });

struct Uninstall;
impl Drop for Uninstall {
    fn drop(&mut self) {
        INSTALLED.with(|i| i.set(false));
    }
}

/// A park whose context marks the thread, like a reactor's park does.
struct MarkingPark(ThreadParker);

impl Park for MarkingPark {
    type Unpark = wakewire_core::ThreadUnparker;
    fn unparker(&self) -> Self::Unpark {
        self.0.unparker()
    }
    fn park(&mut self) -> std::io::Result<()> {
        self.0.park()
    }
    fn park_timeout(&mut self, timeout: Duration) -> std::io::Result<()> {
        self.0.park_timeout(timeout)
    }
    fn context(&self) -> ParkContext {
        ParkContext::new().with(|| {
            INSTALLED.with(|i| i.set(true));
            Uninstall
        })
    }
}

#[test]
fn the_parks_context_is_current_inside_block_on() {
    let blocker = Blocker::with_park(MarkingPark(ThreadParker::new()));
    assert!(!INSTALLED.with(Cell::get));
    let inside = blocker.block_on(async { INSTALLED.with(Cell::get) });
    assert!(inside);
    assert!(!INSTALLED.with(Cell::get));
}
