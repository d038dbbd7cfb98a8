//! tcp_echo: loopback connections, each sending small messages and reading the echo.

use std::time::{Duration, Instant};

use futures_util::io::{AsyncReadExt, AsyncWriteExt};

use crate::contender::{Contender, Spawner};

/// Echo server and clients in the same runtime: `connections` clients each send
/// `messages` messages of `size` bytes, reading each echo back before the next one.
/// Every byte is checked.
pub(crate) fn tcp_echo<C: Contender>(
    contender: &C,
    connections: usize,
    messages: usize,
    size: usize,
) -> Duration {
    let spawner = contender.spawner();
    let start = Instant::now();
    let echoed = contender.block_on(spawner.clone().spawn(async move {
        let (listener, addr) = spawner.bind().await;
        let clients: Vec<_> = (0..connections)
            .map(|id| {
                let connect = spawner.connect(addr);
                spawner.spawn(async move { client(connect.await, id, messages, size).await })
            })
            .collect();
        let mut servers = Vec::with_capacity(connections);
        for _ in 0..connections {
            let stream = C::Spawner::accept(&listener).await;
            servers.push(spawner.spawn(echo(stream, size)));
        }
        let mut echoed = 0;
        for client in clients {
            echoed += client.await;
        }
        for server in servers {
            assert_eq!(server.await, messages * size, "tcp_echo: server byte count");
        }
        echoed
    }));
    let elapsed = start.elapsed();
    assert_eq!(
        echoed,
        connections * messages,
        "tcp_echo: wrong message count: the run is invalid"
    );
    elapsed
}

/// Sends `messages` messages whose bytes encode `(id, index)`, checks each echo; returns
/// the number of messages echoed intact. Closing the stream ends the server's task.
async fn client<S>(mut stream: S, id: usize, messages: usize, size: usize) -> usize
where
    S: futures_util::io::AsyncRead + futures_util::io::AsyncWrite + Unpin,
{
    let mut out = vec![0u8; size];
    let mut back = vec![0u8; size];
    for index in 0..messages {
        for (offset, byte) in out.iter_mut().enumerate() {
            *byte = (id * 31 + index * 7 + offset) as u8;
        }
        stream
            .write_all(&out)
            .await
            .expect("tcp_echo: client write");
        stream
            .read_exact(&mut back)
            .await
            .expect("tcp_echo: client read");
        assert_eq!(out, back, "tcp_echo: the echo differs from the message");
    }
    messages
}

/// Writes back whatever it reads until end of stream; returns the bytes echoed.
async fn echo<S>(mut stream: S, size: usize) -> usize
where
    S: futures_util::io::AsyncRead + futures_util::io::AsyncWrite + Unpin,
{
    let mut buf = vec![0u8; size.max(4096)];
    let mut total = 0;
    loop {
        let n = stream.read(&mut buf).await.expect("tcp_echo: server read");
        if n == 0 {
            return total;
        }
        stream
            .write_all(&buf[..n])
            .await
            .expect("tcp_echo: server write");
        total += n;
    }
}
