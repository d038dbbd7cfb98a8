//! The channels on Wakewire's 2-worker pool: senders and receivers on different worker
//! threads, so every wake crosses threads (the pool is not in the `!Send` scenario table).
#![cfg(not(loom))]

use std::time::Duration;

use wakewire_executor_pool::Pool;
use wakewire_reactor_channel::{mpsc, oneshot};

#[test]
fn mpsc_producers_and_oneshot_ping_pong_across_workers() {
    let _watchdog = wakewire_test_util::watchdog("pool_cross_worker", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    let (tx, mut rx) = mpsc::bounded::<(u32, u32)>(4);
    let producers: Vec<_> = (0..4u32)
        .map(|p| {
            let tx = tx.clone();
            pool.spawn(async move {
                for i in 0..2_000u32 {
                    tx.send((p, i)).await.unwrap();
                }
            })
            .unwrap()
        })
        .collect();
    drop(tx);
    let consumer = pool
        .spawn(async move {
            let mut next = [0u32; 4];
            while let Ok((p, i)) = rx.recv().await {
                assert_eq!(i, next[p as usize], "FIFO per producer");
                next[p as usize] += 1;
            }
            next
        })
        .unwrap();
    // 200 ping-pong pairs over oneshots, each hop a cross-task wake.
    let pairs: Vec<_> = (0..200u32)
        .map(|n| {
            let (ping_tx, ping_rx) = oneshot::channel::<u32>();
            let (pong_tx, pong_rx) = oneshot::channel::<u32>();
            let echo = pool
                .spawn(async move { pong_tx.send(ping_rx.await.unwrap() + 1).unwrap() })
                .unwrap();
            pool.spawn(async move {
                ping_tx.send(n).unwrap();
                let answer = pong_rx.await.unwrap();
                echo.await.unwrap();
                answer
            })
            .unwrap()
        })
        .collect();
    pool.block_on(async {
        for producer in producers {
            producer.await.unwrap();
        }
        assert_eq!(consumer.await.unwrap(), [2_000; 4]);
        for (n, pair) in pairs.into_iter().enumerate() {
            assert_eq!(pair.await.unwrap(), n as u32 + 1);
        }
    });
}
