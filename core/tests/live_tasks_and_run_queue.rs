//! `LiveTasks` and `RunQueue`, the parts adapters build foreign-executor bridges from:
//! close reaches waiting tasks, refused spawns drop their future before returning, the
//! runner shares its host fairly and, when dropped, drops every live future on its thread.

use std::future::{pending, Future};
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_core::task::{LiveTasks, RunQueue, Runnable};
use wakewire_core::waker::counting_waker;
use wakewire_core::LocalSpawn;

struct Guard(Arc<AtomicUsize>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn close_wakes_each_waiting_task_once_and_refuses_spawns() {
    let live = LiveTasks::new();
    let queue: Arc<Mutex<Vec<Runnable>>> = Arc::default();
    let drops = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..3 {
        let queue = queue.clone();
        let guard = Guard(drops.clone());
        let (runnable, handle) = live
            .spawn(
                async move {
                    let _guard = guard;
                    pending::<()>().await
                },
                move |runnable| queue.lock().unwrap().push(runnable),
            )
            .unwrap();
        runnable.run();
        handles.push(handle);
    }
    assert_eq!(live.len(), 3);
    assert!(
        !live.wait_empty(Duration::from_millis(1)),
        "three still alive"
    );

    assert!(live.close());
    assert!(!live.close(), "a second close wakes nobody");
    assert_eq!(queue.lock().unwrap().len(), 3, "each woken once");
    queue.lock().unwrap().clear(); // a shut-down host drops what it receives
    assert_eq!(drops.load(Ordering::SeqCst), 3);
    assert!(live.wait_empty(Duration::from_secs(10)));
    for handle in handles {
        assert!(wakewire_core::block_on(handle).unwrap_err().is_cancelled());
    }

    let guard = Guard(drops.clone());
    assert!(live.spawn(async move { drop(guard) }, |_| {}).is_err());
    assert_eq!(
        drops.load(Ordering::SeqCst),
        4,
        "dropped before spawn returned"
    );
}

#[test]
fn the_runner_yields_to_its_host_after_a_budget_of_tasks() {
    let (queue, runner) = RunQueue::new();
    let ran = Rc::new(AtomicUsize::new(0));
    for _ in 0..100 {
        let ran = ran.clone();
        drop(queue.spawn_local(async move {
            ran.fetch_add(1, Ordering::SeqCst);
        }));
    }
    let mut runner = pin!(runner);
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(runner.as_mut().poll(&mut cx).is_pending());
    assert_eq!(ran.load(Ordering::SeqCst), 61, "one budget per host poll");
    assert_eq!(wakes.wakes(), 1, "and it asks to be polled again");
    assert!(runner.as_mut().poll(&mut cx).is_pending());
    assert_eq!(ran.load(Ordering::SeqCst), 100);
}

/// A future that hands its waker out, like a leaf waiting on a reactor.
struct Parked(Arc<Mutex<Option<Waker>>>);

impl Future for Parked {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.0.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[test]
fn dropping_the_runner_drops_every_live_future_on_its_thread() {
    let (queue, runner) = RunQueue::new();
    let drops = Arc::new(AtomicUsize::new(0));
    let owner = thread::current().id();
    let dropped_on = Arc::new(Mutex::new(Vec::new()));
    let waker_out = Arc::new(Mutex::new(None));
    let mut handles = Vec::new();
    for parked in [true, false] {
        let guard = Guard(drops.clone());
        let where_dropped = dropped_on.clone();
        let not_send = Rc::new(());
        let waker_out = waker_out.clone();
        handles.push(
            queue
                .spawn_local(async move {
                    let _guard = guard;
                    let _not_send = not_send;
                    struct Note(Arc<Mutex<Vec<thread::ThreadId>>>);
                    impl Drop for Note {
                        fn drop(&mut self) {
                            self.0.lock().unwrap().push(thread::current().id());
                        }
                    }
                    let _note = Note(where_dropped);
                    if parked {
                        Parked(waker_out).await;
                    } else {
                        loop {
                            yield_now().await;
                        }
                    }
                })
                .unwrap(),
        );
    }
    let mut runner = Box::pin(runner);
    let (waker, _) = counting_waker();
    assert!(runner
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    assert_eq!(queue.live_tasks(), 2);
    drop(runner);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    assert!(dropped_on.lock().unwrap().iter().all(|&id| id == owner));
    assert!(queue.is_closed());
    assert!(queue.spawn_local(async {}).is_err());
    // The stale waker, woken on another thread after shutdown, does nothing.
    let stale = waker_out.lock().unwrap().take().unwrap();
    thread::spawn(move || stale.wake()).join().unwrap();
    for handle in handles {
        assert!(wakewire_core::block_on(handle).unwrap_err().is_cancelled());
    }
}
