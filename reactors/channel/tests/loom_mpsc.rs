//! Loom models of mpsc closing and capacity. The receiver sees every sent value, then
//! `Closed` exactly once; a sender blocked on capacity is woken when a slot frees. The
//! blocking methods park loom threads, so a lost wakeup shows up as a loom deadlock.
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!  cargo test -p wakewire-reactor-channel --release --test loom_mpsc`
#![cfg(loom)]

use loom::thread;
use wakewire_reactor_channel::{mpsc, RecvError, TryRecvError};

/// Receives until closed; returns what arrived. Closed must stay closed.
fn drain(rx: &mut mpsc::Receiver<u32>) -> Vec<u32> {
    let mut got = Vec::new();
    while let Ok(value) = rx.recv_blocking() {
        got.push(value);
    }
    assert_eq!(rx.recv_blocking(), Err(RecvError));
    assert_eq!(
        rx.try_recv(),
        Err(TryRecvError::Closed),
        "closed exactly once, for good"
    );
    got
}

/// bounded(1): the producer's second send waits for the receiver to free the slot.
#[test]
fn loom_channel_close_and_capacity() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::bounded(1);
        let producer = thread::spawn(move || {
            tx.send_blocking(1).unwrap();
            tx.send_blocking(2).unwrap();
        });
        assert_eq!(drain(&mut rx), [1, 2]);
        producer.join().unwrap();
    });
}

/// Two producers block on a full bounded(1) at once: each freed slot wakes one of them.
#[test]
fn loom_channel_close_and_capacity_two_blocked_senders() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::bounded(1);
        tx.try_send(0).unwrap();
        let producers: Vec<_> = (1..=2)
            .map(|value| {
                let tx = tx.clone();
                thread::spawn(move || tx.send_blocking(value).unwrap())
            })
            .collect();
        drop(tx);
        let mut got = drain(&mut rx);
        got.sort_unstable();
        assert_eq!(got, [0, 1, 2]);
        for producer in producers {
            producer.join().unwrap();
        }
    });
}

/// Unbounded, two producers: nothing lost, the end comes after both values.
#[test]
fn loom_channel_close_and_capacity_unbounded() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::unbounded();
        let other = tx.clone();
        let first = thread::spawn(move || tx.send_blocking(1).unwrap());
        let second = thread::spawn(move || other.try_send(2).unwrap());
        let mut got = drain(&mut rx);
        got.sort_unstable();
        assert_eq!(got, [1, 2]);
        first.join().unwrap();
        second.join().unwrap();
    });
}

/// The receiver closes while a sender waits for room: the sender is woken and gets its
/// value back; what was buffered is still received.
#[test]
fn loom_channel_close_and_capacity_close_wakes_blocked_sender() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::bounded(1);
        tx.try_send(1).unwrap();
        let producer = thread::spawn(move || tx.send_blocking(2).map_err(|e| e.0));
        rx.close();
        assert_eq!(drain(&mut rx), [1]);
        assert_eq!(producer.join().unwrap(), Err(2));
    });
}

/// A sender gives up (drops its pending send) while another waits for room: whichever
/// of them the freed slot was handed to, the waiting sender is never stranded.
#[test]
fn loom_channel_close_and_capacity_dropped_send_passes_wakeup_on() {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Waker};

    loom::model(|| {
        let (tx, mut rx) = mpsc::bounded(1);
        tx.try_send(0).unwrap();
        let quitter = tx.clone();
        let quits = thread::spawn(move || {
            let mut send = pin!(quitter.send(1));
            let mut cx = Context::from_waker(Waker::noop());
            // One poll, then the future is dropped: sent only if the slot was free.
            send.as_mut().poll(&mut cx).is_ready()
        });
        let waits = thread::spawn(move || tx.send_blocking(2).unwrap());
        let got = drain(&mut rx);
        let quitter_sent = quits.join().unwrap();
        waits.join().unwrap();
        let mut expected = if quitter_sent {
            vec![0, 1, 2]
        } else {
            vec![0, 2]
        };
        let mut got_sorted = got.clone();
        got_sorted.sort_unstable();
        expected.sort_unstable();
        assert_eq!(got_sorted, expected, "received {got:?}");
    });
}

/// bounded(2), full: the receiver moves both values into its own buffer in one batch and
/// receives them without the lock, while the producer waits for room. Each value it takes
/// from the batch frees a slot the waiting producer must hear about (the waiting bit and
/// the taken count share one word, so neither side can miss the other).
#[test]
fn loom_channel_batch_frees_slots_for_a_waiting_sender() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::bounded(2);
        tx.try_send(0).unwrap();
        tx.try_send(1).unwrap();
        let producer = thread::spawn(move || {
            tx.send_blocking(2).unwrap();
            tx.send_blocking(3).unwrap();
        });
        assert_eq!(drain(&mut rx), [0, 1, 2, 3]);
        producer.join().unwrap();
    });
}
