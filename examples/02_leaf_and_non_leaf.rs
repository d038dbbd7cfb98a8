//! 02 — Leaf futures and non-leaf futures.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 02_leaf_and_non_leaf
//! ```
//!
//! A *non-leaf* future is what you write with `async`: a pausable computation that awaits
//! other futures. A *leaf* future stands for one resource — a socket read, a finished job —
//! and is made by a reactor, which is what wakes it. This program runs one non-leaf task,
//! the analyst, on Wakewire's local executor. It connects to a data server, sends a request,
//! reads the data, runs a CPU-heavy analysis through `spawn_blocking` (so the executor
//! thread stays free), and sends its report back. Every `.await` in `analyst` is commented
//! with the leaf future it waits on and the reactor that will wake it.
//!
//! Look for: the `[server]` lines interleave with the `[analyst]` lines although both run
//! on one executor thread; during the analysis, the heartbeat task keeps ticking because
//! the CPU work runs on a blocking-pool thread, not on the executor.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use wakewire::blocking::spawn_blocking;
use wakewire::core::{BlockOn, LocalSpawn, ThreadParker};
use wakewire::local::LocalExecutor;
use wakewire::net::{TcpListener, TcpStream};
use wakewire::timer::TimerPark;

const SAMPLES: usize = 200_000;

fn say(who: &str, line: &str) {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    println!(
        "{:>7.1} ms  [{who}] {line}",
        start.elapsed().as_secs_f64() * 1e3
    );
}

/// The data server: answers one request with `SAMPLES` little-endian u32s, then reads the
/// report line back.
async fn server(listener: TcpListener) -> io::Result<String> {
    let (stream, peer) = listener.accept().await?;
    say("server", &format!("accepted {peer}"));
    let mut stream = BufReader::new(stream);
    let mut request = String::new();
    stream.read_line(&mut request).await?;
    say("server", &format!("request: {}", request.trim_end()));
    let mut data = Vec::with_capacity(SAMPLES * 4);
    let mut x: u32 = 2_463_534_242; // xorshift: reproducible "measurements"
    for _ in 0..SAMPLES {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data.extend_from_slice(&(x % 10_000).to_le_bytes());
    }
    stream.get_mut().write_all(&data).await?;
    say("server", &format!("sent {} bytes", data.len()));
    let mut report = String::new();
    stream.read_line(&mut report).await?;
    Ok(report.trim_end().to_string())
}

/// The non-leaf task: a plain `async fn`. It owns no resource itself; every pause is a
/// leaf future lower down.
async fn analyst(addr: SocketAddr) -> io::Result<()> {
    // Leaf: `TcpStream::connect` (socket reactor; waits until the socket is WRITABLE).
    let mut stream = TcpStream::connect(addr).await?;
    say("analyst", "connected");

    // Leaf: a socket write (socket reactor; waits only if the send buffer is full).
    stream.write_all(b"GET samples\n").await?;

    let mut data = vec![0u8; SAMPLES * 4];
    // Leaf: socket reads, again and again until the buffer is full (socket reactor;
    // each wait ends when the kernel reports the socket READABLE).
    stream.read_exact(&mut data).await?;
    say(
        "analyst",
        &format!("received {} bytes; analysing off the executor", data.len()),
    );

    // Leaf: `BlockingTask` (blocking reactor; its event is "the job finished on a pool
    // thread"). The executor thread polls other tasks meanwhile.
    let report = spawn_blocking(move || analyse(&data))
        .await
        .map_err(|err| io::Error::other(err.to_string()))?;
    say("analyst", &format!("analysis done: {report}"));

    // Leaf: a socket write again.
    stream.write_all(format!("{report}\n").as_bytes()).await?;
    Ok(())
}

/// Deliberately CPU-heavy: a mean, a variance and a sort for the median.
fn analyse(bytes: &[u8]) -> String {
    let mut samples: Vec<u32> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let n = samples.len() as f64;
    let mean = samples.iter().map(|&s| f64::from(s)).sum::<f64>() / n;
    let variance = samples
        .iter()
        .map(|&s| (f64::from(s) - mean).powi(2))
        .sum::<f64>()
        / n;
    // Sorting twice makes the job long enough (a few hundred ms in a debug build) to
    // watch the heartbeat go on meanwhile.
    samples.sort_unstable_by(|a, b| b.cmp(a));
    samples.sort_unstable();
    let median = samples[samples.len() / 2];
    format!(
        "n={} mean={mean:.1} sd={:.1} median={median}",
        samples.len(),
        variance.sqrt()
    )
}

fn main() -> io::Result<()> {
    // One thread: the executor's idle wait fires the timer wheel (TimerPark). The sockets
    // use the global socket reactor thread, the analysis the global blocking pool.
    let park = TimerPark::new(ThreadParker::new());
    let timer = park.handle();
    let ex = LocalExecutor::with_park(park);

    let listener = TcpListener::bind("127.0.0.1:0".parse().expect("valid address"))?;
    let addr = listener.local_addr()?;
    let server = ex.spawn_local(server(listener)).expect("executor is alive");
    let heartbeat = ex
        .spawn_local(async move {
            for beat in 1.. {
                // Leaf: `Sleep` (timer reactor, driven here by the executor's own park).
                timer.sleep(Duration::from_millis(20)).await;
                say(
                    "heartbeat",
                    &format!("beat {beat}: the executor thread is free"),
                );
            }
        })
        .expect("executor is alive");

    let report = ex.block_on(async {
        analyst(addr).await?;
        server.await.expect("server task panicked")
    })?;
    heartbeat.cancel();
    say("server", &format!("report received: {report}"));
    Ok(())
}
