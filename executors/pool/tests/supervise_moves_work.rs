//! Supervision (`PoolBuilder::supervise`): a worker stuck in one poll has its duties moved
//! on without it — the task in its LIFO slot, the tasks in its local queue, and its share of
//! the parallelism (a replacement thread) — and the blocked-poll hook hears about it while
//! the poll still runs. When the poll returns, the replacement retires.
//!
//! Every test waits for events (a task ran, a report came, a thread stopped) with a bound,
//! never for a duration; the blocking tasks block on channels the test releases.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex};
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

use wakewire_core::TaskId;
use wakewire_executor_pool::{BlockedPoll, BuildError, PolledFuture, Pool, Replacement};

use wakewire_test_util::{watchdog, Mailbox};

/// Long enough that ordinary polls never reach it, short enough for quick tests.
const THRESHOLD: Duration = Duration::from_millis(20);
/// The bound on every wait for something the pool must do.
const PATIENCE: Duration = Duration::from_secs(20);

/// The reports the hook received, and a way to wait for them.
#[derive(Clone, Default)]
struct Reports(Arc<(Mutex<Vec<BlockedPoll>>, Condvar)>);

impl Reports {
    fn hook(&self) -> impl Fn(&BlockedPoll) + Send + Sync + 'static {
        let reports = self.clone();
        move |report| {
            reports.0 .0.lock().unwrap().push(*report);
            reports.0 .1.notify_all();
        }
    }

    /// Waits (bounded) until `count` supervisor reports have come; returns all of them.
    fn wait_for_supervised(&self, count: usize) -> Vec<BlockedPoll> {
        let deadline = Instant::now() + PATIENCE;
        let mut reports = self.0 .0.lock().unwrap();
        loop {
            let supervised: Vec<_> = reports
                .iter()
                .filter(|r| r.still_running)
                .copied()
                .collect();
            if supervised.len() >= count {
                return supervised;
            }
            let left = deadline
                .checked_duration_since(Instant::now())
                .unwrap_or_else(|| panic!("only {} supervisor report(s) came", supervised.len()));
            reports = self.0 .1.wait_timeout(reports, left).unwrap().0;
        }
    }
}

/// Receives from `mailbox`, saying on `registered` once its waker is stored there (so a
/// send after that wakes this task, from the sender's poll).
async fn wait_registered(mailbox: &Mailbox<()>, registered: mpsc::Sender<()>) {
    let mut recv = pin!(mailbox.recv());
    let first = poll_fn(|cx| Poll::Ready(recv.as_mut().poll(cx))).await;
    assert!(first.is_pending(), "nothing was sent yet");
    registered.send(()).unwrap();
    recv.await
}

/// Waits (bounded) until `done()` holds.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        thread::sleep(Duration::from_millis(1));
    }
}

/// A task blocks its worker (1 worker) right after it woke a task into its LIFO slot and
/// spawned one onto its local queue; it stays blocked until both have run. Only the
/// supervisor can get them run: it moves the LIFO task to the injector and starts a
/// replacement thread, which also steals the queued one. Then the replacement retires.
#[test]
fn a_blocked_worker_s_lifo_task_and_queue_move_to_a_replacement_thread() {
    let _dog = watchdog("supervise_lifo_and_queue", Duration::from_secs(60));
    let reports = Reports::default();
    let mut pool = Pool::builder()
        .workers(1)
        .supervise(THRESHOLD)
        .on_blocked_poll(reports.hook())
        .build();
    let (ran, ran_rx) = mpsc::channel::<&'static str>();

    // B waits on a mailbox; it is registered before A runs.
    let mailbox = Mailbox::<()>::default();
    let (b_waiting, b_waiting_rx) = mpsc::channel();
    let lifo_task = pool
        .spawn({
            let (mailbox, ran) = (mailbox.clone(), ran.clone());
            async move {
                wait_registered(&mailbox, b_waiting).await;
                ran.send("lifo").unwrap();
            }
        })
        .unwrap();
    b_waiting_rx.recv_timeout(PATIENCE).unwrap();

    let spawner = pool.spawner();
    let blocker = pool
        .spawn(async move {
            mailbox.send(()); // B: woken by the task being polled → this worker's LIFO slot
            let queued = spawner
                .spawn(async move { ran.send("queued").unwrap() })
                .unwrap(); // → this worker's local queue
            queued.detach();
            // Block the worker until both ran elsewhere (or give up).
            let mut seen = Vec::new();
            while seen.len() < 2 {
                match ran_rx.recv_timeout(PATIENCE) {
                    Ok(which) => seen.push(which),
                    Err(_) => return seen,
                }
            }
            seen.sort_unstable();
            seen
        })
        .unwrap();
    let blocker_id = blocker.id();
    let seen = pool.block_on(blocker).unwrap();
    assert_eq!(
        seen,
        ["lifo", "queued"],
        "the blocked worker's tasks did not move"
    );
    pool.block_on(lifo_task).unwrap();

    let report = reports.wait_for_supervised(1)[0];
    assert_eq!(report.polled, PolledFuture::Task(blocker_id));
    assert_eq!(report.worker, Some(0));
    assert!(report.duration >= THRESHOLD, "{report:?}");
    let moved = report.moved.expect("the supervisor says what it moved");
    assert!(moved.lifo_task, "{report}");
    assert_eq!(moved.queued_tasks, 1, "{report}");
    assert_eq!(moved.replacement, Replacement::Started { worker: 1 });
    let text = report.to_string();
    assert!(
        text.contains("still runs") && text.contains("LIFO"),
        "{text}"
    );
    assert!(text.contains("replacement thread 1 started"), "{text}");

    // The poll returned: the replacement retires while the pool runs on.
    eventually("the replacement retired", || {
        pool.metrics().thread_stops == 1
    });
    assert_eq!(pool.block_on(pool.spawn(async { 5 }).unwrap()).unwrap(), 5);
    pool.shutdown(Duration::from_secs(10)).unwrap();
    let metrics = pool.metrics();
    // The blocker's block at least. On a slow machine (valgrind) another poll can also run
    // past the 20 ms threshold and be supervised in turn; every replacement still retires.
    assert!(metrics.supervised_blocks >= 1, "{metrics:?}");
    assert!(metrics.replacement_threads >= 1, "{metrics:?}");
    assert_eq!(
        metrics.thread_starts,
        1 + metrics.replacement_threads,
        "{metrics:?}"
    );
    assert_eq!(metrics.thread_starts, metrics.thread_stops, "{metrics:?}");
}

/// The same LIFO task with no replacement allowed, on 2 workers: the other (idle) worker
/// can never take a task from a peer's LIFO slot, so only the supervisor's move to the
/// injector (and the wake that goes with it) gets it run while its waker is blocked.
///
/// With 2 workers the setup can miss: if the blocker wakes the waiting task while that
/// task's own poll (on the other worker) is still returning, the wake queues it there, not
/// in the blocker's LIFO slot, and it runs at once with nothing to supervise. Such an
/// attempt is recognised (no supervised block was counted when the blocker returned) and
/// run again.
#[test]
fn the_lifo_task_moves_even_without_a_replacement() {
    let _dog = watchdog(
        "supervise_lifo_without_replacement",
        Duration::from_secs(120),
    );
    let reports = Reports::default();
    let mut pool = Pool::builder()
        .workers(2)
        .supervise(THRESHOLD)
        .max_replacement_threads(0)
        .on_blocked_poll(reports.hook())
        .build();
    for attempt in 0.. {
        assert!(
            attempt < 20,
            "the waiting task never landed in the LIFO slot"
        );
        let mailbox = Mailbox::<()>::default();
        let (b_waiting, b_waiting_rx) = mpsc::channel();
        let (ran, ran_rx) = mpsc::channel();
        let lifo_task = pool
            .spawn({
                let mailbox = mailbox.clone();
                async move {
                    wait_registered(&mailbox, b_waiting).await;
                    ran.send(()).unwrap();
                }
            })
            .unwrap();
        b_waiting_rx.recv_timeout(PATIENCE).unwrap();
        let blocker = pool
            .spawn(async move {
                mailbox.send(());
                ran_rx.recv_timeout(PATIENCE).is_ok()
            })
            .unwrap();
        let blocker_id = blocker.id();
        assert!(
            pool.block_on(blocker).unwrap(),
            "the task in the blocked worker's LIFO slot never ran"
        );
        pool.block_on(lifo_task).unwrap();
        if pool.metrics().supervised_blocks == 0 {
            continue; // it never was in the LIFO slot: try again
        }
        let report = reports.wait_for_supervised(1)[0];
        assert_eq!(report.task(), Some(blocker_id));
        let moved = report.moved.unwrap();
        assert!(moved.lifo_task, "{report}");
        assert_eq!(moved.replacement, Replacement::CapReached { cap: 0 });
        break;
    }
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(pool.metrics().replacement_threads, 0);
}

/// A task that blocks forever: the other tasks go on, the supervisor reports it, and the
/// pool still shuts down within its timeout, naming the blocked task.
#[test]
fn a_task_that_blocks_forever_is_reported_and_shutdown_still_returns() {
    let _dog = watchdog("supervise_blocks_forever", Duration::from_secs(60));
    let reports = Reports::default();
    let mut pool = Pool::builder()
        .workers(2)
        .supervise(THRESHOLD)
        .on_blocked_poll(reports.hook())
        .build();
    // "Forever": until the test ends and drops the sender (the detached thread then ends).
    let (forever, never) = mpsc::channel::<()>();
    let blocker = pool
        .spawn(async move {
            let _ = never.recv();
        })
        .unwrap();
    let blocker_id = blocker.id();
    let report = reports.wait_for_supervised(1)[0];
    assert_eq!(report.task(), Some(blocker_id));
    // The pool keeps all its parallelism meanwhile.
    let done = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let done = done.clone();
            pool.spawn(async move {
                wakewire_core::future::yield_now().await;
                done.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap()
        })
        .collect();
    for handle in handles {
        pool.block_on(handle).unwrap();
    }
    assert_eq!(done.load(Ordering::SeqCst), 50);

    let timeout = pool
        .shutdown(Duration::from_millis(200))
        .expect_err("a poll that never returns makes shutdown time out");
    assert_eq!(timeout.still_running(), 1);
    assert_eq!(timeout.blocked_tasks(), [blocker_id]);
    assert!(
        timeout.to_string().contains(&blocker_id.to_string()),
        "{timeout}"
    );
    drop(blocker);
    drop(forever);
}

/// Every worker blocked at once, and the replacements too: replacement threads start up
/// to the cap (by default, one per worker), then the reports say the cap is reached.
/// Once released, everything finishes and every extra thread retires.
#[test]
fn every_worker_blocked_at_once_uses_the_cap_then_says_so() {
    let _dog = watchdog("supervise_every_worker_blocked", Duration::from_secs(60));
    let reports = Reports::default();
    let mut pool = Pool::builder()
        .workers(2)
        .supervise(THRESHOLD)
        .on_blocked_poll(reports.hook())
        .build();
    let release = Arc::new((Mutex::new(false), Condvar::new()));
    let blockers: Vec<_> = (0..4)
        .map(|_| {
            let release = release.clone();
            pool.spawn(async move {
                let mut released = release.0.lock().unwrap();
                while !*released {
                    released = release.1.wait(released).unwrap();
                }
            })
            .unwrap()
        })
        .collect();
    let supervised = reports.wait_for_supervised(4);
    let replacements: Vec<_> = supervised
        .iter()
        .map(|report| report.moved.unwrap().replacement)
        .collect();
    let started = replacements
        .iter()
        .filter(|r| matches!(r, Replacement::Started { .. }))
        .count();
    let capped: Vec<_> = supervised
        .iter()
        .filter(|r| r.moved.unwrap().replacement == Replacement::CapReached { cap: 2 })
        .collect();
    assert_eq!((started, capped.len()), (2, 2), "{replacements:?}");
    assert!(
        capped[0].to_string().contains("no replacement thread"),
        "{}",
        capped[0]
    );
    assert_eq!(pool.metrics().replacement_threads, 2);

    *release.0.lock().unwrap() = true;
    release.1.notify_all();
    for blocker in blockers {
        pool.block_on(blocker).unwrap();
    }
    eventually("both replacements retired", || {
        pool.metrics().thread_stops == 2
    });
    pool.shutdown(Duration::from_secs(10)).unwrap();
    let metrics = pool.metrics();
    assert_eq!((metrics.thread_starts, metrics.thread_stops), (4, 4));
}

/// A blocked poll that panics when it finally returns: the panic reaches its handle, the
/// replacement retires, and the pool runs on.
#[test]
fn a_blocked_poll_that_panics_when_it_returns() {
    let _dog = watchdog("supervise_blocked_then_panics", Duration::from_secs(60));
    let reports = Reports::default();
    let mut pool = Pool::builder()
        .workers(1)
        .supervise(THRESHOLD)
        .on_blocked_poll(reports.hook())
        .build();
    let (release, released) = mpsc::channel::<()>();
    let blocker = pool
        .spawn(async move {
            assert_eq!(
                released.recv_timeout(PATIENCE),
                Err(RecvTimeoutError::Disconnected)
            );
            panic!("the blocked poll panics on its way out");
        })
        .unwrap();
    let id: TaskId = blocker.id();
    assert_eq!(reports.wait_for_supervised(1)[0].task(), Some(id));
    // The replacement runs tasks while the worker is blocked.
    assert_eq!(pool.block_on(pool.spawn(async { 1 }).unwrap()).unwrap(), 1);
    drop(release);
    let error = pool.block_on(blocker).expect_err("the task panicked");
    assert!(error.is_panic());
    eventually("the replacement retired", || {
        pool.metrics().thread_stops == 1
    });
    assert_eq!(pool.block_on(pool.spawn(async { 2 }).unwrap()).unwrap(), 2);
    pool.shutdown(Duration::from_secs(10)).unwrap();
    let metrics = pool.metrics();
    assert_eq!((metrics.thread_starts, metrics.thread_stops), (2, 2));
    assert_eq!(metrics.caught_panics, 0, "the task's panic is the task's");
}

#[test]
fn supervision_with_a_zero_threshold_is_rejected() {
    let error = Pool::builder()
        .workers(1)
        .supervise(Duration::ZERO)
        .try_build()
        .expect_err("a zero threshold is rejected");
    assert!(matches!(error, BuildError::ZeroSupervisionThreshold));
    assert!(
        error.to_string().contains("threshold above zero"),
        "{error}"
    );
    let io: std::io::Error = error.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
#[should_panic(expected = "PoolBuilder::supervise needs a threshold above zero")]
fn build_panics_on_a_zero_supervision_threshold() {
    let _ = Pool::builder().workers(1).supervise(Duration::ZERO).build();
}
