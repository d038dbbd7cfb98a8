//! Tasks are conserved across a worker's LIFO slot and local queue, the injector, and
//! the other workers' queues: every task pushed is popped, stolen or handed to the
//! injector, and in the end run (or found still queued) **exactly once**, checked with a
//! per-id count in every interleaving.
//!
//! # What is modelled
//!
//! The pool's own queue logic, the real code from `src/queues.rs`: `LocalQueues` (the
//! LIFO slot in front of the local queue: `schedule` with its slot displacement, `next`
//! with the `MAX_LIFO_STREAK` requeue, `pop_any` used by the drain and by an unwinding
//! worker's hand-over to the injector), `take_batch` (taking from the injector or a peer)
//! and `steal` (the victim order and the "leave a lone task alone" rule), plus the real
//! `Idle::try_begin_searching` gate in front of stealing, as `WorkerLoop::search` does.
//!
//! # What is not
//!
//! The queues are crossbeam-deque's `Worker`/`Stealer`/`Injector` in the pool, and loom
//! cannot see crossbeam's atomics. Here they are stand-ins behind loom mutexes with the
//! same contract (FIFO owner end; `steal_batch_and_pop` takes about half, returns one and
//! moves the rest to the thief's queue). So this model checks the pool's logic around the
//! deques, not crossbeam's lock-free algorithms (crossbeam tests those itself). The pool's
//! local queues are unbounded, so nothing "overflows" in normal running: the moves to the
//! injector modelled here are the hand-over of an unwinding worker (`WorkerLoop::drop`)
//! and wakes from threads that are not workers.
#![cfg(loom)]

use std::collections::VecDeque;

use crossbeam_deque::Steal;
use loom::sync::{Arc, Mutex};
use loom::thread;
use wakewire_executor_pool::idle::Idle;
use wakewire_executor_pool::queues::{self, BatchSource, LocalQueues, RunQueue, MAX_LIFO_STREAK};

/// A loom-visible stand-in for a crossbeam deque: the owner's FIFO end and the thieves'
/// end share one locked `VecDeque`. Also used for the injector.
#[derive(Clone, Default)]
struct Deque(Arc<Mutex<VecDeque<usize>>>);

impl RunQueue<usize> for Deque {
    fn push(&self, task: usize) {
        self.0.lock().unwrap().push_back(task);
    }

    fn pop(&self) -> Option<usize> {
        self.0.lock().unwrap().pop_front()
    }
}

impl BatchSource<usize, Deque> for Deque {
    fn steal_batch_and_pop(&self, dest: &Deque) -> Steal<usize> {
        // Like crossbeam: half (rounded up) leaves the source in one step; the thief runs
        // the first and queues the rest on its own queue.
        let mut batch: VecDeque<usize> = {
            let mut source = self.0.lock().unwrap();
            let take = source.len().div_ceil(2);
            source.drain(..take).collect()
        };
        let Some(first) = batch.pop_front() else {
            return Steal::Empty;
        };
        for task in batch {
            dest.push(task);
        }
        Steal::Success(first)
    }

    fn queued(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    fn is_empty(&self) -> bool {
        self.0.lock().unwrap().is_empty()
    }
}

impl Deque {
    fn drain_all(&self) -> Vec<usize> {
        self.0.lock().unwrap().drain(..).collect()
    }
}

/// Every id in `0..total` must appear exactly once across what the threads ran and what
/// is left in the queues.
fn assert_conserved(total: usize, ran: &[Vec<usize>], left: &[Vec<usize>]) {
    let mut counts = vec![0u8; total];
    for id in ran.iter().chain(left).flatten() {
        counts[*id] += 1;
    }
    assert!(
        counts.iter().all(|&count| count == 1),
        "per-task counts {counts:?} (ran {ran:?}, left {left:?})"
    );
}

/// A peer worker's search (`WorkerLoop::search`): the injector first, then, if the idle
/// bookkeeping lets it search, steal from the other workers; then it runs what it took
/// into its own queue.
fn peer_worker(
    index: usize,
    injector: &Deque,
    peers: &[Deque],
    own: &Deque,
    idle: &Idle,
    take_lone: bool,
) -> Vec<usize> {
    let local = LocalQueues::new(own.clone());
    let mut ran = Vec::new();
    let found = queues::take_batch(injector, local.queue()).or_else(|| {
        if !idle.try_begin_searching() {
            return None;
        }
        let stolen = queues::steal(peers, index, index + 1, take_lone, local.queue());
        idle.end_searching();
        stolen
    });
    ran.extend(found);
    let mut streak = 0;
    while let Some(task) = local.next(&mut streak).task {
        ran.push(task);
    }
    ran
}

/// The owner worker fills its queues (a spawn, two wakes from the running task: the second
/// displaces the first from the LIFO slot into the queue) while a peer steals and a
/// foreign thread wakes tasks onto the injector. The owner then takes its next task with
/// the LIFO streak used up (the slot's task is requeued behind the others), takes from the
/// injector, and finally unwinds: its slot and queue are handed to the injector.
#[test]
fn loom_deque_push_pop_steal_overflow() {
    loom::model(|| {
        let injector = Deque::default();
        let deques = [Deque::default(), Deque::default()];
        let idle = Arc::new(Idle::new(2));

        let owner = LocalQueues::new(deques[0].clone());
        assert!(owner.schedule(0, false), "a spawn goes to the queue");
        assert!(!owner.schedule(1, true), "an empty slot takes the task");
        assert!(
            owner.schedule(2, true),
            "the slot's task moves to the queue"
        );

        let peer = {
            let (injector, deques, idle) = (injector.clone(), deques.clone(), idle.clone());
            thread::spawn(move || peer_worker(1, &injector, &deques, &deques[1], &idle, true))
        };
        let foreign = {
            let injector = injector.clone();
            thread::spawn(move || {
                injector.push(3);
                injector.push(4);
            })
        };

        let mut ran = Vec::new();
        let mut streak = MAX_LIFO_STREAK;
        let next = owner.next(&mut streak);
        assert!(
            next.requeued && !next.from_lifo,
            "the streak limit requeues"
        );
        ran.extend(next.task);
        ran.extend(queues::take_batch(&injector, owner.queue()));
        // Unwinding (`WorkerLoop::drop`): hand everything left to the injector.
        while let Some(task) = owner.pop_any() {
            injector.push(task);
        }

        let peer_ran = peer.join().unwrap();
        foreign.join().unwrap();
        let left = [
            injector.drain_all(),
            deques[0].drain_all(),
            deques[1].drain_all(),
        ];
        assert_conserved(5, &[ran, peer_ran], &left);
    });
}

/// Two peers steal from one owner at once, each skipping a lone task as the pool does
/// before it grows impatient, while the owner pops and then drains its slot and queue.
#[test]
fn loom_deque_two_stealers_vs_owner() {
    loom::model(|| {
        let injector = Deque::default();
        let deques = [Deque::default(), Deque::default(), Deque::default()];
        let idle = Arc::new(Idle::new(3));

        let owner = LocalQueues::new(deques[0].clone());
        for id in 0..3 {
            owner.schedule(id, false);
        }
        owner.schedule(3, true);

        let thieves: Vec<_> = [1, 2]
            .into_iter()
            .map(|index| {
                let (injector, deques, idle) = (injector.clone(), deques.clone(), idle.clone());
                thread::spawn(move || {
                    peer_worker(index, &injector, &deques, &deques[index], &idle, false)
                })
            })
            .collect();

        let mut ran = Vec::new();
        let mut streak = 0;
        let next = owner.next(&mut streak);
        assert!(next.from_lifo, "the slot's task runs first");
        ran.extend(next.task);
        ran.extend(owner.next(&mut streak).task);
        // The shutdown drain.
        while let Some(task) = owner.pop_any() {
            ran.push(task);
        }

        let mut all_ran = vec![ran];
        for thief in thieves {
            all_ran.push(thief.join().unwrap());
        }
        let left = [
            injector.drain_all(),
            deques[0].drain_all(),
            deques[1].drain_all(),
            deques[2].drain_all(),
        ];
        assert_conserved(4, &all_ran, &left);
    });
}
