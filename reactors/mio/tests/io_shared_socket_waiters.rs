//! Several tasks waiting in the same direction of one socket are all served: two (or more)
//! receivers on one UDP or Unix datagram socket, acceptors on one listener, readiness
//! futures on one source. Every datagram and every connection reaches a waiter; none is
//! stranded because a later waiter took its place.
//!
//! Each waiter is polled with a waker of its own (children of a `FuturesUnordered`, as
//! separate tasks would be), on the local executor driving a private reactor; a last test spawns the
//! waiters as real tasks on the pool's two workers. A stranded waiter hangs its test,
//! and the watchdog turns the hang into a failure.

use std::future::Future;
use std::net::SocketAddr;
use std::os::unix::net::UnixStream as StdUnixStream;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};
use wakewire_reactor_mio::{
    Async, FdSource, Handle, Reactor, TcpListener, TcpStream, UdpSocket, UnixDatagram,
    UnixListener, UnixStream,
};

const WAITERS: usize = 4;

type Waiting<T> = FuturesUnordered<Pin<Box<dyn Future<Output = T> + Send>>>;

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// Polls every waiter once, so that all of them are registered and `Pending` before the
/// events they wait for are produced.
async fn all_pending<T>(waiting: &mut Waiting<T>) {
    std::future::poll_fn(|cx| {
        assert!(
            waiting.poll_next_unpin(cx).is_pending(),
            "a waiter finished before anything was sent"
        );
        Poll::Ready(())
    })
    .await;
}

/// Collects every waiter's output, sorted.
async fn outputs<T: Ord>(mut waiting: Waiting<T>) -> Vec<T> {
    let mut all = Vec::new();
    while let Some(output) = waiting.next().await {
        all.push(output);
    }
    all.sort();
    all
}

async fn udp_receivers(handle: Handle) {
    let socket = Arc::new(UdpSocket::bind_with(loopback(), &handle).unwrap());
    let sender = UdpSocket::bind_with(loopback(), &handle).unwrap();
    let mut waiting: Waiting<u8> = FuturesUnordered::new();
    for i in 0..WAITERS {
        let socket = Arc::clone(&socket);
        waiting.push(Box::pin(async move {
            let mut buf = [0; 8];
            // Half with `recv_from`, half with `recv` (after `connect`): both wait alike.
            if i % 2 == 0 {
                socket.recv_from(&mut buf).await.unwrap();
            } else {
                socket.recv(&mut buf).await.unwrap();
            }
            buf[0]
        }));
    }
    all_pending(&mut waiting).await;
    // `recv` needs a connected socket; connecting after the waiters started is fine.
    socket.connect(sender.local_addr().unwrap()).unwrap();
    for i in 0..WAITERS as u8 {
        sender
            .send_to(&[i], socket.local_addr().unwrap())
            .await
            .unwrap();
    }
    assert_eq!(
        outputs(waiting).await,
        (0..WAITERS as u8).collect::<Vec<_>>()
    );
}

async fn unix_datagram_receivers(handle: Handle) {
    let (a, b) = UnixDatagram::pair_with(&handle).unwrap();
    let b = Arc::new(b);
    let mut waiting: Waiting<u8> = FuturesUnordered::new();
    for _ in 0..WAITERS {
        let b = Arc::clone(&b);
        waiting.push(Box::pin(async move {
            let mut buf = [0; 8];
            b.recv(&mut buf).await.unwrap();
            buf[0]
        }));
    }
    all_pending(&mut waiting).await;
    for i in 0..WAITERS as u8 {
        a.send(&[i]).await.unwrap();
    }
    assert_eq!(
        outputs(waiting).await,
        (0..WAITERS as u8).collect::<Vec<_>>()
    );
}

async fn tcp_acceptors(handle: Handle) {
    let listener = Arc::new(TcpListener::bind_with(loopback(), &handle).unwrap());
    let addr = listener.local_addr().unwrap();
    let mut waiting: Waiting<SocketAddr> = FuturesUnordered::new();
    for i in 0..WAITERS {
        let listener = Arc::clone(&listener);
        waiting.push(Box::pin(async move {
            // Half through `accept`, half through an `incoming` stream of their own.
            let stream = if i % 2 == 0 {
                listener.accept().await.unwrap().0
            } else {
                listener.incoming().next().await.unwrap().unwrap()
            };
            stream.peer_addr().unwrap()
        }));
    }
    all_pending(&mut waiting).await;
    let mut clients = Vec::new();
    for _ in 0..WAITERS {
        // The kernel completes the handshake before any accept: connect needs no acceptor.
        clients.push(TcpStream::connect_with(addr, &handle).await.unwrap());
    }
    let mut expected: Vec<SocketAddr> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
    expected.sort();
    assert_eq!(outputs(waiting).await, expected);
}

async fn unix_acceptors(handle: Handle) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "wakewire-mio-shared-acceptors-{}-{}.sock",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&path);
    let listener = Arc::new(UnixListener::bind_with(&path, &handle).unwrap());
    let mut waiting: Waiting<()> = FuturesUnordered::new();
    for _ in 0..WAITERS {
        let listener = Arc::clone(&listener);
        waiting.push(Box::pin(async move {
            listener.accept().await.unwrap();
        }));
    }
    all_pending(&mut waiting).await;
    let mut clients = Vec::new();
    for _ in 0..WAITERS {
        clients.push(UnixStream::connect_with(&path, &handle).await.unwrap());
    }
    assert_eq!(outputs(waiting).await.len(), WAITERS);
    let _ = std::fs::remove_file(&path);
}

async fn readiness_futures(handle: Handle) {
    let (a, mut b) = StdUnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    let source = Arc::new(Async::with_handle(FdSource::new(a), &handle).unwrap());
    let mut waiting: Waiting<bool> = FuturesUnordered::new();
    for _ in 0..WAITERS {
        let source = Arc::clone(&source);
        waiting.push(Box::pin(async move {
            source.readable().await.unwrap().readiness().is_readable()
        }));
    }
    all_pending(&mut waiting).await;
    std::io::Write::write_all(&mut b, b"x").unwrap();
    assert_eq!(outputs(waiting).await, vec![true; WAITERS]);
}

#[test]
fn shared_udp_receivers() {
    wakewire_test_util::run_with_mio_reactor(udp_receivers);
}

#[test]
fn shared_unix_datagram_receivers() {
    wakewire_test_util::run_with_mio_reactor(unix_datagram_receivers);
}

#[test]
fn shared_tcp_acceptors() {
    wakewire_test_util::run_with_mio_reactor(tcp_acceptors);
}

#[test]
fn shared_unix_acceptors() {
    wakewire_test_util::run_with_mio_reactor(unix_acceptors);
}

#[test]
fn shared_readiness_futures() {
    wakewire_test_util::run_with_mio_reactor(readiness_futures);
}

/// The waiters as real tasks on the pool's two workers (the waits and the wakes race
/// across threads), over many rounds: every datagram and connection is delivered.
#[test]
fn shared_waiters_as_pool_tasks() {
    let _watchdog =
        wakewire_test_util::watchdog("shared_waiters_as_pool_tasks", Duration::from_secs(60));
    let reactor = Reactor::new().unwrap();
    let handle = reactor.handle();
    let shared = wakewire_core::park::SharedPark::new(reactor.park());
    let pool = wakewire_executor_pool::Pool::builder()
        .workers(2)
        .park_with(move |_| shared.worker())
        .build();
    for round in 0..wakewire_test_util::scaled(50) {
        let socket = Arc::new(UdpSocket::bind_with(loopback(), &handle).unwrap());
        let listener = Arc::new(TcpListener::bind_with(loopback(), &handle).unwrap());
        let receivers: Vec<_> = (0..WAITERS)
            .map(|_| {
                let socket = Arc::clone(&socket);
                pool.spawn(async move {
                    let mut buf = [0; 8];
                    socket.recv_from(&mut buf).await.unwrap();
                    buf[0]
                })
                .unwrap()
            })
            .collect();
        let acceptors: Vec<_> = (0..WAITERS)
            .map(|_| {
                let listener = Arc::clone(&listener);
                pool.spawn(async move { listener.accept().await.unwrap().1 })
                    .unwrap()
            })
            .collect();
        let (addr, target) = (listener.local_addr().unwrap(), socket.local_addr().unwrap());
        let handle = handle.clone();
        let clients = pool
            .spawn(async move {
                let sender = UdpSocket::bind_with(loopback(), &handle).unwrap();
                let mut clients = Vec::new();
                for i in 0..WAITERS as u8 {
                    sender.send_to(&[i], target).await.unwrap();
                    clients.push(TcpStream::connect_with(addr, &handle).await.unwrap());
                }
                clients
            })
            .unwrap();
        let clients = pool.block_on(clients).unwrap();
        let mut received: Vec<u8> = receivers
            .into_iter()
            .map(|task| pool.block_on(task).unwrap())
            .collect();
        received.sort();
        assert_eq!(
            received,
            (0..WAITERS as u8).collect::<Vec<_>>(),
            "round {round}"
        );
        let mut accepted: Vec<SocketAddr> = acceptors
            .into_iter()
            .map(|task| pool.block_on(task).unwrap())
            .collect();
        accepted.sort();
        let mut expected: Vec<SocketAddr> =
            clients.iter().map(|c| c.local_addr().unwrap()).collect();
        expected.sort();
        assert_eq!(accepted, expected, "round {round}");
    }
}

/// A receive future dropped while it waits leaves its place: its waker is released at
/// once and never woken, and the receiver that stays gets the datagram.
#[test]
fn dropped_waiter_leaves_the_queue() {
    let _watchdog =
        wakewire_test_util::watchdog("dropped_waiter_leaves_the_queue", Duration::from_secs(20));
    let mut reactor = Reactor::new().unwrap();
    let handle = reactor.handle();
    let socket = UdpSocket::bind_with(loopback(), &handle).unwrap();
    let sender = std::net::UdpSocket::bind(loopback()).unwrap();
    let (dropped_waker, dropped) = wakewire_core::waker::counting_waker();
    let (kept_waker, kept) = wakewire_core::waker::counting_waker();
    let mut buf_a = [0; 8];
    let mut buf_b = [0; 8];
    let mut first = Box::pin(socket.recv_from(&mut buf_a));
    let mut second = Box::pin(socket.recv_from(&mut buf_b));
    let mut cx_dropped = std::task::Context::from_waker(&dropped_waker);
    let mut cx_kept = std::task::Context::from_waker(&kept_waker);
    assert!(first.as_mut().poll(&mut cx_dropped).is_pending());
    assert!(second.as_mut().poll(&mut cx_kept).is_pending());
    assert_eq!(
        dropped.live_references(),
        3,
        "the test's waker, its counter, the queue"
    );
    drop(first);
    assert_eq!(
        dropped.live_references(),
        2,
        "the queue let go of the dropped waiter"
    );
    sender
        .send_to(b"only", socket.local_addr().unwrap())
        .unwrap();
    while kept.wakes() == 0 {
        reactor.turn(Some(Duration::from_secs(5))).unwrap();
    }
    assert_eq!(dropped.wakes(), 0);
    match second.as_mut().poll(&mut cx_kept) {
        Poll::Ready(Ok((4, _))) => {}
        other => panic!("the remaining receiver did not get the datagram: {other:?}"),
    }
}
