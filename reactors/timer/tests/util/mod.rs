//! Helpers shared by the timer's behaviour tests.
#![allow(dead_code, unreachable_pub)]

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use wakewire_core::{Park, Unpark};

/// `RELIABILITY_SCALE` (default 1.0) applied to a count, at least 1.
pub fn scaled(count: usize) -> usize {
    let scale: f64 = std::env::var("RELIABILITY_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    ((count as f64 * scale) as usize).max(1)
}

/// Aborts the process with `what` if the guard is not dropped within `limit`: a hang
/// becomes a loud failure instead of a stuck CI job.
pub struct Watchdog {
    done: Option<mpsc::Sender<()>>,
}

pub fn watchdog(what: &'static str, limit: Duration) -> Watchdog {
    let (done, wait) = mpsc::channel::<()>();
    thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(limit) {
            // Straight to the stderr handle: `eprintln!` is captured by the test harness,
            // and the message would be lost with the abort.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "watchdog: `{what}` still running after {limit:?}: aborting"
            );
            std::process::abort();
        }
    });
    Watchdog { done: Some(done) }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.done.take());
    }
}

/// Polls `future` once with `waker`.
pub fn poll_once<F: std::future::Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    std::pin::Pin::new(future).poll(&mut Context::from_waker(waker))
}

/// A park that never blocks and records what it was asked: for stepping a `TimerPark` by
/// hand and checking how it parks its inner layer.
#[derive(Debug, Default)]
pub struct RecordingPark {
    pub parks: usize,
    pub timeouts: Vec<Duration>,
    pub unparks: CountingUnpark,
}

#[derive(Debug, Default, Clone)]
pub struct CountingUnpark(pub Arc<AtomicUsize>);

impl CountingUnpark {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Unpark for CountingUnpark {
    fn unpark(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Park for RecordingPark {
    type Unpark = CountingUnpark;

    fn unparker(&self) -> CountingUnpark {
        self.unparks.clone()
    }

    fn park(&mut self) -> io::Result<()> {
        self.parks += 1;
        Ok(())
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.timeouts.push(timeout);
        Ok(())
    }
}

/// A waker that panics when woken, for checking that one bad waker spoils nothing.
pub fn panicking_waker() -> (Waker, Arc<AtomicBool>) {
    struct Bomb(Arc<AtomicBool>);
    impl std::task::Wake for Bomb {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
            panic!("this waker panics on purpose");
        }
    }
    let fired = Arc::new(AtomicBool::new(false));
    (Waker::from(Arc::new(Bomb(fired.clone()))), fired)
}

/// A waker that runs `hook` when its last clone is dropped, and counts its wakes.
///
/// Stands for the last waker of a foreign executor's task: dropping it frees the task, and
/// with it whatever the task owned (another `Sleep` of the same timer), whose `Drop` calls
/// back into the timer that dropped the waker.
pub fn reenters_on_drop(
    hook: impl FnOnce() + Send + 'static,
) -> (Waker, wakewire_core::waker::WakeCounter) {
    struct OnDrop {
        hook: std::sync::Mutex<Option<Box<dyn FnOnce() + Send>>>,
        counter: Waker,
    }
    impl std::task::Wake for OnDrop {
        fn wake(self: Arc<Self>) {
            self.counter.wake_by_ref();
        }
    }
    impl Drop for OnDrop {
        fn drop(&mut self) {
            let hook = self.hook.lock().unwrap().take();
            if let Some(hook) = hook {
                hook();
            }
        }
    }
    let (counter, wakes) = wakewire_core::waker::counting_waker();
    let waker = Waker::from(Arc::new(OnDrop {
        hook: std::sync::Mutex::new(Some(Box::new(hook))),
        counter,
    }));
    (waker, wakes)
}

/// Runs `body` on its own thread and fails the test if it has not finished within
/// `limit`: a deadlock becomes a failed assertion (the stuck thread is left behind).
pub fn finishes_within(what: &str, limit: Duration, body: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    let runner = thread::spawn(move || {
        body();
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => runner.join().unwrap(),
        // The body panicked: report its panic.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(runner.join().unwrap_err())
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: still running after {limit:?} (deadlocked?)")
        }
    }
}
