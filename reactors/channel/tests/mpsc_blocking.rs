//! The `*_blocking` methods between plain threads, and their guard against blocking an
//! executor thread.
#![cfg(not(loom))]

use std::time::Duration;

use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_channel::{mpsc, RecvError};
use wakewire_test_util::watchdog;

#[test]
fn blocking_threads_exchange_in_order() {
    let _watchdog = watchdog(
        "blocking_threads_exchange_in_order",
        Duration::from_secs(20),
    );
    let (tx, mut rx) = mpsc::bounded(2);
    let producers: Vec<_> = (0..2u32)
        .map(|id| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for seq in 0..2_000u32 {
                    tx.send_blocking((id, seq)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut next = [0u32; 2];
    while let Ok((id, seq)) = rx.recv_blocking() {
        assert_eq!(seq, next[id as usize]);
        next[id as usize] += 1;
    }
    assert_eq!(next, [2_000; 2]);
    for producer in producers {
        producer.join().unwrap();
    }
}

#[test]
fn async_receiver_with_blocking_sender() {
    let _watchdog = watchdog(
        "async_receiver_with_blocking_sender",
        Duration::from_secs(20),
    );
    let (tx, mut rx) = mpsc::bounded(1);
    let producer = std::thread::spawn(move || {
        for i in 0..500u32 {
            tx.send_blocking(i).unwrap();
        }
    });
    let sum = LocalExecutor::new().block_on(async move {
        let mut sum = 0;
        while let Ok(i) = rx.recv().await {
            sum += i;
        }
        assert_eq!(rx.recv().await, Err(RecvError));
        sum
    });
    assert_eq!(sum, (0..500).sum::<u32>());
    producer.join().unwrap();
}

#[test]
#[should_panic(expected = "Receiver::recv_blocking called from a thread that runs an executor")]
fn recv_blocking_on_an_executor_thread_panics_instead_of_hanging() {
    let (_tx, mut rx) = mpsc::bounded::<u8>(1);
    LocalExecutor::new().block_on(async move {
        let _ = rx.recv_blocking();
    });
}
