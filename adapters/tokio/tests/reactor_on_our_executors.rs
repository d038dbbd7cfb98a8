//! tokio's leaf futures (TCP, UDP, sleep), wrapped by a `TokioReactor` on its own thread,
//! complete on Wakewire's local and pool executors, each with a plain thread parker and
//! with Wakewire's timer park.

mod util;

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use wakewire_adapter_tokio::TokioReactor;
use wakewire_core::timer::{timeout, Timer};

/// A TCP round trip on loopback through tokio's I/O driver.
async fn tcp_echo(reactor: TokioReactor) {
    let done = reactor.wrap(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (client, server) = tokio::join!(TcpStream::connect(address), listener.accept());
        let (mut client, mut server) = (client.unwrap(), server.unwrap().0);
        client.write_all(b"ping").await.unwrap();
        let mut buffer = [0; 4];
        server.read_exact(&mut buffer).await.unwrap();
        server.write_all(&buffer).await.unwrap();
        client.read_exact(&mut buffer).await.unwrap();
        buffer
    });
    assert_eq!(&done.await.unwrap(), b"ping");
    reactor.shutdown();
}

/// A UDP datagram on loopback, the receiver waiting before it is sent.
async fn udp_datagram(reactor: TokioReactor) {
    let done = reactor.wrap(async {
        let receiver = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let address = receiver.local_addr().unwrap();
        let mut buffer = [0; 16];
        let (received, sent) = tokio::join!(receiver.recv_from(&mut buffer), async {
            tokio::task::yield_now().await;
            sender.send_to(b"datagram", address).await
        });
        assert_eq!(sent.unwrap(), 8);
        let (length, from) = received.unwrap();
        assert_eq!(from, sender.local_addr().unwrap());
        buffer[..length].to_vec()
    });
    assert_eq!(done.await.unwrap(), b"datagram");
    reactor.shutdown();
}

/// tokio's timer, through the generic `Timer` trait and through a wrapped `sleep`.
async fn sleeps(reactor: TokioReactor) {
    reactor.sleep(Duration::from_millis(5)).await;
    let nap = reactor.wrap_with(|| tokio::time::sleep(Duration::from_millis(5)));
    nap.await.unwrap();
    let never = std::future::pending::<()>();
    assert!(timeout(&reactor, Duration::from_millis(5), never)
        .await
        .is_err());
    reactor.shutdown();
}

on_each_executor!(tokio_tcp_stream, || tcp_echo(
    TokioReactor::on_own_thread().unwrap()
));
on_each_executor!(tokio_udp_socket, || udp_datagram(
    TokioReactor::on_own_thread().unwrap()
));
on_each_executor!(tokio_sleep, || sleeps(
    TokioReactor::on_own_thread().unwrap()
));

/// The reactor driven by a thread the test starts itself (`TokioReactor::new`).
#[test]
fn a_reactor_driven_by_your_own_thread() {
    let _watchdog = util::join_contract::watchdog("own driver", Duration::from_secs(30));
    let (reactor, driver) = TokioReactor::new().unwrap();
    let driving = std::thread::spawn(move || driver.run());
    let handle = reactor.handle();
    util::our_executors::OurExecutor::PoolThreadParker.run(async move {
        handle.sleep(Duration::from_millis(2)).await;
    });
    reactor.shutdown();
    driving.join().unwrap();
}
