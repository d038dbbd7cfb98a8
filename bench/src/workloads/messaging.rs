//! Workloads that wake tasks: ping_pong (oneshot round trips between task pairs) and
//! wake_latency (a thread outside the runtime wakes a parked task).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use wakewire_core::waker::WakerSlot;

use crate::contender::{Contender, OneshotSender, Spawner};

/// A message that carries the sender for its own reply.
struct Msg<S: Spawner> {
    hops: usize,
    reply: S::Tx<Msg<S>>,
}

/// `pairs` pairs of tasks bounce a message `round_trips` times, each hop through a fresh
/// oneshot whose sender travels in the previous message.
pub(crate) fn ping_pong<C: Contender>(contender: &C, pairs: usize, round_trips: usize) -> Duration {
    let spawner = contender.spawner();
    let start = Instant::now();
    let total = contender.block_on(spawner.clone().spawn(async move {
        let mut pings = Vec::with_capacity(pairs);
        let mut pongs = Vec::with_capacity(pairs);
        for _ in 0..pairs {
            let (to_pong, pong_inbox) = C::Spawner::oneshot::<Msg<C::Spawner>>();
            pongs.push(spawner.spawn(pong::<C::Spawner>(pong_inbox, round_trips)));
            pings.push(spawner.spawn(ping::<C::Spawner>(to_pong, round_trips)));
        }
        let mut total = 0;
        for (ping, pong) in pings.into_iter().zip(pongs) {
            total += ping.await + pong.await;
        }
        total
    }));
    let elapsed = start.elapsed();
    let expected = pairs * (2 * round_trips + round_trips);
    assert_eq!(
        total, expected,
        "ping_pong: wrong hop count: the run is invalid"
    );
    elapsed
}

async fn ping<S: Spawner>(mut to_pong: S::Tx<Msg<S>>, round_trips: usize) -> usize {
    let mut hops = 0;
    for round in 0..round_trips {
        let (reply, inbox) = S::oneshot();
        to_pong.send(Msg {
            hops: 2 * round,
            reply,
        });
        let answer = inbox.await;
        assert_eq!(answer.hops, 2 * round + 1, "ping_pong: out-of-order reply");
        hops = answer.hops + 1;
        to_pong = answer.reply;
    }
    hops
}

async fn pong<S: Spawner>(mut inbox: S::Rx<Msg<S>>, round_trips: usize) -> usize {
    for _ in 0..round_trips {
        let msg = inbox.await;
        let (reply, next_inbox) = S::oneshot();
        msg.reply.send(Msg {
            hops: msg.hops + 1,
            reply,
        });
        inbox = next_inbox;
    }
    round_trips
}

/// Shared between the parked task and the thread that rings it.
#[derive(Default)]
struct Bell {
    /// The last ring the outside thread made.
    rung: AtomicU64,
    /// The ring the task is parked waiting for.
    armed: AtomicU64,
    waker: WakerSlot,
}

/// Resolves once `bell.rung >= ring`.
struct WaitRing {
    bell: Arc<Bell>,
    ring: u64,
}

impl Future for WaitRing {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.bell.waker.register(cx.waker());
        if self.bell.rung.load(Ordering::Acquire) >= self.ring {
            return Poll::Ready(());
        }
        self.bell.armed.store(self.ring, Ordering::Release);
        Poll::Pending
    }
}

/// A task parks `wakes` times; each time a thread outside the runtime sees it parked and
/// wakes it. One op = wake → poll → park again.
pub(crate) fn wake_latency<C: Contender>(contender: &C, wakes: usize) -> Duration {
    let wakes = wakes as u64;
    let bell = Arc::new(Bell::default());
    let spawner = contender.spawner();
    let ringer = {
        let bell = Arc::clone(&bell);
        thread::spawn(move || {
            for ring in 1..=wakes {
                while bell.armed.load(Ordering::Acquire) < ring {
                    thread::yield_now();
                }
                bell.rung.store(ring, Ordering::Release);
                bell.waker.wake();
            }
        })
    };
    // The ringer waits until the task is parked, so its thread start is not timed.
    let start = Instant::now();
    let parked = contender.block_on(spawner.spawn(async move {
        let mut parked = 0;
        for ring in 1..=wakes {
            WaitRing {
                bell: Arc::clone(&bell),
                ring,
            }
            .await;
            parked += 1;
        }
        parked
    }));
    let elapsed = start.elapsed();
    ringer
        .join()
        .expect("wake_latency: the ringing thread panicked");
    assert_eq!(
        parked, wakes,
        "wake_latency: wrong wake count: the run is invalid"
    );
    elapsed
}
