//! The idle/searching bookkeeping (`idle.rs`): the counts stay balanced under concurrency,
//! and concurrent notifiers wake one sleeper, not all of them (no thundering herd). Task
//! conservation itself is `loom_deque_push_pop_steal_overflow`.
#![cfg(loom)]

use loom::sync::Arc;
use loom::thread;
use wakewire_executor_pool::idle::{Idle, IdleCounts};

#[test]
fn loom_idle_two_notifiers_wake_one_sleeper() {
    loom::model(|| {
        let idle = Arc::new(Idle::new(2));
        // Both workers went to sleep without searching.
        assert!(!idle.begin_park(0, false));
        assert!(!idle.begin_park(1, false));
        let notifiers: Vec<_> = (0..2)
            .map(|_| {
                let idle = idle.clone();
                thread::spawn(move || idle.worker_to_notify())
            })
            .collect();
        let chosen: Vec<_> = notifiers
            .into_iter()
            .filter_map(|notifier| notifier.join().unwrap())
            .collect();
        assert_eq!(
            chosen.len(),
            1,
            "two pushes while nobody searched woke {chosen:?}"
        );
        assert!(idle.was_notified(chosen[0]));
        assert_eq!(
            idle.counts(),
            IdleCounts {
                searching: 1,
                unparked: 1,
                sleeping: 1
            }
        );
    });
}

#[test]
fn loom_idle_counts_stay_balanced() {
    loom::model(|| {
        let idle = Arc::new(Idle::new(2));
        let workers: Vec<_> = (0..2)
            .map(|index| {
                let idle = idle.clone();
                thread::spawn(move || {
                    // Search, find nothing, sleep.
                    let searching = idle.try_begin_searching();
                    let counts = idle.counts();
                    assert!(
                        counts.searching <= 1,
                        "more than half of 2 workers searched"
                    );
                    idle.begin_park(index, searching);
                })
            })
            .collect();
        // A push meanwhile: it may find a searcher (and wake nobody) or a sleeper.
        let woken = idle.worker_to_notify();
        for worker in workers {
            worker.join().unwrap();
        }
        if let Some(index) = woken {
            // The woken worker starts as a searcher, finds the task, stops searching.
            assert!(idle.was_notified(index));
            idle.end_searching();
        }
        let counts = idle.counts();
        assert_eq!(counts.searching, 0);
        assert_eq!(counts.unparked + counts.sleeping, 2);
        assert_eq!(counts.unparked, usize::from(woken.is_some()));
    });
}
