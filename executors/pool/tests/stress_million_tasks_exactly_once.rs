//! 800 000 tasks on the 2-worker pool (scaled by `WAKEWIRE_TEST_SCALE`), each yields once
//! by waking itself and then records its index in an atomic bitset: every bit is set
//! exactly once and the pool counts exactly two polls per task. Half the tasks are spawned
//! from outside (injector), half from inside tasks (local queues, stealing).

use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_pool::Pool;

use wakewire_test_util::watchdog;

struct Bitset {
    words: Vec<AtomicU64>,
    duplicates: AtomicUsize,
}

impl Bitset {
    fn new(bits: usize) -> Self {
        Bitset {
            words: (0..bits.div_ceil(64)).map(|_| AtomicU64::new(0)).collect(),
            duplicates: AtomicUsize::new(0),
        }
    }

    fn set(&self, index: usize) {
        let bit = 1u64 << (index % 64);
        if self.words[index / 64].fetch_or(bit, Ordering::SeqCst) & bit != 0 {
            self.duplicates.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn count(&self) -> usize {
        self.words
            .iter()
            .map(|word| word.load(Ordering::SeqCst).count_ones() as usize)
            .sum()
    }
}

#[test]
fn stress_million_tasks_exactly_once() {
    let _dog = watchdog(
        "stress_million_tasks_exactly_once",
        Duration::from_secs(120),
    );
    let total = wakewire_test_util::scaled(800_000);
    let pool = Pool::builder().workers(2).build();
    let bits = Arc::new(Bitset::new(total));
    let task_polls = Arc::new(AtomicUsize::new(0));
    let task = {
        let task_polls = task_polls.clone();
        move |index: usize, bits: Arc<Bitset>| {
            let task_polls = task_polls.clone();
            let mut body = Box::pin(async move {
                yield_now().await;
                bits.set(index);
            });
            std::future::poll_fn(move |cx| {
                task_polls.fetch_add(1, Ordering::Relaxed);
                body.as_mut().poll(cx)
            })
        }
    };
    let outside = total / 2;
    const BATCH: usize = 10_000;
    let mut start = 0;
    while start < outside {
        let end = (start + BATCH).min(outside);
        let handles: Vec<_> = (start..end)
            .map(|i| pool.spawn(task(i, bits.clone())).unwrap())
            .collect();
        pool.block_on(async {
            for handle in handles {
                handle.await.unwrap();
            }
        });
        start = end;
    }
    // The other half is spawned by tasks running on the workers.
    let handle = pool.spawner();
    let inside = {
        let bits = bits.clone();
        let task = task.clone();
        pool.spawn(async move {
            let mut start = outside;
            while start < total {
                let end = (start + BATCH).min(total);
                let handles: Vec<_> = (start..end)
                    .map(|i| handle.spawn(task(i, bits.clone())).unwrap())
                    .collect();
                for handle in handles {
                    handle.await.unwrap();
                }
                start = end;
            }
        })
        .unwrap()
    };
    pool.block_on(inside).unwrap();
    assert_eq!(bits.duplicates.load(Ordering::SeqCst), 0);
    assert_eq!(bits.count(), total);
    assert_eq!(
        task_polls.load(Ordering::SeqCst),
        2 * total,
        "exactly two polls per task"
    );
    let metrics = pool.metrics();
    // The pool's count adds the spawner task's own polls.
    assert!(metrics.polls > 2 * total as u64);
    assert_eq!(metrics.live_tasks, 0);
}
