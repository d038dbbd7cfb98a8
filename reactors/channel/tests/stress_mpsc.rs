//! Multi-thread stress of the bounded mpsc: 4 producers x 100,000 messages (scaled by
//! `WAKEWIRE_TEST_SCALE`) into bounded(1024); the consumer checks the checksum and FIFO per
//! producer. A lost wakeup shows up as a watchdog abort.
#![cfg(not(loom))]

use std::time::Duration;

use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_channel::mpsc;
use wakewire_test_util::{scaled, watchdog};

const PRODUCERS: u64 = 4;
const CAPACITY: usize = 1024;

/// Receives until closed; checks FIFO per producer; returns (count, checksum).
async fn consume(mut rx: mpsc::Receiver<(u64, u64)>, per_producer: u64) -> (u64, u64) {
    let mut next = [0u64; PRODUCERS as usize];
    let (mut count, mut sum) = (0, 0);
    while let Ok((producer, seq)) = rx.recv().await {
        assert_eq!(
            seq, next[producer as usize],
            "FIFO broken for producer {producer}"
        );
        next[producer as usize] += 1;
        count += 1;
        sum += producer * per_producer + seq;
    }
    assert_eq!(next, [per_producer; PRODUCERS as usize]);
    (count, sum)
}

fn expected(per_producer: u64) -> (u64, u64) {
    let n = PRODUCERS * per_producer;
    (n, n * (n - 1) / 2)
}

/// Producers on plain threads (two await `send` under a thread-parking block_on, two use
/// `send_blocking`); the consumer awaits `recv` on Wakewire's local executor.
#[test]
fn stress_mpsc_many_producers() {
    let _watchdog = watchdog("stress_mpsc_many_producers", Duration::from_secs(120));
    let per_producer = scaled(100_000) as u64;
    let (tx, rx) = mpsc::bounded(CAPACITY);
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|producer| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                if producer % 2 == 0 {
                    futures_executor::block_on(async {
                        for seq in 0..per_producer {
                            tx.send((producer, seq)).await.unwrap();
                        }
                    });
                } else {
                    for seq in 0..per_producer {
                        tx.send_blocking((producer, seq)).unwrap();
                    }
                }
            })
        })
        .collect();
    drop(tx);
    let result = LocalExecutor::new().block_on(consume(rx, per_producer));
    assert_eq!(result, expected(per_producer));
    for producer in producers {
        producer.join().unwrap();
    }
}

/// Producers and consumer as tasks of tokio's 2-worker multi-thread runtime.
#[test]
fn stress_mpsc_many_producers_tokio_multi_thread() {
    let _watchdog = watchdog(
        "stress_mpsc_many_producers_tokio_multi_thread",
        Duration::from_secs(120),
    );
    let per_producer = scaled(100_000) as u64;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let result = rt.block_on(async move {
        let (tx, rx) = mpsc::bounded(CAPACITY);
        for producer in 0..PRODUCERS {
            let tx = tx.clone();
            tokio::spawn(async move {
                for seq in 0..per_producer {
                    tx.send((producer, seq)).await.unwrap();
                }
            });
        }
        drop(tx);
        tokio::spawn(consume(rx, per_producer)).await.unwrap()
    });
    assert_eq!(result, expected(per_producer));
}
