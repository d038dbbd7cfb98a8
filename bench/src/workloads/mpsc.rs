//! mpsc: several producer tasks into one bounded channel, one consumer.

use std::time::{Duration, Instant};

use crate::contender::{Contender, MpscReceiver, MpscSender, Spawner};

/// `producers` tasks each send `per_producer` numbers into one `bounded(capacity)`
/// channel; the consumer checks that every number arrives once and in order per producer.
pub(crate) fn mpsc<C: Contender>(
    contender: &C,
    producers: usize,
    per_producer: usize,
    capacity: usize,
) -> Duration {
    let spawner = contender.spawner();
    let start = Instant::now();
    let (received, sum) = contender.block_on(spawner.clone().spawn(async move {
        let (tx, mut rx) = C::Spawner::mpsc::<u64>(capacity);
        for p in 0..producers {
            let mut tx = tx.clone();
            spawner.spawn_detached(async move {
                let first = (p * per_producer) as u64;
                for value in first..first + per_producer as u64 {
                    tx.send(value).await;
                }
            });
        }
        drop(tx); // the channel closes when the last producer is done
        let mut next = vec![0u64; producers];
        let (mut received, mut sum) = (0usize, 0u64);
        while let Some(value) = rx.recv().await {
            let producer = value as usize / per_producer;
            let expected = (producer * per_producer) as u64 + next[producer];
            assert_eq!(value, expected, "mpsc: lost or reordered message");
            next[producer] += 1;
            received += 1;
            sum += value;
        }
        (received, sum)
    }));
    let elapsed = start.elapsed();
    let n = (producers * per_producer) as u64;
    assert_eq!(
        (received as u64, sum),
        (n, n * n.saturating_sub(1) / 2),
        "mpsc: wrong message count or checksum: the run is invalid"
    );
    elapsed
}
