//! A push onto the injector that races with its close either gets in, and the task is
//! then drained by the shutdown sweep, or is refused and comes back to the caller as
//! `Err(task)` (the pool's `spawn` then drops it and returns `SpawnError`). A task is never
//! silently dropped or left behind: in every interleaving, drained + refused == pushed,
//! each task accounted for exactly once, and the injector is empty after the sweep.
//!
//! # What is modelled
//!
//! The pool's injector has no close of its own; what closes it is the spawn gate. The real
//! [`SpawnGate`] code runs here: `admit` (a spawn from outside the workers: enter the gate,
//! push, leave; or `Err(task)` once closed), `close`, and `drain_until_quiet`, the loop of
//! `PoolState::sweep` (read "no push in flight", then drain, until both hold).
//!
//! # What is not
//!
//! The injector is crossbeam-deque's `Injector` in the pool; loom cannot see its atomics,
//! so it is a locked `VecDeque` here (a push is one atomic step, as crossbeam's is). The
//! sweep's other condition, "no tracked task left", is always true here: tasks waiting in
//! a reactor are `loom_shutdown_vs_spawn_vs_wake`'s subject.
#![cfg(loom)]

use std::collections::VecDeque;

use loom::sync::{Arc, Mutex};
use loom::thread;
use wakewire_executor_pool::gate::SpawnGate;

struct Injector {
    gate: SpawnGate,
    queue: Mutex<VecDeque<usize>>,
}

impl Injector {
    /// `PoolState::spawn` from a thread that is no worker: returns the task back if refused.
    fn push(&self, task: usize) -> Result<(), usize> {
        self.gate
            .admit(task, |task| self.queue.lock().unwrap().push_back(task))
    }

    /// `Pool::shutdown`: close the gate, then sweep.
    fn close_and_sweep(&self) -> Vec<usize> {
        self.gate.close();
        let mut drained = Vec::new();
        self.gate.drain_until_quiet(
            || drained.extend(self.queue.lock().unwrap().drain(..)),
            || true,
        );
        drained
    }
}

/// Pushes `tasks`, returning the ones refused.
fn pusher(injector: Arc<Injector>, tasks: Vec<usize>) -> thread::JoinHandle<Vec<usize>> {
    thread::spawn(move || {
        tasks
            .into_iter()
            .filter_map(|task| injector.push(task).err())
            .collect()
    })
}

#[test]
fn loom_injector_close_rejects_push() {
    loom::model(|| {
        let injector = Arc::new(Injector {
            gate: SpawnGate::new(),
            queue: Mutex::new(VecDeque::new()),
        });
        // The sweep runs on its own thread and the main thread pushes, so the closest
        // race (a push admitted just before the close lands after the first drain) is
        // within loom's preemption bound of 2.
        let sweeper = {
            let injector = injector.clone();
            thread::spawn(move || injector.close_and_sweep())
        };
        let other = pusher(injector.clone(), vec![2]);
        let mut refused: Vec<usize> = [0, 1]
            .into_iter()
            .filter_map(|task| injector.push(task).err())
            .collect();

        let drained = sweeper.join().unwrap();
        refused.extend(other.join().unwrap());
        assert!(
            injector.queue.lock().unwrap().is_empty(),
            "a push got in after the sweep ended: drained {drained:?}, refused {refused:?}"
        );
        let mut counts = [0u8; 3];
        for task in drained.iter().chain(&refused) {
            counts[*task] += 1;
        }
        assert_eq!(
            counts, [1; 3],
            "drained {drained:?} + refused {refused:?} must be every pushed task once"
        );
        // Once refused, every later push from the same thread is refused too.
        if refused.contains(&0) {
            assert!(refused.contains(&1));
        }
    });
}

#[test]
fn loom_injector_push_after_close_is_refused() {
    loom::model(|| {
        let injector = Arc::new(Injector {
            gate: SpawnGate::new(),
            queue: Mutex::new(VecDeque::new()),
        });
        injector.gate.close();
        let late = pusher(injector.clone(), vec![0]);
        let drained = injector.close_and_sweep();
        assert_eq!(late.join().unwrap(), vec![0]);
        assert!(drained.is_empty());
    });
}
