//! blocking: many `spawn_blocking` jobs of ~10 µs CPU work, awaited from async tasks.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::contender::{Contender, Spawner};
use crate::workloads::Counts;

/// Deterministic CPU work: `iterations` rounds of xorshift from `seed`.
pub(crate) fn cpu_work(seed: u64, iterations: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..iterations {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = black_box(x);
    }
    x
}

/// Iterations of [`cpu_work`] that take about `target` here (best of a few tries).
pub(crate) fn calibrate(target: Duration) -> u64 {
    let probe = 200_000;
    let best = (0..5)
        .map(|_| {
            let start = Instant::now();
            black_box(cpu_work(black_box(7), probe));
            start.elapsed()
        })
        .min()
        .expect("five probes");
    let per_iteration = best.as_secs_f64() / probe as f64;
    ((target.as_secs_f64() / per_iteration) as u64).max(1)
}

/// `blocking_tasks` async tasks each await `jobs_per_task` blocking jobs in turn.
pub(crate) fn blocking<C: Contender>(contender: &C, counts: &Counts) -> Duration {
    let (tasks, jobs, iterations) = (
        counts.blocking_tasks as u64,
        counts.jobs_per_task as u64,
        counts.work_iterations,
    );
    let spawner = contender.spawner();
    let start = Instant::now();
    let checksum = contender.block_on(spawner.clone().spawn(async move {
        let handles: Vec<_> = (0..tasks)
            .map(|task| {
                let inner = spawner.clone();
                spawner.spawn(async move {
                    let mut sum = 0u64;
                    for job in 0..jobs {
                        let seed = task * jobs + job;
                        sum = sum.wrapping_add(
                            inner
                                .spawn_blocking(move || cpu_work(seed, iterations))
                                .await,
                        );
                    }
                    sum
                })
            })
            .collect();
        let mut checksum = 0u64;
        for handle in handles {
            checksum = checksum.wrapping_add(handle.await);
        }
        checksum
    }));
    let elapsed = start.elapsed();
    assert_eq!(
        checksum,
        counts.blocking_checksum(),
        "blocking: wrong checksum: the run is invalid"
    );
    elapsed
}

/// The sum of every job's result in one run (the expected checksum).
pub(crate) fn checksum(jobs: u64, iterations: u64) -> u64 {
    (0..jobs).fold(0u64, |sum, seed| {
        sum.wrapping_add(cpu_work(seed, iterations))
    })
}
