//! [`OwnerQueue`]: the run queue for wakes and spawns made on the executor's own thread while
//! it runs, next to the shared queue every other thread pushes to.
//!
//! Most wakes of a single-threaded executor come from its own tasks: a task yields, a
//! channel send wakes the receiver, a task spawns another. Those need neither the
//! multi-producer queue nor the sleep handshake, because the executor is running and will
//! look at its queues before it sleeps. So while an executor runs, a thread-local marker
//! names its owner queue, and [`push_if_running`] puts such tasks in a plain `VecDeque`.
//! Every other wake (another thread, or this thread while the executor is not running or is
//! parked) goes through the shared queue and may unpark the executor.
//!
//! ```text
//!   wake on the owner thread, executor running ──► OwnerQueue (VecDeque, no atomics)
//!   any other wake ───────────────────────────────► ReadyQueue::tasks (+ notify)
//!
//!   pop: every REMOTE_INTERVAL-th pop, and whenever the owner queue is empty, the tasks
//!        waiting in the shared queue move to the back of the owner queue
//! ```
//!
//! The marker is cleared while the executor parks: a reactor turned by the park runs on this
//! thread, and the tasks it wakes must notify the sleep handshake, or the executor could
//! sleep with work queued.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use concurrent_queue::ConcurrentQueue;
use wakewire_core::task::Runnable;

/// How many pops may pass between two looks at the shared queue while the owner queue is
/// never empty (a task that keeps waking itself): tasks woken from other threads wait at
/// most this many polls, plus the owner queue's length, before they run.
pub(crate) const REMOTE_INTERVAL: u32 = 31;

thread_local! {
    /// The owner queue of the executor running on this thread (outside its park), if any.
    static RUNNING: RefCell<Option<Rc<OwnerQueue>>> = const { RefCell::new(None) };
}

/// The owner-thread half of an executor's run queue; see the [module docs](self).
pub(crate) struct OwnerQueue {
    /// The address of the executor's shared queue: wakes carry it to find their executor.
    owner: usize,
    tasks: RefCell<VecDeque<Runnable>>,
    /// Pops left before the next look at the shared queue.
    until_shared: Cell<u32>,
}

impl OwnerQueue {
    /// The owner queue of the executor whose shared queue lives at `owner`.
    pub(crate) fn new(owner: usize) -> Rc<Self> {
        Rc::new(OwnerQueue {
            owner,
            tasks: RefCell::new(VecDeque::new()),
            until_shared: Cell::new(REMOTE_INTERVAL - 1),
        })
    }

    /// Marks this thread as running this queue's executor until the guard drops: wakes of
    /// its tasks on this thread come here from now on.
    pub(crate) fn enter(self: &Rc<Self>) -> RunningGuard {
        RunningGuard::set(Some(Rc::clone(self)))
    }

    /// Clears the marker until the guard drops, while the executor parks.
    pub(crate) fn suspend() -> RunningGuard {
        RunningGuard::set(None)
    }

    /// The next task to poll, fairly from both queues.
    #[inline]
    pub(crate) fn pop(&self, shared: &ConcurrentQueue<Runnable>) -> Option<Runnable> {
        let left = self.until_shared.get();
        if left != 0 {
            self.until_shared.set(left - 1);
            let next = self.tasks.borrow_mut().pop_front();
            if next.is_some() {
                return next;
            }
        }
        self.pop_slow(shared)
    }

    /// [`pop`](Self::pop) when it is time to look at the shared queue, or when the owner
    /// queue is empty.
    #[inline(never)]
    fn pop_slow(&self, shared: &ConcurrentQueue<Runnable>) -> Option<Runnable> {
        if self.until_shared.get() == 0 {
            self.until_shared.set(REMOTE_INTERVAL - 1);
            self.take_shared(shared);
        }
        let next = self.tasks.borrow_mut().pop_front();
        if next.is_some() {
            return next;
        }
        // Nothing local: the oldest shared task runs now, the others queue behind it in
        // order, ahead of whatever it wakes.
        let first = shared.pop().ok()?;
        self.take_shared(shared);
        Some(first)
    }

    /// Moves the tasks waiting in the shared queue to the back of this one. Bounded by the
    /// length seen at the start, so a thread that keeps pushing cannot hold the executor.
    fn take_shared(&self, shared: &ConcurrentQueue<Runnable>) {
        let waiting = shared.len();
        if waiting == 0 {
            return;
        }
        let mut tasks = self.tasks.borrow_mut();
        for _ in 0..waiting {
            match shared.pop() {
                Ok(runnable) => tasks.push_back(runnable),
                Err(_) => break,
            }
        }
    }

    /// Takes one queued task out, for shutdown to drop (outside the borrow: dropping a
    /// task runs its future's destructor).
    pub(crate) fn pop_local(&self) -> Option<Runnable> {
        self.tasks.borrow_mut().pop_front()
    }

    pub(crate) fn len(&self) -> usize {
        self.tasks.borrow().len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.tasks.borrow().is_empty()
    }
}

impl fmt::Debug for OwnerQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnerQueue")
            .field("queued", &self.len())
            .finish_non_exhaustive()
    }
}

/// Queues `runnable` on the owner queue of the executor whose shared queue lives at `owner`
/// if that executor is running on this thread; hands it back otherwise.
pub(crate) fn push_if_running(owner: usize, runnable: Runnable) -> Result<(), Runnable> {
    let mut runnable = Some(runnable);
    // `try_with`: a waker may run while this thread's locals are being destroyed; the
    // shared queue still takes the task then.
    let _ = RUNNING.try_with(|running| {
        if let Some(queue) = &*running.borrow() {
            if queue.owner == owner {
                if let Some(runnable) = runnable.take() {
                    queue.tasks.borrow_mut().push_back(runnable);
                }
            }
        }
    });
    match runnable {
        None => Ok(()),
        Some(runnable) => Err(runnable),
    }
}

/// Restores the marker it replaced when dropped (also when unwinding).
pub(crate) struct RunningGuard {
    previous: Option<Rc<OwnerQueue>>,
}

impl RunningGuard {
    fn set(queue: Option<Rc<OwnerQueue>>) -> Self {
        let previous = RUNNING.with(|running| running.replace(queue));
        RunningGuard { previous }
    }
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        let current = RUNNING.with(|running| running.replace(self.previous.take()));
        // Dropped outside the borrow; the executor still holds its queue, so this drops
        // no task anyway.
        drop(current);
    }
}

impl fmt::Debug for RunningGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningGuard").finish_non_exhaustive()
    }
}
