//! `join!` and `select!` from `futures-util` on Wakewire parts: nothing to rewrite.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example join_and_select
//! ```
//!
//! The combinators of the futures ecosystem are plain futures: they poll their children
//! with the waker they were given, so they run on any executor and over any reactor's
//! leaf futures. Here, on a `wakewire::Runtime` (the pool, with the timer and socket
//! reactors driven by idle workers):
//!
//! 1. `join!` waits for two timer sleeps *together*: the pair takes as long as the longer
//!    one, not the sum.
//! 2. `select!` races a channel's `recv` against a timer sleep in a loop: messages that
//!    arrive in time win, and the timer ends the loop once the sender goes quiet.
//! 3. `future::select` races two spawned tasks' join handles; the loser keeps running.
//!
//! Look for: the `join!` pair ending after ~60 ms (not ~100 ms), three messages then the
//! timeout, and the fast task winning.

use std::time::{Duration, Instant};

use futures_util::future::{self, Either, FutureExt};
use futures_util::{join, pin_mut, select};
use wakewire::channel::mpsc;
use wakewire::timer::sleep;
use wakewire::Runtime;

fn main() {
    let runtime = Runtime::new().expect("the runtime starts");
    let spawner = runtime.spawner();
    runtime.block_on(async {
        // 1. join!: both sleeps are registered at once, so they overlap.
        let started = Instant::now();
        let ((), ()) = join!(
            sleep(Duration::from_millis(40)),
            sleep(Duration::from_millis(60))
        );
        let took = started.elapsed();
        println!("join!: sleeps of 40 ms and 60 ms together took {took:.0?}");
        assert!(
            took < Duration::from_millis(100),
            "join! ran them one after the other"
        );

        // 2. select!: a receive raced against a deadline that restarts after each message.
        let (tx, mut rx) = mpsc::bounded::<u32>(4);
        let producer = spawner
            .spawn(async move {
                for n in 1..=3 {
                    sleep(Duration::from_millis(10)).await;
                    tx.send(n).await.expect("the receiver is alive");
                }
                // Keep the channel open but quiet: only the deadline can end the loop below.
                sleep(Duration::from_millis(500)).await;
                drop(tx);
            })
            .expect("the runtime runs");
        loop {
            let message = rx.recv().fuse();
            let deadline = sleep(Duration::from_millis(100)).fuse();
            pin_mut!(message, deadline);
            select! {
                received = message => match received {
                    Ok(n) => println!("select!: message {n} arrived before the deadline"),
                    Err(_) => break println!("select!: the channel closed"),
                },
                () = deadline => break println!("select!: no message for 100 ms, giving up"),
            }
        }
        producer.cancel();

        // 3. future::select over two join handles: the first to finish wins.
        let slow = spawner.spawn(async {
            sleep(Duration::from_millis(80)).await;
            "slow"
        });
        let fast = spawner.spawn(async {
            sleep(Duration::from_millis(20)).await;
            "fast"
        });
        let (slow, fast) = (
            slow.expect("the runtime runs"),
            fast.expect("the runtime runs"),
        );
        match future::select(slow, fast).await {
            Either::Left((winner, _)) | Either::Right((winner, _)) => {
                let winner = winner.expect("the task did not panic");
                println!("future::select: the {winner} task finished first");
                assert_eq!(winner, "fast");
            }
        }
    });
}
