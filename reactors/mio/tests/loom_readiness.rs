//! Loom models of the readiness word (`IoState`): a stale clear never erases a newer
//! event (edge and error events), the latest poll waker is the one woken, and a shutdown
//! racing a poll never strands the task.
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!   cargo test -p wakewire-reactor-mio --release --test loom_readiness`
#![cfg(loom)]

use std::task::{Context, Poll};

use loom::sync::Arc;
use loom::thread;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_mio::io_state::IoState;
use wakewire_reactor_mio::{Direction, Readiness};

/// What the reactor thread does per event: set readiness, then wake the waiters.
fn deliver(io: &IoState) {
    io.wake(Readiness::READABLE);
}

/// A task that saw an old event and got `WouldBlock` clears readiness with the old
/// tick while the reactor delivers a newer event. The newer event survives: after both,
/// readiness is still set, and a re-poll by the task either sees it or was woken.
#[test]
fn loom_readiness_clear_vs_event() {
    loom::model(|| {
        let io = Arc::new(IoState::new());
        deliver(&io); // the old event
        let (waker, wakes) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let old = match io.poll_ready(&mut cx, Direction::Read) {
            Poll::Ready(Ok(event)) => event,
            other => panic!("old event not visible: {other:?}"),
        };
        let reactor = {
            let io = Arc::clone(&io);
            thread::spawn(move || deliver(&io)) // the newer event
        };
        io.clear_readiness(old); // the syscall said WouldBlock
        let again = io.poll_ready(&mut cx, Direction::Read);
        reactor.join().unwrap();
        assert!(
            io.readiness().is_readable(),
            "a stale clear erased the newer event"
        );
        assert!(
            again.is_ready() || wakes.wakes() >= 1,
            "the task neither saw the newer event nor was woken"
        );
    });
}

/// The same with an error event: every flag is set, the task's `WouldBlock` clears them all
/// (closed flags included) with the old tick while the reactor delivers a newer error
/// event. The newer one survives whole, closed flags included, or the task was woken.
#[test]
fn loom_readiness_clear_closed_vs_event() {
    loom::model(|| {
        let io = Arc::new(IoState::new());
        io.wake(Readiness::ALL); // the old error event
        let (waker, wakes) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let old = match io.poll_ready(&mut cx, Direction::Read) {
            Poll::Ready(Ok(event)) => event,
            other => panic!("old event not visible: {other:?}"),
        };
        let reactor = {
            let io = Arc::clone(&io);
            thread::spawn(move || io.wake(Readiness::ALL)) // the newer error event
        };
        io.clear_readiness(old); // the syscall said WouldBlock
        let again = io.poll_ready(&mut cx, Direction::Read);
        reactor.join().unwrap();
        let ready = io.readiness();
        assert!(
            ready.is_readable() && ready.is_read_closed(),
            "a stale clear erased the newer event: {ready:?}"
        );
        assert!(
            again.is_ready() || wakes.wakes() >= 1,
            "the task neither saw the newer event nor was woken"
        );
        // Without a newer event, the same clear empties the read direction.
        if let Poll::Ready(Ok(event)) = io.poll_ready(&mut cx, Direction::Read) {
            io.clear_readiness(event);
        }
        assert!(io
            .readiness()
            .intersection(Direction::Read.mask())
            .is_empty());
    });
}

/// The task polls with waker A, then with waker B, while the reactor
/// delivers an event. B (the latest) is woken, or B's poll saw the readiness itself.
#[test]
fn loom_waker_slot_register_wake_reactor() {
    loom::model(|| {
        let io = Arc::new(IoState::new());
        let reactor = {
            let io = Arc::clone(&io);
            thread::spawn(move || deliver(&io))
        };
        let (waker_a, _wakes_a) = counting_waker();
        let (waker_b, wakes_b) = counting_waker();
        let first = io.poll_ready(&mut Context::from_waker(&waker_a), Direction::Read);
        let second = io.poll_ready(&mut Context::from_waker(&waker_b), Direction::Read);
        reactor.join().unwrap();
        if first.is_pending() {
            assert!(
                second.is_ready() || wakes_b.wakes() == 1,
                "the latest waker (B) was stranded"
            );
        }
        // The write direction was never involved: its slot stays untouched.
        let (waker_w, wakes_w) = counting_waker();
        let write = io.poll_ready(&mut Context::from_waker(&waker_w), Direction::Write);
        assert!(write.is_pending());
        assert_eq!(wakes_w.wakes(), 0);
    });
}

/// The reactor shuts a registration down while a task polls it. The task
/// either sees the shutdown error in that poll or its waker is woken: never stranded.
#[test]
fn loom_shutdown_vs_poll_ready() {
    loom::model(|| {
        let io = Arc::new(IoState::new());
        let reactor = {
            let io = Arc::clone(&io);
            thread::spawn(move || {
                let mut wakers = Vec::new();
                io.shutdown(&mut wakers);
                wakers.into_iter().for_each(std::task::Waker::wake);
            })
        };
        let (waker, wakes) = counting_waker();
        let polled = io.poll_ready(&mut Context::from_waker(&waker), Direction::Read);
        reactor.join().unwrap();
        match polled {
            Poll::Ready(Err(err)) => assert!(wakewire_reactor_mio::is_shutdown(&err)),
            Poll::Pending => assert_eq!(wakes.wakes(), 1, "stranded by shutdown"),
            Poll::Ready(Ok(event)) => panic!("no event was ever delivered: {event:?}"),
        }
    });
}
