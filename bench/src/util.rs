//! Small futures and helpers shared by runtimes and workloads.

use std::fmt::Debug;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Turns a `Result` future into its `Ok` value, panicking with `what` on an error: a join
/// error or a closed channel in a benchmark is a bug, never a data point.
#[derive(Debug)]
pub(crate) struct Expect<F> {
    inner: F,
    what: &'static str,
}

impl<F> Expect<F> {
    pub(crate) fn new(inner: F, what: &'static str) -> Self {
        Expect { inner, what }
    }
}

impl<F, T, E> Future for Expect<F>
where
    F: Future<Output = Result<T, E>> + Unpin,
    E: Debug,
{
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let what = self.what;
        Pin::new(&mut self.inner)
            .poll(cx)
            .map(|result| result.unwrap_or_else(|err| panic!("{what} failed: {err:?}")))
    }
}

/// Yields through the scheduler: wakes its own task, returns `Pending` once. A runtime
/// must requeue the task to poll it again.
#[derive(Debug, Default)]
pub(crate) struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

pub(crate) fn yield_now() -> YieldNow {
    YieldNow::default()
}

/// 127.0.0.1 with a port chosen by the OS: every `tcp_echo` listener binds here.
pub(crate) fn loopback() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}
