//! Memory rows: heap bytes per spawned idle task and per idle TCP connection, counted by
//! the harness's allocator ([`alloc_count`](crate::alloc_count)) as bytes allocated minus
//! bytes freed while N of them exist at once, divided by N.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use futures_util::io::AsyncReadExt;

use crate::alloc_count::Window;
use crate::contender::{Contender, Spawner};

/// Counts tasks that reached their idle state; wakes the one task waiting for all of them.
/// (A root task that yielded in a loop instead would never let the others run on an
/// executor that re-polls a self-woken task in place, like futures' `ThreadPool` of 1.)
struct Countdown {
    target: usize,
    arrived: AtomicUsize,
    waiter: Mutex<Option<Waker>>,
}

impl Countdown {
    fn new(target: usize) -> Arc<Countdown> {
        Arc::new(Countdown {
            target,
            arrived: AtomicUsize::new(0),
            waiter: Mutex::new(None),
        })
    }

    fn arrive(&self) {
        if self.arrived.fetch_add(1, Ordering::SeqCst) + 1 == self.target {
            let waiter = self.waiter.lock().expect("countdown lock").take();
            if let Some(waker) = waiter {
                waker.wake();
            }
        }
    }

    /// Resolves once `target` tasks arrived.
    async fn all_arrived(&self) {
        std::future::poll_fn(|cx| {
            if self.arrived.load(Ordering::SeqCst) >= self.target {
                return Poll::Ready(());
            }
            *self.waiter.lock().expect("countdown lock") = Some(cx.waker().clone());
            if self.arrived.load(Ordering::SeqCst) >= self.target {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

/// Polls `inner`; the first time it returns `Pending` (it registered with its reactor
/// and is idle), arrives at `countdown`.
struct ArriveWhenIdle<F> {
    inner: Pin<Box<F>>,
    countdown: Option<Arc<Countdown>>,
}

impl<F: Future> Future for ArriveWhenIdle<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let result = self.inner.as_mut().poll(cx);
        if result.is_pending() {
            if let Some(countdown) = self.countdown.take() {
                countdown.arrive();
            }
        }
        result
    }
}

/// What idle tasks wait on: opened once, at the end. Its waiter list is allocated before
/// counting starts, so a waiting task costs only what its runtime allocates for it.
struct Gate {
    open: AtomicBool,
    waiting: Arc<Countdown>,
    wakers: Mutex<Vec<Waker>>,
}

impl Gate {
    fn new(capacity: usize) -> Arc<Gate> {
        Arc::new(Gate {
            open: AtomicBool::new(false),
            waiting: Countdown::new(capacity),
            wakers: Mutex::new(Vec::with_capacity(capacity)),
        })
    }

    fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
        let wakers = std::mem::take(&mut *self.wakers.lock().expect("gate lock"));
        for waker in wakers {
            waker.wake();
        }
    }
}

/// Waits for the gate (registers once: a spurious poll finds its waker already there).
struct Wait {
    gate: Arc<Gate>,
    registered: bool,
}

impl Future for Wait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.gate.open.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        if !self.registered {
            self.registered = true;
            let mut wakers = self.gate.wakers.lock().expect("gate lock");
            if self.gate.open.load(Ordering::SeqCst) {
                return Poll::Ready(());
            }
            wakers.push(cx.waker().clone());
            drop(wakers);
            self.gate.waiting.arrive();
        }
        Poll::Pending
    }
}

/// Heap bytes per idle task: `n` tasks spawned with their join handles, each polled once
/// and waiting (on a gate the harness opens afterwards).
pub(crate) fn per_idle_task<C: Contender>(contender: &C, n: usize) -> f64 {
    let spawner = contender.spawner();
    let bytes = contender.block_on(spawner.clone().spawn(async move {
        let gate = Gate::new(n);
        let mut handles = Vec::with_capacity(n);
        // Warm up whatever a runtime allocates once (queues, first blocks), uncounted.
        spawner.spawn(async {}).await;
        let window = Window::start();
        for _ in 0..n {
            let wait = Wait {
                gate: Arc::clone(&gate),
                registered: false,
            };
            handles.push(spawner.spawn(wait));
        }
        gate.waiting.all_arrived().await;
        let bytes = window.live_bytes();
        drop(window);
        gate.open();
        for handle in handles {
            handle.await;
        }
        bytes
    }));
    bytes as f64 / n as f64
}

/// Heap bytes per idle connection: `n` loopback connections open at once, each with the
/// client socket held by the harness, the accepted socket, and a server task waiting to
/// read it (a 64-byte buffer), all the runtime's own.
pub(crate) fn per_idle_connection<C: Contender>(contender: &C, n: usize) -> f64 {
    let spawner = contender.spawner();
    let bytes = contender.block_on(spawner.clone().spawn(async move {
        let (listener, addr) = spawner.bind().await;
        let serve =
            |stream: <C::Spawner as Spawner>::Stream, reading: &Arc<Countdown>| ArriveWhenIdle {
                inner: Box::pin(async move {
                    let mut stream = stream;
                    let mut buf = [0u8; 64];
                    stream
                        .read(&mut buf)
                        .await
                        .expect("memory_tcp: server read")
                }),
                countdown: Some(Arc::clone(reading)),
            };
        // One connection first, uncounted: lazy set-up (a reactor thread, first blocks).
        let warm = spawner.connect(addr).await;
        let warm_server = spawner.spawn(serve(
            C::Spawner::accept(&listener).await,
            &Countdown::new(1),
        ));
        drop(warm);
        assert_eq!(warm_server.await, 0, "memory_tcp: EOF expected");
        let reading = Countdown::new(n);

        let mut clients = Vec::with_capacity(n);
        let mut servers = Vec::with_capacity(n);
        let window = Window::start();
        for _ in 0..n {
            // Connect, then accept: at most one connection waits in the backlog.
            clients.push(spawner.connect(addr).await);
            servers.push(spawner.spawn(serve(C::Spawner::accept(&listener).await, &reading)));
        }
        reading.all_arrived().await;
        let bytes = window.live_bytes();
        drop(window);
        drop(clients); // EOF: every server task ends
        for server in servers {
            assert_eq!(server.await, 0, "memory_tcp: EOF expected");
        }
        bytes
    }));
    bytes as f64 / n as f64
}

/// `want` connections, or fewer if the open-file limit (two descriptors per connection,
/// with room to spare) would not allow them.
pub(crate) fn connections_within_fd_limit(want: usize) -> usize {
    let soft_limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|line| line.starts_with("Max open files"))
                .and_then(|line| line.split_whitespace().nth(3))
                .and_then(|soft| soft.parse::<usize>().ok())
        })
        .unwrap_or(1024);
    want.min(soft_limit.saturating_sub(256) / 2).max(1)
}
