//! A TCP echo server, and a client mode that measures throughput.
//!
//! Builds on 01: the leaf futures here come from the socket reactor (`wakewire::net`,
//! crate `wakewire-reactor-mio`), and every `.await` on a socket is one Poll → Wait → Wake
//! cycle whose event is "the kernel says this socket is readable/writable".
//!
//! Shows the two ways of driving the socket reactor: the server runs on a local executor
//! that turns its *own* reactor while idle (`LocalExecutor::with_park(reactor.park())`),
//! the client on a local executor that relies on the *global* reactor thread. When
//! `accept` fails (say, out of file descriptors) the server backs off on a timer
//! (`wakewire::timer::sleep`) instead of retrying in a tight loop.
//!
//! ```text
//! cargo run --release --example echo_server                 # both, in one process
//! cargo run --release --example echo_server -- server 127.0.0.1:7000
//! cargo run --release --example echo_server -- client 127.0.0.1:7000 [CONNS] [MSGS] [SIZE]
//! ```
//!
//! Look for the client's last line: messages per second and MiB/s through the echo, and
//! the reactor counters (events, wakes, stale events — the last should be 0 here).

use std::env;
use std::io;
use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use wakewire::core::Park;
use wakewire::local::LocalExecutor;
use wakewire::net::{Handle, Reactor, TcpListener, TcpStream};
use wakewire::timer::sleep;

/// The first pause after a failed `accept`; it doubles on each failure in a row.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
/// The longest pause between two `accept` attempts while they keep failing.
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Accepts forever (or `limit` connections, then waits for them to finish); echoes each
/// connection on its own task.
fn serve(listener: TcpListener, ex: &LocalExecutor<impl Park>, limit: Option<usize>) {
    let spawner = ex.local_spawner();
    ex.block_on(async move {
        let mut served = 0;
        let mut tasks = Vec::new();
        let mut backoff = ACCEPT_BACKOFF;
        while limit.is_none_or(|limit| served < limit) {
            // Leaf future: `accept` waits for READABLE on the listening socket.
            let (mut conn, _) = match listener.accept().await {
                Ok(accepted) => accepted,
                // This one connection died while queued: the next may be fine.
                Err(err) if err.kind() == io::ErrorKind::ConnectionAborted => continue,
                Err(err) => {
                    // E.g. EMFILE (out of file descriptors): the connection stays queued, so
                    // accepting again at once would fail again, in a tight loop. Back off,
                    // with a timer (a leaf future: the global timer thread wakes this task)
                    // rather than `thread::sleep`, which would stall the connections this
                    // thread echoes — their closing is what frees descriptors.
                    eprintln!("accept failed: {err}; retrying in {backoff:?}");
                    sleep(backoff).await;
                    backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                    continue;
                }
            };
            backoff = ACCEPT_BACKOFF;
            served += 1;
            let task = spawner.spawn_local(async move {
                conn.set_nodelay(true).ok();
                let mut buf = vec![0; 16 * 1024];
                loop {
                    // Leaf future: `read` waits for READABLE; Ok(0) is EOF.
                    match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if conn.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
            tasks.push(task.expect("executor is alive"));
        }
        for task in tasks {
            let _ = task.await; // a connection ends when its client closes it
        }
    });
}

async fn client(addr: SocketAddr, messages: usize, size: usize) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let message = vec![0xA5; size];
    let mut echo = vec![0; size];
    for _ in 0..messages {
        stream.write_all(&message).await?;
        stream.read_exact(&mut echo).await?;
        assert_eq!(echo, message, "echo differs");
    }
    Ok(())
}

fn run_clients(addr: SocketAddr, conns: usize, messages: usize, size: usize) -> io::Result<()> {
    let ex = LocalExecutor::new();
    let start = Instant::now();
    let tasks: Vec<_> = (0..conns)
        .map(|_| {
            ex.spawn_local(client(addr, messages, size))
                .expect("executor is alive")
        })
        .collect();
    ex.block_on(async {
        for task in tasks {
            task.await.expect("client task panicked")?;
        }
        Ok::<(), io::Error>(())
    })?;
    let elapsed = start.elapsed().as_secs_f64();
    let total = (conns * messages) as f64;
    println!(
        "{conns} connections x {messages} messages of {size} B in {elapsed:.3} s: {:.0} msg/s, {:.1} MiB/s echoed",
        total / elapsed,
        total * size as f64 / elapsed / (1024.0 * 1024.0),
    );
    println!("client reactor (global): {:?}", Handle::global()?.metrics());
    Ok(())
}

fn arg<T: std::str::FromStr>(args: &[String], index: usize, default: T) -> T {
    args.get(index)
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() -> io::Result<()> {
    let args: Vec<String> = env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("demo");
    let addr: SocketAddr = arg(&args, 1, "127.0.0.1:0".parse().expect("valid address"));
    let (conns, messages, size) = (arg(&args, 2, 50), arg(&args, 3, 10_000), arg(&args, 4, 64));
    match mode {
        "server" => {
            let reactor = Reactor::new()?;
            let listener = TcpListener::bind_with(addr, &reactor.handle())?;
            println!("echo server on {}", listener.local_addr()?);
            serve(listener, &LocalExecutor::with_park(reactor.park()), None);
            Ok(())
        }
        "client" => run_clients(addr, conns, messages, size),
        "demo" => {
            let reactor = Reactor::new()?;
            let listener = TcpListener::bind_with(addr, &reactor.handle())?;
            let addr = listener.local_addr()?;
            println!("echo server on {addr} (its own reactor, driven by its executor's park)");
            let server = thread::spawn(move || {
                serve(
                    listener,
                    &LocalExecutor::with_park(reactor.park()),
                    Some(conns),
                );
            });
            run_clients(addr, conns, messages, size)?;
            server.join().expect("server thread panicked");
            Ok(())
        }
        other => {
            eprintln!("unknown mode {other:?}: use server, client or demo");
            std::process::exit(2);
        }
    }
}
