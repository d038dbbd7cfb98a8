//! The task cell that every executor builds on, driven by a hand-made queue: the join
//! contract holds without any executor.

use std::future::{pending, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use wakewire_core::task::{self, Runnable};
use wakewire_core::waker::{counting_waker, noop_waker};
use wakewire_core::{JoinError, JoinHandle};

type Queue = Arc<Mutex<Vec<Runnable>>>;

fn spawn_on<F>(queue: &Queue, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let q = queue.clone();
    let (runnable, handle) = task::spawn(future, move |r| q.lock().unwrap().push(r));
    queue.lock().unwrap().push(runnable);
    handle
}

fn run_all(queue: &Queue) -> usize {
    let mut ran = 0;
    loop {
        let next = queue.lock().unwrap().pop();
        match next {
            Some(r) => {
                r.run();
                ran += 1;
            }
            None => return ran,
        }
    }
}

fn poll_handle<T>(handle: &mut JoinHandle<T>) -> Poll<Result<T, JoinError>> {
    let waker = noop_waker();
    Pin::new(handle).poll(&mut Context::from_waker(&waker))
}

struct Guard(Arc<AtomicUsize>);
impl Drop for Guard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn output_reaches_the_handle_and_wakes_its_awaiter() {
    let queue = Queue::default();
    let mut handle = spawn_on(&queue, async { 11 });
    let (waker, wakes) = counting_waker();
    assert!(Pin::new(&mut handle)
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    assert_eq!(run_all(&queue), 1);
    assert_eq!(
        wakes.wakes(),
        1,
        "the awaiting task is woken once on completion"
    );
    assert!(matches!(poll_handle(&mut handle), Poll::Ready(Ok(11))));
}

#[test]
fn dropping_a_runnable_cancels_the_task_and_drops_its_future_once() {
    let queue = Queue::default();
    let drops = Arc::new(AtomicUsize::new(0));
    let guard = Guard(drops.clone());
    let mut handle = spawn_on(&queue, async move {
        let _g = guard;
        pending::<()>().await
    });
    queue.lock().unwrap().clear();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    match poll_handle(&mut handle) {
        Poll::Ready(Err(err)) => assert!(err.is_cancelled()),
        _ => panic!("expected a cancellation"),
    }
}

#[test]
fn cancel_wakes_the_task_and_run_drops_instead_of_polling() {
    let queue = Queue::default();
    let polls = Arc::new(AtomicUsize::new(0));
    let drops = Arc::new(AtomicUsize::new(0));
    let (p, guard) = (polls.clone(), Guard(drops.clone()));
    let mut handle = spawn_on(&queue, async move {
        let _g = guard;
        p.fetch_add(1, Ordering::SeqCst);
        pending::<()>().await
    });
    run_all(&queue);
    assert_eq!(polls.load(Ordering::SeqCst), 1);
    assert!(queue.lock().unwrap().is_empty(), "parked: nothing queued");
    handle.cancel();
    assert_eq!(queue.lock().unwrap().len(), 1, "cancel scheduled the task");
    run_all(&queue);
    assert_eq!(polls.load(Ordering::SeqCst), 1, "not polled again");
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert!(matches!(poll_handle(&mut handle), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn a_panic_in_a_cancelled_futures_drop_is_contained() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("drop panics during cancellation");
        }
    }
    let queue = Queue::default();
    let mut handle = spawn_on(&queue, async move {
        let _bomb = PanicOnDrop;
        pending::<()>().await
    });
    run_all(&queue);
    handle.cancel();
    run_all(&queue); // must not unwind into the "executor"
    assert!(matches!(poll_handle(&mut handle), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn detached_task_keeps_running_and_its_output_is_dropped() {
    let queue = Queue::default();
    let drops = Arc::new(AtomicUsize::new(0));
    let guard = Guard(drops.clone());
    drop(spawn_on(&queue, async move { guard }));
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    run_all(&queue);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "output dropped when nobody can read it"
    );
}

#[test]
fn join_error_messages_say_what_happened() {
    let queue = Queue::default();
    let mut a = spawn_on(&queue, async { panic!("with {} args", 2) });
    let mut b = spawn_on(&queue, async { std::panic::panic_any(17u8) });
    run_all(&queue);
    let Poll::Ready(Err(a)) = poll_handle(&mut a) else {
        panic!()
    };
    let Poll::Ready(Err(b)) = poll_handle(&mut b) else {
        panic!()
    };
    assert_eq!(a.panic_message(), Some("with 2 args"));
    assert!(a.to_string().ends_with("panicked: with 2 args"), "{a}");
    assert_eq!(b.panic_message(), None);
    assert!(b.to_string().ends_with("panicked"), "{b}");
    assert!(format!("{b:?}").starts_with("JoinError::Panic(task#"));
    let b = b.try_into_panic().unwrap();
    assert_eq!(b.downcast_ref::<u8>(), Some(&17));
}

#[test]
fn a_panic_in_a_detached_outputs_drop_does_not_abort() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("output drop panics");
        }
    }
    let queue = Queue::default();
    drop(spawn_on(&queue, async { PanicOnDrop })); // detached: nobody takes the output
    run_all(&queue); // async-task drops the output here; an unwinding drop would abort
    let mut after = spawn_on(&queue, async { 1 });
    run_all(&queue);
    assert!(matches!(poll_handle(&mut after), Poll::Ready(Ok(1))));
}
