//! async-io's leaf futures (`Async<TcpStream>`, `Timer`) and smol-timeout's `TimeoutExt`
//! complete on Wakewire's local and pool executors, each with a plain thread parker and
//! with Wakewire's timer park. async-io's reactor runs on its own `async-io` thread.

mod util;

use std::future::{pending, ready};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use async_io::Async;
use smol_timeout::TimeoutExt;
use wakewire_adapter_smol::AsyncIoTimer;
use wakewire_core::timer::{timeout, Elapsed, Timer};

/// A TCP round trip on loopback through async-io's reactor.
async fn tcp_echo() {
    let listener = Async::<TcpListener>::bind(([127, 0, 0, 1], 0)).unwrap();
    let address = listener.get_ref().local_addr().unwrap();
    let client = Async::<TcpStream>::connect(address);
    let accept = listener.accept();
    // Connect first (it waits for writability), then accept (it waits for readability).
    let client = client.await.unwrap();
    let (server, _) = accept.await.unwrap();
    client.write_with(|s| (&*s).write(b"ping")).await.unwrap();
    let mut buffer = [0; 4];
    let mut filled = 0;
    while filled < 4 {
        filled += server
            .read_with(|s| (&*s).read(&mut buffer[filled..]))
            .await
            .unwrap();
    }
    assert_eq!(&buffer, b"ping");
}

/// async-io's timer directly and through the generic `Timer` trait.
async fn timers() {
    async_io::Timer::after(Duration::from_millis(5)).await;
    AsyncIoTimer.sleep(Duration::from_millis(5)).await;
    assert_eq!(
        timeout(&AsyncIoTimer, Duration::from_millis(5), pending::<()>()).await,
        Err(Elapsed::new())
    );
}

/// smol-timeout's `TimeoutExt`: `None` when the timer wins, `Some` when the future does.
async fn smol_timeout() {
    assert_eq!(
        pending::<()>().timeout(Duration::from_millis(5)).await,
        None
    );
    assert_eq!(ready(3).timeout(Duration::from_secs(3600)).await, Some(3));
}

on_each_executor!(async_io_tcp_stream, tcp_echo);
on_each_executor!(async_io_timer, timers);
on_each_executor!(smol_timeout_ext, smol_timeout);
