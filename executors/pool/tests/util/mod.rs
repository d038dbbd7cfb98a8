//! Helpers shared by the pool executor's behaviour tests.
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

/// Counts how many times guards made from it were dropped.
#[derive(Clone, Default)]
pub struct DropCounter(Arc<AtomicUsize>);

impl DropCounter {
    pub fn guard(&self) -> DropGuard {
        DropGuard(self.0.clone())
    }

    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Bumps its counter when dropped; move one into a future to observe the future's drop.
pub struct DropGuard(Arc<AtomicUsize>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A future that never completes but hands its waker out, like a leaf waiting on a reactor.
pub struct Parked(pub mpsc::Sender<Waker>);

impl Future for Parked {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = self.0.send(cx.waker().clone());
        Poll::Pending
    }
}

/// Aborts the whole test process with a message if not dropped within `limit`: a hang
/// becomes a loud failure instead of a stuck CI job.
pub struct Watchdog(Option<mpsc::Sender<()>>);

pub fn watchdog(name: &'static str, limit: Duration) -> Watchdog {
    let (disarm, disarmed) = mpsc::channel::<()>();
    thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = disarmed.recv_timeout(limit) {
            eprintln!("watchdog: `{name}` did not finish within {limit:?}: hang");
            std::process::abort();
        }
    });
    Watchdog(Some(disarm))
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        // Dropping the sender disconnects the channel, which disarms the watchdog.
        self.0.take();
    }
}

/// `RELIABILITY_SCALE` (default 1.0) applied to a count, at least 1.
pub fn scaled(count: usize) -> usize {
    let scale: f64 = std::env::var("RELIABILITY_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    ((count as f64 * scale) as usize).max(1)
}

/// The text of a panic payload (`panic!` with a literal gives `&str`, with arguments `String`).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// A one-slot mailbox between two tasks: `send` stores a value and wakes the receiver.
pub struct Mailbox<T> {
    inner: Arc<std::sync::Mutex<(Option<T>, Option<Waker>)>>,
}

impl<T> Clone for Mailbox<T> {
    fn clone(&self) -> Self {
        Mailbox {
            inner: self.inner.clone(),
        }
    }
}

impl<T> Default for Mailbox<T> {
    fn default() -> Self {
        Mailbox {
            inner: Arc::new(std::sync::Mutex::new((None, None))),
        }
    }
}

impl<T> Mailbox<T> {
    pub fn send(&self, value: T) {
        let waker = {
            let mut slot = self.inner.lock().unwrap();
            slot.0 = Some(value);
            slot.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    pub fn recv(&self) -> Recv<'_, T> {
        Recv(self)
    }
}

pub struct Recv<'a, T>(&'a Mailbox<T>);

impl<T> Future for Recv<'_, T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = self.0.inner.lock().unwrap();
        match slot.0.take() {
            Some(value) => Poll::Ready(value),
            None => {
                slot.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// The number of threads of this process, from `/proc/self/task`.
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|dir| dir.count())
        .unwrap_or(0)
}

/// Runs the test named `name` of this test binary in a child process with `CHILD_MODE=1`
/// and returns its exit status (a double panic aborts the child, not this process).
pub fn run_in_child(name: &str) -> std::process::ExitStatus {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env("CHILD_MODE", "1")
        .status()
        .unwrap()
}

/// Whether this process is the child started by [`run_in_child`].
pub fn in_child() -> bool {
    std::env::var_os("CHILD_MODE").is_some()
}
