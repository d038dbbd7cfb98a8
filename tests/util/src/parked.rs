//! A future that waits forever and hands its wakers out.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};

/// A future that never completes but sends a clone of its waker on every poll, like a
/// leaf waiting on a reactor that never fires: the test holds the wakers (to wake them
/// late, from other threads, after shutdown).
#[derive(Debug)]
pub struct Parked(pub mpsc::Sender<Waker>);

impl Future for Parked {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = self.0.send(cx.waker().clone());
        Poll::Pending
    }
}
