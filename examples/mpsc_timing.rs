//! A quick timing of the mpsc workload (4 producers x 100,000 messages into one
//! bounded(1024) channel, one consumer) for Wakewire's channel and its peers, each run
//! on the same tokio runtime so only the channel differs. Not a benchmark harness (see
//! `bench/`), just a sanity check while tuning:
//!
//! ```text
//! cargo run --release --example mpsc_timing
//! ```
//!
//! Channels: Wakewire's, tokio's mpsc, async-channel, flume and kanal.
//!
//! Look for: ns/msg per channel on a current_thread and a 2-worker multi_thread runtime;
//! the best of 5 rounds, interleaved. A last section times `ping_pong` (1,000 task pairs
//! bounce a value 10 times through fresh oneshots) for Wakewire's oneshot and tokio's.

fn main() {
    timing::main();
}

mod timing {
    use std::time::{Duration, Instant};

    use wakewire::channel::mpsc;

    const PRODUCERS: u64 = 4;
    const PER_PRODUCER: u64 = 100_000;
    const CAPACITY: usize = 1024;

    /// The expected checksum: every value `p * PER_PRODUCER + i` summed.
    fn expected() -> u64 {
        let n = PRODUCERS * PER_PRODUCER;
        n * (n - 1) / 2
    }

    /// The workload on the current tokio runtime for one channel: `$channel` makes
    /// `(tx, rx)`, `$send(tx, value)` and `$recv(rx)` are that channel's async calls
    /// (`recv` yielding an `Option`).
    macro_rules! mpsc_on_tokio {
        ($channel:expr, |$tx:ident, $value:ident| $send:expr, |$rx:ident| $recv:expr) => {{
            let (tx, mut rx) = $channel;
            for p in 0..PRODUCERS {
                let $tx = tx.clone();
                tokio::spawn(async move {
                    for i in 0..PER_PRODUCER {
                        let $value = p * PER_PRODUCER + i;
                        $send.await.unwrap();
                    }
                });
            }
            drop(tx);
            let mut sum = 0;
            loop {
                let $rx = &mut rx;
                match $recv {
                    Some(v) => sum += v,
                    None => break,
                }
            }
            assert_eq!(sum, expected());
        }};
    }

    pub(crate) async fn wakewire() {
        mpsc_on_tokio!(mpsc::bounded(CAPACITY), |tx, v| tx.send(v), |rx| rx
            .recv()
            .await
            .ok())
    }

    pub(crate) async fn tokio_mpsc() {
        mpsc_on_tokio!(
            tokio::sync::mpsc::channel(CAPACITY),
            |tx, v| tx.send(v),
            |rx| rx.recv().await
        )
    }

    pub(crate) async fn async_channel() {
        mpsc_on_tokio!(async_channel::bounded(CAPACITY), |tx, v| tx.send(v), |rx| {
            rx.recv().await.ok()
        })
    }

    pub(crate) async fn flume() {
        mpsc_on_tokio!(flume::bounded(CAPACITY), |tx, v| tx.send_async(v), |rx| rx
            .recv_async()
            .await
            .ok())
    }

    /// kanal's async channel: the fastest known peer (BENCHMARKS.md's "far target").
    pub(crate) async fn kanal() {
        mpsc_on_tokio!(kanal::bounded_async(CAPACITY), |tx, v| tx.send(v), |rx| rx
            .recv()
            .await
            .ok())
    }

    /// Wakewire's channel on Wakewire's own local executor (not a tokio runtime).
    pub(crate) fn wakewire_on_local_executor() -> Duration {
        let ex = wakewire::local::LocalExecutor::new();
        let start = Instant::now();
        let (tx, mut rx) = mpsc::bounded(CAPACITY);
        for p in 0..PRODUCERS {
            let tx = tx.clone();
            let producer = ex.spawn_local(async move {
                for i in 0..PER_PRODUCER {
                    tx.send(p * PER_PRODUCER + i).await.unwrap();
                }
            });
            drop(producer.unwrap());
        }
        drop(tx);
        let sum = ex.block_on(async move {
            let mut sum = 0;
            while let Ok(v) = rx.recv().await {
                sum += v;
            }
            sum
        });
        assert_eq!(sum, expected());
        start.elapsed()
    }

    /// 1,000 pairs of tasks bounce a counter 10 times, one fresh oneshot per hop.
    pub(crate) async fn ping_pong_wakewire() {
        use wakewire::channel::oneshot;
        let mut pairs = Vec::new();
        for _ in 0..1000 {
            let (to_pong, mut inbox) = mpsc::unbounded::<(u32, oneshot::Sender<u32>)>();
            tokio::spawn(async move {
                while let Ok((n, reply)) = inbox.recv().await {
                    reply.send(n + 1).unwrap();
                }
            });
            pairs.push(tokio::spawn(async move {
                let mut n = 0;
                for _ in 0..10 {
                    let (reply_tx, reply_rx) = oneshot::channel();
                    to_pong.try_send((n, reply_tx)).unwrap();
                    n = reply_rx.await.unwrap();
                }
                assert_eq!(n, 10);
            }));
        }
        for pair in pairs {
            pair.await.unwrap();
        }
    }

    /// The same with tokio's oneshot and unbounded mpsc.
    pub(crate) async fn ping_pong_tokio() {
        use tokio::sync::{mpsc as tmpsc, oneshot};
        let mut pairs = Vec::new();
        for _ in 0..1000 {
            let (to_pong, mut inbox) = tmpsc::unbounded_channel::<(u32, oneshot::Sender<u32>)>();
            tokio::spawn(async move {
                while let Some((n, reply)) = inbox.recv().await {
                    reply.send(n + 1).unwrap();
                }
            });
            pairs.push(tokio::spawn(async move {
                let mut n = 0;
                for _ in 0..10 {
                    let (reply_tx, reply_rx) = oneshot::channel();
                    to_pong.send((n, reply_tx)).unwrap();
                    n = reply_rx.await.unwrap();
                }
                assert_eq!(n, 10);
            }));
        }
        for pair in pairs {
            pair.await.unwrap();
        }
    }

    pub(crate) fn ping_pong(rt_name: &str, rt: &tokio::runtime::Runtime) {
        let mut best = [Duration::MAX; 2];
        for _round in 0..5 {
            let start = Instant::now();
            rt.block_on(ping_pong_wakewire());
            best[0] = best[0].min(start.elapsed());
            let start = Instant::now();
            rt.block_on(ping_pong_tokio());
            best[1] = best[1].min(start.elapsed());
        }
        for (name, time) in [("wakewire", best[0]), ("tokio", best[1])] {
            let ns = time.as_nanos() as f64 / 10_000.0;
            println!("{rt_name:16} ping_pong {name:9} {ns:7.1} ns/round trip");
        }
    }

    type Workload = (&'static str, fn(&tokio::runtime::Runtime));

    pub(crate) fn main() {
        let best_local = (0..5).map(|_| wakewire_on_local_executor()).min().unwrap();
        let ns = best_local.as_nanos() as f64 / (PRODUCERS * PER_PRODUCER) as f64;
        println!("{:16} {:14} {ns:7.1} ns/msg", "wakewire-local", "wakewire");
        let runtimes = [
            (
                "current_thread",
                tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap(),
            ),
            (
                "multi_thread(2)",
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .build()
                    .unwrap(),
            ),
        ];
        let workloads: [Workload; 5] = [
            ("wakewire", |rt| rt.block_on(wakewire())),
            ("tokio mpsc", |rt| rt.block_on(tokio_mpsc())),
            ("async-channel", |rt| rt.block_on(async_channel())),
            ("flume", |rt| rt.block_on(flume())),
            ("kanal", |rt| rt.block_on(kanal())),
        ];
        for (rt_name, rt) in &runtimes {
            let mut best = [Duration::MAX; 5];
            for _round in 0..5 {
                for (i, (_, run)) in workloads.iter().enumerate() {
                    let start = Instant::now();
                    run(rt);
                    best[i] = best[i].min(start.elapsed());
                }
            }
            for (i, (name, _)) in workloads.iter().enumerate() {
                let ns = best[i].as_nanos() as f64 / (PRODUCERS * PER_PRODUCER) as f64;
                println!("{rt_name:16} {name:14} {ns:7.1} ns/msg");
            }
        }
        for (rt_name, rt) in &runtimes {
            ping_pong(rt_name, rt);
        }
    }
}
