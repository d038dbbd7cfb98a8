//! The `tcp_echo` workload (50 loopback connections x 10,000 64-byte messages, each read
//! back before the next is sent) on one thread, side by side with tokio's current-thread
//! runtime, interleaved in one process.
//!
//! ```text
//! cargo run --release --example mio_echo_vs_tokio [-- ROUNDS [MESSAGES [ONLY]]]
//! ```
//!
//! Contenders (server and clients on the same single thread each time):
//! - `wakewire park`: local executor driving its own mio reactor while idle;
//! - `wakewire thread`: local executor, global reactor on its own thread (a thread hop
//!   per event, the price of needing no setup);
//! - `tokio current_thread`: tokio's own executor and I/O driver.
//!
//! Look at the ratio lines: median ns per message of each contender over tokio's, in wall
//! time and in CPU time (user + system, all threads; steadier on a loaded machine). The
//! machine is shared and noisy: only ratios from one run mean anything.

use std::env;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use wakewire::core::Park;
use wakewire::local::LocalExecutor;
use wakewire::net::{Handle, Reactor, TcpListener, TcpStream};

const CONNECTIONS: usize = 50;
const SIZE: usize = 64;

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().expect("valid address")
}

/// Runs the echo on a wakewire local executor; returns elapsed seconds.
fn wakewire<P: Park>(ex: LocalExecutor<P>, handle: Handle, messages: usize) -> f64 {
    let listener = TcpListener::bind_with(loopback(), &handle).expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let spawner = ex.local_spawner();
    let start = Instant::now();
    ex.block_on(async move {
        let mut tasks = Vec::new();
        for _ in 0..CONNECTIONS {
            let handle = handle.clone();
            tasks.push(spawner.spawn_local(async move {
                let mut stream = TcpStream::connect_with(addr, &handle).await?;
                stream.set_nodelay(true)?;
                ping(&mut stream, messages).await
            }));
        }
        for _ in 0..CONNECTIONS {
            let (mut conn, _) = listener.accept().await.expect("accept");
            conn.set_nodelay(true).expect("nodelay");
            tasks.push(spawner.spawn_local(async move { echo(&mut conn).await }));
        }
        for task in tasks {
            task.expect("spawn").await.expect("task").expect("echo I/O");
        }
    });
    start.elapsed().as_secs_f64()
}

async fn ping<S: futures_util::io::AsyncRead + futures_util::io::AsyncWrite + Unpin>(
    stream: &mut S,
    messages: usize,
) -> io::Result<()> {
    let message = [7u8; SIZE];
    let mut back = [0u8; SIZE];
    for _ in 0..messages {
        stream.write_all(&message).await?;
        stream.read_exact(&mut back).await?;
        assert_eq!(back, message);
    }
    Ok(())
}

async fn echo<S: futures_util::io::AsyncRead + futures_util::io::AsyncWrite + Unpin>(
    stream: &mut S,
) -> io::Result<()> {
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}

fn tokio_current_thread(messages: usize) -> f64 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(loopback())
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..CONNECTIONS {
            tasks.push(tokio::spawn(async move {
                let mut stream = tokio::net::TcpStream::connect(addr).await?;
                stream.set_nodelay(true)?;
                let message = [7u8; SIZE];
                let mut back = [0u8; SIZE];
                for _ in 0..messages {
                    stream.write_all(&message).await?;
                    stream.read_exact(&mut back).await?;
                    assert_eq!(back, message);
                }
                Ok::<(), io::Error>(())
            }));
        }
        for _ in 0..CONNECTIONS {
            let (mut conn, _) = listener.accept().await.expect("accept");
            conn.set_nodelay(true).expect("nodelay");
            tasks.push(tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                loop {
                    let n = conn.read(&mut buf).await?;
                    if n == 0 {
                        return Ok(());
                    }
                    conn.write_all(&buf[..n]).await?;
                }
            }));
        }
        for task in tasks {
            task.await.expect("task").expect("echo I/O");
        }
        start.elapsed().as_secs_f64()
    })
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN)
}

/// CPU time (user + system) of the whole process, every thread included.
fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` points to writable memory for one rusage, which getrusage fills.
    let usage = unsafe {
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()), 0);
        usage.assume_init()
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Wall and CPU ns per message of one contender, over the rounds.
#[derive(Default)]
struct Samples {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

/// Runs one contender once (unless `only` names another) and records ns per message.
fn measure(
    key: &str,
    name: &str,
    only: Option<&str>,
    samples: &mut Samples,
    messages: usize,
    run: impl FnOnce() -> f64,
) {
    if only.is_some_and(|only| only != key) {
        return;
    }
    let per_message = 1e9 / (CONNECTIONS * messages) as f64;
    let cpu_before = cpu_seconds();
    let wall = run() * per_message;
    let cpu = (cpu_seconds() - cpu_before) * per_message;
    samples.wall.push(wall);
    samples.cpu.push(cpu);
    println!("  {name:<22} {wall:>8.0} ns/msg wall {cpu:>8.0} ns/msg CPU");
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let rounds: usize = args.first().and_then(|v| v.parse().ok()).unwrap_or(5);
    let messages: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(10_000);
    // `park`, `thread` or `tokio`: run one contender alone (for profiling with strace/perf).
    let only = args.get(2).map(String::as_str);
    let (mut park, mut thread, mut tokio) =
        (Samples::default(), Samples::default(), Samples::default());
    for round in 0..rounds {
        println!("round {}", round + 1);
        measure("park", "wakewire park", only, &mut park, messages, || {
            let reactor = Reactor::new().expect("reactor");
            let handle = reactor.handle();
            wakewire(LocalExecutor::with_park(reactor.park()), handle, messages)
        });
        measure(
            "thread",
            "wakewire thread",
            only,
            &mut thread,
            messages,
            || {
                let handle = Handle::global().expect("global reactor");
                wakewire(LocalExecutor::new(), handle, messages)
            },
        );
        measure(
            "tokio",
            "tokio current_thread",
            only,
            &mut tokio,
            messages,
            || tokio_current_thread(messages),
        );
    }
    println!("\nmedians over {rounds} rounds ({CONNECTIONS} conns x {messages} msgs x {SIZE} B), ratio = contender / tokio:");
    let (tokio_wall, tokio_cpu) = (median(tokio.wall), median(tokio.cpu));
    for (name, samples) in [("wakewire park", park), ("wakewire thread", thread)] {
        let (wall, cpu) = (median(samples.wall), median(samples.cpu));
        println!(
            "  {name:<22} wall {wall:>8.0} ns/msg (ratio {:.2})   CPU {cpu:>8.0} ns/msg (ratio {:.2})",
            wall / tokio_wall,
            cpu / tokio_cpu
        );
    }
    println!(
        "  {:<22} wall {tokio_wall:>8.0} ns/msg              CPU {tokio_cpu:>8.0} ns/msg",
        "tokio current_thread"
    );
}
