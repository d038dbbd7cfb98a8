//! 64 connections x 1 000 messages of random size in [1, 64 KiB], echoed byte-exact
//! through the reactor on 127.0.0.1; afterwards the fd count is back to its baseline and
//! no task is alive.
//!
//! The server runs on a local executor that drives its own timer and reactor (a timer
//! park stacked over the reactor park); the clients run on another thread's local
//! executor with the global reactor and timer threads. Every connection, on both sides,
//! runs under a timer (a 60 s timeout that must not fire).
//! Counts scale with `WAKEWIRE_TEST_SCALE`; debug builds run 1/20 of the messages.

use std::net::SocketAddr;
use std::thread;
use std::time::Duration;

use futures_util::future::join;
use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_mio::{Handle, Reactor, TcpListener, TcpStream};
use wakewire_reactor_timer::{timeout, TimerPark};

/// Far above any sane duration of one connection: firing means a hang.
const CONNECTION_DEADLINE: Duration = Duration::from_secs(60);

const CONNECTIONS: usize = 64;
const MAX_MESSAGE: u64 = 64 * 1024;

fn messages() -> usize {
    let full = if cfg!(debug_assertions) { 50 } else { 1000 };
    wakewire_test_util::scaled(full)
}

fn fnv(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

#[test]
fn soak_tcp_echo_loopback() {
    let _watchdog = wakewire_test_util::watchdog("soak_tcp_echo_loopback", Duration::from_secs(60));
    let global = Handle::global().unwrap(); // started before the baseline: it stays
    let baseline_fds = wakewire_test_util::open_fds();
    let messages = messages();

    let reactor = Reactor::new().unwrap();
    let server_handle = reactor.handle();
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let listener = TcpListener::bind_with(loopback, &server_handle).unwrap();
    let addr = listener.local_addr().unwrap();
    drop(server_handle); // a handle keeps the reactor's epoll and eventfd open
    let server = thread::spawn(move || {
        let park = TimerPark::new(reactor.park());
        let timer = park.handle();
        let ex = LocalExecutor::with_park(park);
        let spawner = ex.local_spawner();
        ex.block_on(async move {
            let mut echoes = Vec::new();
            for _ in 0..CONNECTIONS {
                let (mut conn, _) = listener.accept().await.unwrap();
                echoes.push(
                    spawner
                        .spawn_local(timer.timeout(CONNECTION_DEADLINE, async move {
                            let mut buf = vec![0; 64 * 1024];
                            let mut echoed = 0u64;
                            loop {
                                let n = conn.read(&mut buf).await.unwrap();
                                if n == 0 {
                                    return echoed;
                                }
                                conn.write_all(&buf[..n]).await.unwrap();
                                echoed += n as u64;
                            }
                        }))
                        .unwrap(),
                );
            }
            let mut total = 0;
            for echo in echoes {
                total += echo.await.unwrap().expect("server connection timed out");
            }
            total
        })
        // The executor, its tasks and the server reactor drop here.
    });

    let ex = LocalExecutor::new();
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|c| {
            ex.spawn_local(timeout(CONNECTION_DEADLINE, async move {
                let mut rng = wakewire_test_util::Rng::new(0x5eed + c as u64);
                let stream = TcpStream::connect(addr).await.unwrap();
                let (mut sent_hash, mut echo_hash, mut bytes) =
                    (0xcbf2_9ce4_8422_2325, 0xcbf2_9ce4_8422_2325, 0u64);
                let mut message = Vec::new();
                let mut echoed = Vec::new();
                for _ in 0..messages {
                    let len = rng.below(MAX_MESSAGE) as usize + 1;
                    message.resize(len, 0);
                    rng.fill(&mut message);
                    echoed.resize(len, 0);
                    // Write and read concurrently, so neither side's buffer can fill up.
                    let (wrote, read) = join(
                        (&stream).write_all(&message),
                        (&stream).read_exact(&mut echoed),
                    )
                    .await;
                    wrote.unwrap();
                    read.unwrap();
                    sent_hash = fnv(sent_hash, &message);
                    echo_hash = fnv(echo_hash, &echoed);
                    bytes += len as u64;
                }
                assert_eq!(sent_hash, echo_hash, "connection {c}: echo differs");
                (&stream).close().await.unwrap();
                bytes
            }))
            .unwrap()
        })
        .collect();
    let sent: u64 = ex.block_on(async {
        let mut total = 0;
        for client in clients {
            total += client.await.unwrap().expect("client connection timed out");
        }
        total
    });
    let echoed = server.join().unwrap();
    assert_eq!(sent, echoed);
    assert_eq!(ex.metrics().live_tasks, 0);
    drop(ex);
    wakewire_test_util::wait_until(
        &format!("the fds to return to {baseline_fds}"),
        Duration::from_secs(5),
        || wakewire_test_util::open_fds() == baseline_fds,
    );
    drop(global);
}
