//! The handshake between the executor thread going to sleep and wakers queueing work.
//!
//! Unparking is the expensive half of a wakeup (a futex syscall, or an `eventfd` write for a
//! reactor park), so wakers only unpark when the executor really is asleep. One atomic byte
//! says which:
//!
//! ```text
//!            (1) begin_turn               (2) try_sleep
//!   ┌────────────────────────► RUNNING ─────────────────────► SLEEPING
//!   │                            │                               │
//!   │                            │ (3) notify                    │ (3) notify: caller unparks
//!   │                            ▼                               ▼
//!   └──────────────────────── NOTIFIED ◄─────────────────────────┘
//!
//!   (1) begin_turn  executor, before it looks at its queue        any state → RUNNING
//!   (2) try_sleep   executor, after it found the queue empty      RUNNING → SLEEPING, else stay awake
//!   (3) notify      a waker, after it pushed a task               any state → NOTIFIED
//! ```
//!
//! No lost wakeup: a push that the executor's last look at the queue missed is followed by
//! a `notify` that either lands before `try_sleep` (which then fails, so the executor looks
//! again) or after it (which sees `SLEEPING` and unparks). `begin_turn` is a swap, not a
//! store, so it acquires the pushes whose `notify` it overwrites. `loom_sleep_no_lost_wakeup`
//! checks every interleaving.

use crate::sync::{AtomicU8, Ordering};

const RUNNING: u8 = 0;
const SLEEPING: u8 = 1;
const NOTIFIED: u8 = 2;

#[derive(Debug)]
pub(crate) struct SleepState {
    state: AtomicU8,
}

impl SleepState {
    pub(crate) fn new() -> Self {
        SleepState {
            state: AtomicU8::new(NOTIFIED),
        }
    }

    /// (1) The executor is about to look at its queue.
    pub(crate) fn begin_turn(&self) {
        self.state.swap(RUNNING, Ordering::AcqRel);
    }

    /// (2) The queue looked empty. Returns `true` if the executor may park now; `false` if
    /// work arrived since [`begin_turn`](Self::begin_turn).
    pub(crate) fn try_sleep(&self) -> bool {
        self.state
            .compare_exchange(RUNNING, SLEEPING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// (3) Work was pushed. Returns `true` if the caller must unpark the executor.
    pub(crate) fn notify(&self) -> bool {
        self.state.swap(NOTIFIED, Ordering::AcqRel) == SLEEPING
    }
}

#[cfg(all(test, loom))]
mod loom_sleep_no_lost_wakeup {
    use super::SleepState;
    use loom::sync::atomic::{AtomicUsize, Ordering};
    use loom::sync::Arc;
    use loom::thread;

    /// Two wakers each push one item while the executor drains and sleeps; the model
    /// terminates (loom reports a deadlock otherwise) only if no push is stranded.
    #[test]
    fn two_wakers_never_strand_a_push() {
        loom::model(|| {
            let queued = Arc::new(AtomicUsize::new(0));
            let sleep = Arc::new(SleepState::new());
            let executor = thread::current();
            let wakers: Vec<_> = (0..2)
                .map(|_| {
                    let (queued, sleep, executor) =
                        (queued.clone(), sleep.clone(), executor.clone());
                    thread::spawn(move || {
                        queued.fetch_add(1, Ordering::Release);
                        if sleep.notify() {
                            executor.unpark();
                        }
                    })
                })
                .collect();
            let mut taken = 0;
            while taken < 2 {
                sleep.begin_turn();
                // Drain: a real queue pops items; here the count stands for them.
                taken += queued.swap(0, Ordering::Acquire);
                if taken < 2 && sleep.try_sleep() {
                    thread::park();
                }
            }
            for waker in wakers {
                waker.join().unwrap();
            }
        });
    }
}
