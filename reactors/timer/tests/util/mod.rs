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
