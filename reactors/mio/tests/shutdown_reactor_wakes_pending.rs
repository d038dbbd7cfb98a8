//! Dropping the reactor while tasks wait on I/O wakes every one of them
//! with a `ReactorShutdown` error; later operations fail the same way.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::io::AsyncReadExt;
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_mio::{is_shutdown, TcpListener, UdpSocket, UnixStream};

#[test]
fn shutdown_reactor_and_timer_wake_pending() {
    let _watchdog =
        wakewire_test_util::watchdog("shutdown_reactor_wakes_pending", Duration::from_secs(10));
    let driver = wakewire_test_util::MioReactorThread::start();
    let handle = driver.handle();
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let ex = LocalExecutor::new();
    let (mut reader, _writer) = UnixStream::pair_with(&handle).unwrap();
    let listener = TcpListener::bind_with(loopback, &handle).unwrap();
    let udp = UdpSocket::bind_with(loopback, &handle).unwrap();
    let tasks = [
        ex.spawn_local(async move {
            let mut buf = [0; 8];
            reader.read(&mut buf).await.map(drop)
        })
        .unwrap(),
        ex.spawn_local(async move { listener.accept().await.map(drop) })
            .unwrap(),
        ex.spawn_local(async move {
            let mut buf = [0; 8];
            udp.recv_from(&mut buf).await.map(drop)
        })
        .unwrap(),
    ];
    ex.run_until_stalled();
    assert_eq!(ex.metrics().live_tasks, 3, "all three wait on the reactor");

    drop(driver); // the reactor thread stops and drops the reactor
    let results = ex.block_on(async {
        let mut out = Vec::new();
        for task in tasks {
            out.push(task.await.unwrap());
        }
        out
    });
    for result in results {
        let err = result.unwrap_err();
        assert!(is_shutdown(&err), "expected ReactorShutdown, got {err}");
    }
    assert_eq!(handle.metrics().registrations, 0);
    // New I/O on the dead reactor fails instead of hanging.
    let err = UnixStream::pair_with(&handle).unwrap_err();
    assert!(is_shutdown(&err));
}
