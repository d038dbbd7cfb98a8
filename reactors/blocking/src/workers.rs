//! [`Workers`]: a pool's threads and their job queue, and the loop each thread runs.
//!
//! One mutex guards the queue and the thread counts (but one: `finishing` is an atomic,
//! so a thread that finished a job announces itself without taking the lock); one condvar
//! wakes idle threads, one tells a waiting `shutdown_timeout` that a thread exited. Threads are started on demand
//! and exit after `keep_alive` without work, so the pool shrinks back to zero threads when
//! unused.
//!
//! The growth rule (in [`Workers::submit`]): every queued job is matched by a thread already
//! on its way to the queue — one that is starting, was notified, or just finished a job.
//! Only when the queue outgrows them is an idle thread woken, and only when none is idle is
//! a thread started (up to `max_threads`). So the pool holds about as many threads as jobs
//! in flight, a job never waits behind a long-running one while the pool may grow, and a
//! task that awaits jobs one after another keeps reusing the same warm thread.

use std::collections::VecDeque;
use std::io;
use std::sync::PoisonError;
use std::time::{Duration, Instant};

use crate::job::{wake_future, QueuedJob};
use crate::sync::{lock, thread, Arc, AtomicUsize, Condvar, Mutex, MutexGuard, Ordering};

/// What a [`BlockingPoolBuilder`](crate::BlockingPoolBuilder) configures.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) max_threads: usize,
    pub(crate) keep_alive: Duration,
    pub(crate) thread_name: String,
    pub(crate) stack_size: Option<usize>,
}

pub(crate) struct State {
    queue: VecDeque<Box<dyn QueuedJob>>,
    /// Live pool threads (running a job, looking for one, or idle).
    pub(crate) threads: usize,
    /// Threads waiting on `work_available`.
    pub(crate) idle: usize,
    /// Wakeups sent to idle threads that they have not consumed yet: without this, two
    /// quick spawns would both "hand" their job to the same sleeping thread.
    notified: usize,
    /// Threads started but not yet looking at the queue.
    starting: usize,
    pub(crate) shutdown: bool,
    /// Threads ever started (for metrics and tests); also numbers their names.
    pub(crate) started: u64,
}

impl State {
    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }
}

pub(crate) struct Workers {
    pub(crate) state: Mutex<State>,
    /// Threads that finished a job and are waking its future; they look at the queue next.
    /// Raised without the lock, before the job's outcome is published (so a task that
    /// sees the outcome and submits its next job sees it raised); lowered under the lock,
    /// by the thread itself, when it looks at the queue again.
    finishing: AtomicUsize,
    work_available: Condvar,
    thread_exited: Condvar,
    pub(crate) config: Config,
}

impl Workers {
    pub(crate) fn new(config: Config) -> Self {
        Workers {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                threads: 0,
                idle: 0,
                notified: 0,
                starting: 0,
                shutdown: false,
                started: 0,
            }),
            finishing: AtomicUsize::new(0),
            work_available: Condvar::new(),
            thread_exited: Condvar::new(),
            config,
        }
    }

    /// Locks the state. No user code runs under this lock (jobs, drops and wakers run
    /// after it is released), so a poisoned lock still guards consistent data.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Queues `job` and makes sure some thread will take it: one already on its way to the
    /// queue, else an idle thread (woken), else a new thread while the pool may grow.
    /// After shutdown the job is dropped, which resolves its future with a shutdown error.
    ///
    /// Every queued job is matched by a thread committed to look at the queue (notified,
    /// starting or finishing). A thread that just finished a job counts: the task it wakes
    /// often submits its next job at once, and that job should go to this warm thread, not
    /// start a new one or pay for waking a sleeping one.
    pub(crate) fn submit(workers: &Arc<Self>, job: Box<dyn QueuedJob>) {
        let mut state = workers.lock();
        if state.shutdown {
            drop(state);
            drop(job);
            return;
        }
        state.queue.push_back(job);
        let finishing = workers.finishing.load(Ordering::SeqCst);
        if state.queue.len() <= state.notified + state.starting + finishing {
            // Enough threads are already on their way to the queue.
        } else if state.idle > state.notified {
            state.notified += 1;
            workers.work_available.notify_one();
        } else if state.threads < workers.config.max_threads {
            let name = format!("{}-{}", workers.config.thread_name, state.started);
            state.threads += 1;
            state.starting += 1;
            state.started += 1;
            if let Err(err) = Workers::start_thread(workers, name) {
                state.threads -= 1;
                state.starting -= 1;
                if state.threads == 0 {
                    // Nobody would ever run the queue: refuse every job, loudly, rather
                    // than leave futures hanging.
                    let refused = std::mem::take(&mut state.queue);
                    drop(state);
                    eprintln!("wakewire-reactor-blocking: cannot start a pool thread: {err}");
                    drop(refused);
                }
            }
        }
        // Else every thread is busy and the pool is full: the job waits its turn.
    }

    fn start_thread(workers: &Arc<Self>, name: String) -> io::Result<()> {
        let mut builder = thread::Builder::new().name(name);
        if let Some(size) = workers.config.stack_size {
            builder = builder.stack_size(size);
        }
        let workers = Arc::clone(workers);
        builder.spawn(move || workers.run_thread()).map(drop)
    }

    /// A pool thread: run jobs until none arrives for `keep_alive`, or the pool shuts down.
    fn run_thread(&self) {
        let mut state = self.lock();
        state.starting -= 1;
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                // From before the outcome is visible until this thread looks at the queue
                // again, it counts as on its way there: the task that sees the outcome may
                // submit its next job at once, and that job is ours.
                let waker = job.run(&mut || {
                    self.finishing.fetch_add(1, Ordering::SeqCst);
                });
                wake_future(waker);
                state = self.lock();
                self.finishing.fetch_sub(1, Ordering::SeqCst);
                continue;
            }
            if state.shutdown {
                break;
            }
            state.idle += 1;
            let (guard, wait) = self
                .work_available
                .wait_timeout(state, self.config.keep_alive)
                .unwrap_or_else(PoisonError::into_inner);
            state = guard;
            state.idle -= 1;
            state.notified = state.notified.saturating_sub(1);
            if wait.timed_out() && state.queue.is_empty() {
                break;
            }
        }
        state.threads -= 1;
        drop(state);
        self.thread_exited.notify_all();
    }

    /// Stops accepting jobs and takes the queued ones out, for the caller to drop (which
    /// resolves their futures with a shutdown error) outside the lock.
    pub(crate) fn begin_shutdown(&self) -> VecDeque<Box<dyn QueuedJob>> {
        let mut state = self.lock();
        state.shutdown = true;
        let refused = std::mem::take(&mut state.queue);
        drop(state);
        self.work_available.notify_all();
        refused
    }

    /// Waits until every pool thread has exited or `timeout` passed. Returns whether they all
    /// exited.
    pub(crate) fn wait_for_threads(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self.lock();
        while state.threads > 0 {
            let left = match deadline {
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left,
                    _ => return false,
                },
                // A timeout too large to represent: wait without one.
                None => Duration::from_secs(3600),
            };
            state = self
                .thread_exited
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }
}
