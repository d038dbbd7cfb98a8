//! Executor-only workloads: spawn_many, spawn_remote, yield_many, chained_spawn.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use crate::contender::{Contender, OneshotSender, Spawner};
use crate::util::yield_now;

fn check(workload: &str, what: &str, got: usize, expected: usize) {
    assert_eq!(
        got, expected,
        "{workload}: wrong {what}: the run is invalid"
    );
}

/// Spawn `n` empty tasks from inside a task, await all.
pub(crate) fn spawn_many<C: Contender>(contender: &C, n: usize) -> Duration {
    let spawner = contender.spawner();
    let start = Instant::now();
    let done = contender.block_on(spawner.clone().spawn(async move {
        let handles: Vec<_> = (0..n).map(|_| spawner.spawn(async { 1usize })).collect();
        let mut done = 0;
        for handle in handles {
            done += handle.await;
        }
        done
    }));
    let elapsed = start.elapsed();
    check("spawn_many", "completions", done, n);
    elapsed
}

/// Spawn `n` empty tasks from a thread outside the runtime, await all.
pub(crate) fn spawn_remote<C: Contender>(contender: &C, n: usize) -> Duration {
    let spawner = contender.spawner();
    let (tx, rx) = C::Spawner::oneshot();
    let start = Instant::now();
    let outside = thread::spawn(move || {
        let handles: Vec<_> = (0..n).map(|_| spawner.spawn(async { 1usize })).collect();
        tx.send(handles);
    });
    let done = contender.block_on(async move {
        let mut done = 0;
        for handle in rx.await {
            done += handle.await;
        }
        done
    });
    let elapsed = start.elapsed();
    outside
        .join()
        .expect("spawn_remote: the spawning thread panicked");
    check("spawn_remote", "completions", done, n);
    elapsed
}

/// `tasks` tasks each yield `yields` times through the scheduler.
pub(crate) fn yield_many<C: Contender>(contender: &C, tasks: usize, yields: usize) -> Duration {
    let spawner = contender.spawner();
    let start = Instant::now();
    let done = contender.block_on(spawner.clone().spawn(async move {
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                spawner.spawn(async move {
                    for _ in 0..yields {
                        yield_now().await;
                    }
                    yields
                })
            })
            .collect();
        let mut done = 0;
        for handle in handles {
            done += handle.await;
        }
        done
    }));
    let elapsed = start.elapsed();
    check("yield_many", "yield count", done, tasks * yields);
    elapsed
}

/// A chain of `n` tasks, each spawning the next (detached); the last reports its depth.
pub(crate) fn chained_spawn<C: Contender>(contender: &C, n: usize) -> Duration {
    let spawner = contender.spawner();
    let (tx, rx) = C::Spawner::oneshot();
    let start = Instant::now();
    let depth = contender.block_on(async move {
        spawner.spawn_detached(Link {
            spawner: spawner.clone(),
            depth: 1,
            length: n,
            done: Some(tx),
        });
        rx.await
    });
    let elapsed = start.elapsed();
    check("chained_spawn", "chain length", depth, n);
    elapsed
}

/// One task of the chain: spawns the next link, or reports when it is the last.
struct Link<S: Spawner> {
    spawner: S,
    depth: usize,
    length: usize,
    done: Option<S::Tx<usize>>,
}

impl<S: Spawner> Unpin for Link<S> {}

impl<S: Spawner> Future for Link<S> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        let done = self.done.take().expect("a link is polled once");
        if self.depth == self.length {
            done.send(self.depth);
        } else {
            let next = Link {
                spawner: self.spawner.clone(),
                depth: self.depth + 1,
                length: self.length,
                done: Some(done),
            };
            self.spawner.spawn_detached(next);
        }
        Poll::Ready(())
    }
}
