//! `ReactorPark` keeps the core `Park` contract: an unpark before park is not lost,
//! `park_timeout(ZERO)` never blocks, `Duration::MAX` neither panics nor overflows; it
//! stacks under the timer's park (one idle thread drives both, also when the pool's
//! workers share the stack through `SharedPark`); and a panicking waker
//! does not stop the reactor from waking the others.

use std::io;
use std::panic;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use std::thread;
use std::time::Duration;

use futures_io::AsyncRead;
use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use wakewire_core::waker::counting_waker;
use wakewire_core::{Park, Unpark};
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_mio::{Reactor, UnixStream};
use wakewire_reactor_timer::TimerPark;

#[test]
fn unpark_before_park_is_not_lost() {
    let _watchdog = wakewire_test_util::watchdog("unpark_before_park", Duration::from_secs(10));
    let mut park = Reactor::new().unwrap().park();
    park.unparker().unpark();
    park.park().unwrap(); // returns at once: the wakeup was recorded
    park.park_timeout(Duration::ZERO).unwrap();
}

#[test]
fn huge_timeouts_block_until_unparked() {
    let _watchdog = wakewire_test_util::watchdog("huge_timeouts", Duration::from_secs(10));
    let mut park = Reactor::new().unwrap().park();
    for timeout in [Duration::MAX, Duration::from_secs(u64::MAX / 10)] {
        let unpark = park.unparker();
        let waker = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            unpark.unpark();
        });
        park.park_timeout(timeout).unwrap();
        waker.join().unwrap();
    }
}

/// Timer park over reactor park over epoll: sleeps, timeouts and socket reads all
/// complete on the executor's one thread, with no timer or reactor thread.
#[test]
fn timer_park_stacks_over_reactor_park() {
    let _watchdog = wakewire_test_util::watchdog("timer_over_reactor", Duration::from_secs(10));
    let reactor = Reactor::new().unwrap();
    let io = reactor.handle();
    let park = TimerPark::new(reactor.park());
    let timer = park.handle();
    let ex = LocalExecutor::with_park(park);
    ex.block_on(async {
        let (mut a, mut b) = UnixStream::pair_with(&io).unwrap();
        let mut buf = [0; 4];
        // Nothing to read: the timer (top layer) ends the wait in the reactor (bottom).
        let waited = timer
            .timeout(Duration::from_millis(20), a.read(&mut buf))
            .await;
        assert!(waited.is_err(), "the read had nothing to return");
        timer.sleep(Duration::from_millis(5)).await;
        b.write_all(b"late").await.unwrap();
        let read = timer
            .timeout(Duration::from_secs(5), a.read_exact(&mut buf))
            .await;
        read.unwrap().unwrap();
        assert_eq!(&buf, b"late");
    });
}

/// The same stack shared by the pool's two workers: whichever is idle drives timer and
/// epoll (core's `SharedPark`), and tasks on both workers get their timer and I/O events.
#[test]
fn timer_over_reactor_shared_by_pool_workers() {
    let _watchdog = wakewire_test_util::watchdog("shared_stack_on_pool", Duration::from_secs(20));
    let reactor = Reactor::new().unwrap();
    let io = reactor.handle();
    let park = TimerPark::new(reactor.park());
    let timer = park.handle();
    let shared = wakewire_core::park::SharedPark::new(park);
    let pool = wakewire_executor_pool::Pool::builder()
        .workers(2)
        .park_with(move |_| shared.worker())
        .build();
    let tasks: Vec<_> = (0..8u8)
        .map(|i| {
            let (io, timer) = (io.clone(), timer.clone());
            wakewire_core::Spawn::spawn(&pool, async move {
                let (mut a, mut b) = UnixStream::pair_with(&io).unwrap();
                timer
                    .sleep(Duration::from_millis(u64::from(i % 4) + 1))
                    .await;
                b.write_all(&[i; 4]).await.unwrap();
                let mut buf = [0; 4];
                timer
                    .timeout(Duration::from_secs(10), a.read_exact(&mut buf))
                    .await
                    .expect("the read completed before the timeout")
                    .unwrap();
                buf
            })
            .unwrap()
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(pool.block_on(task).unwrap(), [i as u8; 4]);
    }
}

struct Panicky;

impl Wake for Panicky {
    fn wake(self: Arc<Self>) {
        panic!("this waker panics on purpose");
    }
}

fn poll_read(stream: &mut UnixStream, waker: &Waker) -> bool {
    let mut buf = [0; 8];
    let result: std::task::Poll<io::Result<usize>> =
        Pin::new(stream).poll_read(&mut Context::from_waker(waker), &mut buf);
    result.is_pending()
}

#[test]
fn panicking_waker_does_not_stop_the_others() {
    let _watchdog = wakewire_test_util::watchdog("panicking_waker", Duration::from_secs(10));
    let mut reactor = Reactor::new().unwrap();
    let handle = reactor.handle();
    let (mut a, mut a_peer) = UnixStream::pair_with(&handle).unwrap();
    let (mut b, mut b_peer) = UnixStream::pair_with(&handle).unwrap();
    reactor.turn(Some(Duration::ZERO)).unwrap(); // the first WRITABLE events
    let bad = Waker::from(Arc::new(Panicky));
    let (good, wakes) = counting_waker();
    assert!(poll_read(&mut a, &bad));
    assert!(poll_read(&mut b, &good));
    futures_executor::block_on(async {
        a_peer.write_all(b"1").await.unwrap();
        b_peer.write_all(b"2").await.unwrap();
    });
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {})); // keep the expected panic out of the test output
    let mut turns = 0;
    while wakes.wakes() == 0 && turns < 10 {
        reactor.turn(Some(Duration::from_secs(1))).unwrap();
        turns += 1;
    }
    panic::set_hook(hook);
    assert_eq!(wakes.wakes(), 1, "the good waker was woken");
    assert_eq!(handle.metrics().waker_panics, 1);
    // The source with the panicking waker still works with a sane waker.
    let (good_a, _) = counting_waker();
    assert!(!poll_read(&mut a, &good_a), "data is there");
}
