//! A peer that resets (SO_LINGER=0) while one task reads and another writes, and a
//! peer that half-closes; both tasks resolve, with the documented results.

use std::io::{ErrorKind, Read};
use std::net::{Shutdown, SocketAddr};
use std::time::Duration;

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_mio::{Handle, TcpListener, TcpStream};

/// A connection whose server side is ours and whose client side is a blocking std socket.
fn connect(handle: &Handle) -> (TcpStream, std::net::TcpStream) {
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let listener = TcpListener::bind_with(loopback, handle).unwrap();
    let peer = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (ours, _) = futures_executor::block_on(listener.accept()).unwrap();
    (ours, peer)
}

#[test]
fn fault_peer_reset_and_half_close() {
    let _watchdog =
        wakewire_test_util::watchdog("fault_peer_reset_and_half_close", Duration::from_secs(20));
    let driver = wakewire_test_util::MioReactorThread::start();
    let handle = driver.handle();
    let baseline = handle.metrics().registrations;
    let ex = LocalExecutor::new();

    // RST while a read and a write are both pending.
    let (ours, peer) = connect(&handle);
    let (mut read_half, mut write_half) = ours.into_split();
    let reader = ex
        .spawn_local(async move {
            let mut buf = [0; 64];
            read_half.read(&mut buf).await
        })
        .unwrap();
    let writer = ex
        .spawn_local(async move {
            let chunk = vec![0u8; 64 * 1024];
            for _ in 0..10_000 {
                write_half.write_all(&chunk).await?; // fills the buffers, then waits
            }
            Ok::<(), std::io::Error>(())
        })
        .unwrap();
    let _ = ex.run_until_stalled();
    assert_eq!(ex.metrics().live_tasks, 2, "both tasks wait on the socket");
    let peer = socket2::Socket::from(peer);
    peer.set_linger(Some(Duration::ZERO)).unwrap();
    drop(peer); // close with SO_LINGER=0: the kernel sends RST
    let (read, write) = ex.block_on(async { (reader.await.unwrap(), writer.await.unwrap()) });
    // The kernel reports a reset once, to whichever call comes first; after it, reads see
    // EOF and writes EPIPE. So: the reader gets the reset or EOF, the writer the reset or
    // a broken pipe, and the reset itself reaches one of them.
    let read_kind = match read {
        Ok(n) => {
            assert_eq!(n, 0, "no data was ever sent");
            None
        }
        Err(err) => Some(err.kind()),
    };
    assert!(
        matches!(read_kind, None | Some(ErrorKind::ConnectionReset)),
        "{read_kind:?}"
    );
    let write_kind = write.unwrap_err().kind();
    assert!(
        matches!(
            write_kind,
            ErrorKind::ConnectionReset | ErrorKind::BrokenPipe
        ),
        "{write_kind:?}"
    );
    assert!(
        read_kind == Some(ErrorKind::ConnectionReset) || write_kind == ErrorKind::ConnectionReset,
        "the reset was swallowed: read {read_kind:?}, write {write_kind:?}"
    );
    assert_eq!(
        handle.metrics().registrations,
        baseline,
        "registration removed"
    );

    // Half close: EOF on every read, while writes still reach the peer.
    let (mut ours, mut peer) = connect(&handle);
    peer.shutdown(Shutdown::Write).unwrap();
    ex.block_on(async {
        let mut buf = [0; 16];
        for _ in 0..3 {
            assert_eq!(ours.read(&mut buf).await.unwrap(), 0);
        }
        ours.write_all(b"still open").await.unwrap();
        ours.close().await.unwrap();
    });
    let mut got = Vec::new();
    peer.read_to_end(&mut got).unwrap();
    assert_eq!(got, b"still open");
    drop(ours);
    assert_eq!(handle.metrics().registrations, baseline);
}
