//! The three adapters on their own: `HyperTimer` with extreme durations and in-place
//! resets (on a manual clock, stepped by hand), `HyperExecutor` on every executor and
//! after shutdown, `HyperIo` in both directions.

mod util;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use hyper::rt::{Executor, Sleep, Timer as _};
use wakewire_adapter_hyper::{HyperExecutor, HyperIo, HyperTimer};
use wakewire_core::timer::far_deadline;
use wakewire_core::waker::counting_waker;
use wakewire_core::{Spawn, ThreadParker};
use wakewire_executor_local::LocalExecutor;
use wakewire_executor_pool::Pool;
use wakewire_reactor_mio::UnixStream;
use wakewire_reactor_timer::{ManualClock, TimerHandle, TimerPark};

const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

fn poll(sleep: &mut Pin<Box<dyn Sleep>>, cx: &mut Context<'_>) -> Poll<()> {
    sleep.as_mut().poll(cx)
}

#[test]
fn sleep_for_duration_max_never_fires_never_panics_and_can_be_reset() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
    let timer = HyperTimer::new(park.handle());
    assert_eq!(
        timer.now(),
        clock.now(),
        "now() is the wrapped timer's clock"
    );
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let (far_waker, far_wakes) = counting_waker();

    // `sleep(Duration::MAX)` never comes; core's `far_deadline` for an unrepresentable
    // `now + Duration::MAX` is a century away.
    let mut forever = timer.sleep(Duration::MAX);
    let mut far = timer.sleep_until(far_deadline(clock.now(), Duration::MAX));
    assert_eq!(poll(&mut forever, &mut cx), Poll::Pending);
    assert_eq!(
        poll(&mut far, &mut Context::from_waker(&far_waker)),
        Poll::Pending
    );
    clock.advance(CENTURY - Duration::from_secs(1));
    park.turn();
    assert_eq!((wakes.wakes(), far_wakes.wakes()), (0, 0));
    clock.advance(4 * CENTURY); // as far as the manual clock goes, short of its limit
    park.turn();
    assert_eq!((wakes.wakes(), far_wakes.wakes()), (0, 1));
    assert_eq!(poll(&mut forever, &mut cx), Poll::Pending);

    // `reset` puts the new sleep in the same box (no allocation), and it is live.
    let before: *const dyn Sleep = &*forever;
    timer.reset(&mut forever, clock.now());
    assert!(std::ptr::addr_eq(before, &*forever as *const dyn Sleep));
    park.turn();
    assert_eq!(poll(&mut forever, &mut cx), Poll::Ready(()));
    drop(far); // a never-firing sleep drops cleanly
}

#[test]
fn sleep_for_duration_max_on_the_global_timer() {
    let timer = HyperTimer::new(TimerHandle::current());
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut forever = timer.sleep(Duration::MAX);
    assert_eq!(poll(&mut forever, &mut cx), Poll::Pending);
    let mut soon = timer.sleep(Duration::ZERO);
    let _watchdog =
        wakewire_test_util::watchdog("zero sleep on the global timer", Duration::from_secs(20));
    while poll(&mut soon, &mut cx).is_pending() {
        std::thread::yield_now(); // the global timer thread fires it
    }
    assert_eq!(poll(&mut forever, &mut cx), Poll::Pending);
    drop(forever);
    assert!(wakes.wakes() <= 1, "only the zero sleep may have woken us");
}

/// A sleep from some other hyper timer: `reset` cannot reuse it, so it replaces it with
/// one of ours (a timer that ignored it would leave a sleep that never fires).
struct Never;

impl Future for Never {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl Sleep for Never {}

#[test]
fn reset_of_a_foreign_sleep_replaces_it() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
    let timer = HyperTimer::new(park.handle());
    let (waker, _) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut sleep: Pin<Box<dyn Sleep>> = Box::pin(Never);
    timer.reset(&mut sleep, clock.now() + Duration::from_secs(1));
    assert!(!sleep.is::<Never>());
    assert_eq!(poll(&mut sleep, &mut cx), Poll::Pending);
    clock.advance(Duration::from_secs(1));
    park.turn();
    assert_eq!(poll(&mut sleep, &mut cx), Poll::Ready(()));
}

#[test]
fn deadlines_in_the_past_complete_at_once() {
    let clock = ManualClock::new();
    let park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
    let timer = HyperTimer::new(park.handle());
    clock.advance(Duration::from_secs(10));
    let (waker, _) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let past: Instant = clock.now() - Duration::from_secs(5);
    assert_eq!(poll(&mut timer.sleep_until(past), &mut cx), Poll::Ready(()));
    assert_eq!(
        poll(&mut timer.sleep(Duration::ZERO), &mut cx),
        Poll::Ready(())
    );
}

/// Runs `HyperExecutor::execute` 100 times on `spawner` and waits (on `wait`) until all
/// ran.
fn execute_100<S: Spawn>(
    spawner: S,
    wait: impl FnOnce(std::sync::mpsc::Receiver<usize>) -> Vec<usize>,
) {
    let executor = HyperExecutor::new(spawner);
    let (tx, rx) = std::sync::mpsc::channel();
    for i in 0..100 {
        let tx = tx.clone();
        executor.execute(async move {
            wakewire_core::future::yield_now().await;
            tx.send(i).unwrap();
        });
    }
    drop(tx);
    let mut ran = wait(rx);
    ran.sort_unstable();
    assert_eq!(ran, (0..100).collect::<Vec<_>>());
}

#[test]
fn executor_runs_on_local_pool_and_foreign() {
    let _watchdog = wakewire_test_util::watchdog("executor", Duration::from_secs(20));
    let local = LocalExecutor::new();
    execute_100(local.spawner(), |rx| {
        local.block_on(async {
            for _ in 0..10 {
                wakewire_core::future::yield_now().await;
            }
        });
        rx.try_iter().collect()
    });
    let pool = Pool::builder().workers(2).build();
    execute_100(pool.spawner(), |rx| rx.iter().collect());
    let foreign = wakewire_adapter_futures::ThreadPoolExecutor::new(2).unwrap();
    execute_100(foreign.spawner(), |rx| rx.iter().collect());
    assert!(foreign.shutdown(Duration::from_secs(10)));
}

#[test]
fn executor_after_shutdown_drops_the_future_at_once() {
    struct Guard(Arc<AtomicUsize>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let mut pool = Pool::builder().workers(1).build();
    let executor = HyperExecutor::new(pool.spawner());
    pool.shutdown(Duration::from_secs(10)).unwrap();
    let dropped = Arc::new(AtomicUsize::new(0));
    let guard = Guard(Arc::clone(&dropped));
    executor.execute(async move {
        let _guard = guard;
        unreachable!("never polled");
    });
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
}

#[test]
fn io_both_directions_round_trip() {
    let _watchdog = wakewire_test_util::watchdog("io", Duration::from_secs(20));
    wakewire_core::block_on(async {
        let (a, b) = UnixStream::pair().unwrap();
        // futures-io → hyper → futures-io: every byte goes through both impls.
        let mut a = HyperIo::new(HyperIo::new(a).with_vectored_writes(true));
        let mut b = HyperIo::new(HyperIo::new(b));
        assert!(hyper::rt::Write::is_write_vectored(a.get_ref()));
        assert!(!hyper::rt::Write::is_write_vectored(b.get_ref()));
        let message: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        let writer = async {
            a.write_all(&message).await.unwrap();
            let parts = [std::io::IoSlice::new(b"ab"), std::io::IoSlice::new(b"cd")];
            let mut written = 0;
            while written < 4 {
                written += a.write_vectored(&parts[..]).await.unwrap();
                assert_eq!(written, 4, "the socket takes both parts in one writev");
            }
            a.close().await.unwrap(); // poll_close → poll_shutdown → poll_close: EOF
        };
        let reader = async {
            let mut received = Vec::new();
            b.read_to_end(&mut received).await.unwrap();
            received
        };
        let ((), received) = futures_util::future::join(writer, reader).await;
        assert_eq!(&received[..message.len()], &message[..]);
        assert_eq!(&received[message.len()..], b"abcd");
    });
}
