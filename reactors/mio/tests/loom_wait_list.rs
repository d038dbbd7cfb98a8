//! Loom models of the wait lists (`IoState` and its `Waiter`s): tasks sharing one
//! direction of a source, an event racing their registration, one of them dropped while
//! the event is delivered. The receivers block for real (loom's `park`), so a lost wakeup
//! shows up as a loom deadlock.
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!   cargo test -p wakewire-reactor-mio --release --test loom_wait_list`
#![cfg(loom)]

use std::task::{Context, Poll, Wake, Waker};

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;
use wakewire_reactor_mio::io_state::{IoState, Waiter};
use wakewire_reactor_mio::{Direction, Readiness};

/// A waker that unparks one loom thread.
struct Unparker(thread::Thread);

impl Wake for Unparker {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.unpark();
    }
}

/// A waker that counts its wakes in a loom-visible atomic.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting() -> (Waker, std::sync::Arc<Counter>) {
    let counter = std::sync::Arc::new(Counter(AtomicUsize::new(0)));
    (Waker::from(std::sync::Arc::clone(&counter)), counter)
}

/// Takes one datagram if there is one (the system call a receiver makes).
fn take(datagrams: &AtomicUsize) -> bool {
    datagrams
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

/// What a receive future does: wait in its own place of the read queue, try the call,
/// clear readiness on `WouldBlock` and wait again; block the thread while `Pending`.
fn receive(io: &IoState, datagrams: &AtomicUsize) {
    let waker = Waker::from(std::sync::Arc::new(Unparker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut waiter = Waiter::new(io, Direction::Read);
    loop {
        match waiter.poll_ready(&mut cx) {
            Poll::Ready(Ok(event)) => {
                if take(datagrams) {
                    return;
                }
                io.clear_readiness(event); // WouldBlock
            }
            Poll::Ready(Err(err)) => panic!("no shutdown in this model: {err}"),
            Poll::Pending => thread::park(),
        }
    }
}

/// What the kernel and the reactor do per datagram: queue it, then deliver the event.
fn deliver(io: &IoState, datagrams: &AtomicUsize) {
    datagrams.fetch_add(1, Ordering::SeqCst);
    io.wake(Readiness::READABLE);
}

/// Two receivers share one socket, two datagrams arrive while they register: both
/// receivers get one. With one waker per direction the earlier receiver is stranded.
#[test]
fn loom_two_receivers_two_datagrams() {
    loom::model(|| {
        let io = Arc::new(IoState::new());
        let datagrams = Arc::new(AtomicUsize::new(0));
        let receivers: Vec<_> = (0..2)
            .map(|_| {
                let (io, datagrams) = (Arc::clone(&io), Arc::clone(&datagrams));
                thread::spawn(move || receive(&io, &datagrams))
            })
            .collect();
        deliver(&io, &datagrams);
        deliver(&io, &datagrams);
        for receiver in receivers {
            receiver.join().unwrap();
        }
        assert_eq!(datagrams.load(Ordering::SeqCst), 0);
        assert_eq!(io.queued(Direction::Read), 0, "an entry was left behind");
    });
}

/// One receiver is cancelled (its future dropped) while the only datagram's event is
/// delivered; the other still gets the datagram, and the dropped one leaves no entry.
#[test]
fn loom_dropped_waiter_loses_no_wakeup() {
    loom::model(|| {
        let io = Arc::new(IoState::new());
        let datagrams = Arc::new(AtomicUsize::new(0));
        let cancelled = {
            let io = Arc::clone(&io);
            thread::spawn(move || {
                let (waker, _) = counting();
                let mut waiter = Waiter::new(&io, Direction::Read);
                let _ = waiter.poll_ready(&mut Context::from_waker(&waker));
                drop(waiter); // cancelled, maybe after it was woken
            })
        };
        let receiver = {
            let (io, datagrams) = (Arc::clone(&io), Arc::clone(&datagrams));
            thread::spawn(move || receive(&io, &datagrams))
        };
        deliver(&io, &datagrams);
        cancelled.join().unwrap();
        receiver.join().unwrap();
        assert_eq!(datagrams.load(Ordering::SeqCst), 0);
        assert_eq!(io.queued(Direction::Read), 0, "an entry was left behind");
    });
}

/// A waiting future moves to another task between polls (waker A, then B) while the
/// event arrives: B's poll saw the readiness, or B is woken.
#[test]
fn loom_waiter_latest_waker_is_woken() {
    loom::model(|| {
        let io = Arc::new(IoState::new());
        let reactor = {
            let io = Arc::clone(&io);
            thread::spawn(move || io.wake(Readiness::READABLE))
        };
        let (waker_a, _) = counting();
        let (waker_b, wakes_b) = counting();
        let mut waiter = Waiter::new(&io, Direction::Read);
        let first = waiter.poll_ready(&mut Context::from_waker(&waker_a));
        let second = waiter.poll_ready(&mut Context::from_waker(&waker_b));
        reactor.join().unwrap();
        if first.is_pending() {
            assert!(
                second.is_ready() || wakes_b.0.load(Ordering::SeqCst) == 1,
                "the latest waker (B) was stranded"
            );
        }
        drop(waiter);
        assert_eq!(io.queued(Direction::Read), 0);
    });
}

/// The reactor shuts down while a waiter registers: it sees the error in that poll or is
/// woken, never stranded.
#[test]
fn loom_shutdown_vs_waiter() {
    loom::model(|| {
        let io = Arc::new(IoState::new());
        let reactor = {
            let io = Arc::clone(&io);
            thread::spawn(move || {
                let mut wakers = Vec::new();
                io.shutdown(&mut wakers);
                wakers.into_iter().for_each(Waker::wake);
            })
        };
        let (waker, wakes) = counting();
        let mut waiter = Waiter::new(&io, Direction::Write);
        let polled = waiter.poll_ready(&mut Context::from_waker(&waker));
        reactor.join().unwrap();
        match polled {
            Poll::Ready(Err(err)) => assert!(wakewire_reactor_mio::is_shutdown(&err)),
            Poll::Pending => assert_eq!(wakes.0.load(Ordering::SeqCst), 1, "stranded"),
            Poll::Ready(Ok(event)) => panic!("no event was ever delivered: {event:?}"),
        }
    });
}
