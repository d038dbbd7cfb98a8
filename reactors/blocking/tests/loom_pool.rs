//! Loom models of the pool's growth rule and the job cell: no job is stranded in the queue
//! and no completion wakeup is lost, in every interleaving (a lost one shows up as a
//! deadlock: the waiter parks forever).
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!  cargo test -p wakewire-reactor-blocking --release --test loom_pool`
#![cfg(loom)]

use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;

use wakewire_reactor_blocking::BlockingPool;

#[test]
fn loom_two_waiters_on_two_threads_get_their_values() {
    loom::model(|| {
        let pool = Arc::new(BlockingPool::builder().max_threads(2).build());
        let other = {
            let pool = Arc::clone(&pool);
            thread::spawn(move || block_on(pool.spawn(|| 1)).unwrap())
        };
        let mine = block_on(pool.spawn(|| 2)).unwrap();
        assert_eq!(mine + other.join().unwrap(), 3);
    });
}

#[test]
fn loom_jobs_in_turn_reuse_the_finishing_thread() {
    loom::model(|| {
        let pool = BlockingPool::builder().max_threads(2).build();
        let first = block_on(pool.spawn(|| 1)).unwrap();
        let second = block_on(pool.spawn(|| 2)).unwrap();
        assert_eq!(first + second, 3);
        assert_eq!(pool.metrics().threads_started, 1);
    });
}

#[test]
fn loom_shutdown_races_a_queued_job() {
    loom::model(|| {
        let pool = Arc::new(BlockingPool::builder().max_threads(1).build());
        let job = pool.spawn(|| 7);
        let closer = {
            let pool = Arc::clone(&pool);
            thread::spawn(move || drop(pool))
        };
        drop(pool);
        // Either the job ran, or the shutdown refused it: the future resolves either way.
        match block_on(job) {
            Ok(value) => assert_eq!(value, 7),
            Err(err) => assert!(err.is_shutdown()),
        }
        closer.join().unwrap();
    });
}

#[test]
fn loom_cancel_races_the_start() {
    loom::model(|| {
        let pool = BlockingPool::builder().max_threads(1).build();
        let ran = Arc::new(loom::sync::atomic::AtomicBool::new(false));
        let job = pool.spawn({
            let ran = Arc::clone(&ran);
            move || ran.store(true, loom::sync::atomic::Ordering::SeqCst)
        });
        drop(job);
        // The next job's completion proves the pool went past the cancelled one.
        block_on(pool.spawn(|| ())).unwrap();
    });
}

#[test]
fn loom_dropping_the_future_races_the_completion() {
    use loom::sync::atomic::{AtomicUsize, Ordering};

    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let made = Arc::new(AtomicUsize::new(0));
        let pool = BlockingPool::builder().max_threads(1).build();
        let job = pool.spawn({
            let (drops, made) = (Arc::clone(&drops), Arc::clone(&made));
            move || {
                made.fetch_add(1, Ordering::SeqCst);
                Counted(drops)
            }
        });
        let dropper = thread::spawn(move || drop(job));
        dropper.join().unwrap();
        // One thread, FIFO: once the next job is done, the first is fully settled.
        block_on(pool.spawn(|| ())).unwrap();
        // Cancelled (never made), abandoned while running, or dropped with its unread
        // result: a value that was made is dropped exactly once.
        assert_eq!(drops.load(Ordering::SeqCst), made.load(Ordering::SeqCst));
    });
}
