//! The cooperative budget on the local executor: a task whose leaf futures are always ready
//! yields after one budget's worth of them, so a competing task runs; a leaf refused by the
//! budget skips no work (a timer is still registered, a message is still there, a timeout
//! still fires); `coop::unconstrained` opts a future out; and where no executor set a
//! budget, leaves behave as before.

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use wakewire_core::coop::{self, TASK_BUDGET};
use wakewire_core::waker::counting_waker;
use wakewire_core::ThreadParker;
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_channel::mpsc;
use wakewire_reactor_timer::{ManualClock, TimerPark};

use wakewire_test_util::watchdog;

/// Messages kept in the channel: it never runs dry.
const CAPACITY: usize = 16;
/// Where a reader that is never made to yield gives up by itself (so a failing test ends).
const GIVE_UP: u64 = 100_000;

/// A channel that is always full: each message read is sent back. Both the receive and
/// the send are always ready, and each spends one unit of the budget.
async fn read_always_ready(competitor_ran: Rc<Cell<bool>>) -> u64 {
    let (tx, mut rx) = mpsc::bounded::<u64>(CAPACITY);
    for value in 0..CAPACITY as u64 {
        tx.send(value).await.unwrap();
    }
    let mut read = 0;
    while !competitor_ran.get() && read < GIVE_UP {
        let value = rx.recv().await.unwrap();
        assert_eq!(value, read, "a message was lost or reordered");
        tx.send(value + CAPACITY as u64).await.unwrap();
        read += 1;
    }
    read
}

#[test]
fn an_always_ready_task_lets_a_competitor_run_within_one_budget() {
    let _dog = watchdog("coop_local_starvation", Duration::from_secs(60));
    let ex = LocalExecutor::new();
    let competitor_ran = Rc::new(Cell::new(false));
    let reader = ex
        .spawn_local(read_always_ready(competitor_ran.clone()))
        .unwrap();
    let competitor = ex
        .spawn_local({
            let competitor_ran = competitor_ran.clone();
            async move { competitor_ran.set(true) }
        })
        .unwrap();
    // How many messages the reader read before the competitor ran (it stops as soon as it
    // sees that the competitor did).
    let read = ex.block_on(async { (reader.await.unwrap(), competitor.await.unwrap()).0 });
    // The reader's first poll filled the channel (CAPACITY sends) and then read until the
    // budget ran out: a receive and a send per message.
    let per_message = 2;
    let budget = u64::from(TASK_BUDGET);
    assert!(
        read > 0 && read <= budget / per_message,
        "the competitor waited for {read} always-ready reads (one budget is {budget} leaf \
         completions)"
    );
}

#[test]
fn unconstrained_opts_a_task_out_of_the_budget() {
    let _dog = watchdog("coop_local_unconstrained", Duration::from_secs(60));
    let ex = LocalExecutor::new();
    let competitor_ran = Rc::new(Cell::new(false));
    let reader = ex
        .spawn_local(coop::unconstrained(read_always_ready(
            competitor_ran.clone(),
        )))
        .unwrap();
    let competitor = ex
        .spawn_local(async move { competitor_ran.set(true) })
        .unwrap();
    let read = ex.block_on(async { (reader.await.unwrap(), competitor.await.unwrap()).0 });
    assert_eq!(
        read, GIVE_UP,
        "an unconstrained task is never made to yield"
    );
}

#[test]
fn without_an_executor_s_budget_leaves_never_yield() {
    // Core's plain `block_on` sets no budget, as a foreign executor would not: the whole
    // loop runs in one poll of the future.
    let polls = Cell::new(0);
    let competitor_ran = Rc::new(Cell::new(false));
    let mut reader = pin!(read_always_ready(competitor_ran));
    let read = wakewire_core::block_on(poll_fn(|cx| {
        polls.set(polls.get() + 1);
        reader.as_mut().poll(cx)
    }));
    assert_eq!(read, GIVE_UP);
    assert_eq!(polls.get(), 1);
}

/// Spends the rest of this poll's budget with leaves that are always ready.
fn spend_budget(cx: &mut Context<'_>) {
    while coop::budgeted(cx, |_| Poll::Ready(())).is_ready() {}
}

/// tokio's timers skip their registration when the budget is spent (the sleep returns
/// `Pending` before it inserts its entry, and only the budget's own wake brings the task
/// back). Ours registers first and asks the budget only when it would complete: a sleep
/// first polled with no budget left is in the wheel, holding the task's waker, and its
/// deadline wakes the task.
#[test]
fn a_sleep_polled_with_the_budget_spent_is_still_registered() {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
    let timer = park.handle();
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut nap = pin!(timer.sleep(Duration::from_millis(10)));
    let first = coop::with_budget(|| {
        spend_budget(&mut cx);
        let budget_wakes = wakes.wakes();
        let poll = nap.as_mut().poll(&mut cx);
        // Refused leaves woke the task once each; the sleep itself was not refused.
        assert_eq!(wakes.wakes(), budget_wakes);
        poll
    });
    assert!(first.is_pending());
    assert_eq!(timer.live_timers(), 1, "the sleep is in the wheel");
    let before = wakes.wakes();
    clock.advance(Duration::from_millis(10));
    park.turn();
    assert_eq!(wakes.wakes(), before + 1, "the deadline woke the task");

    // Now due, but the budget is spent again: refused once (a wake), then Ready.
    let refused = coop::with_budget(|| {
        spend_budget(&mut cx);
        nap.as_mut().poll(&mut cx)
    });
    assert!(refused.is_pending());
    assert!(coop::with_budget(|| nap.as_mut().poll(&mut cx)).is_ready());
}

/// A receive refused by the budget takes nothing: the message is there at the next poll.
#[test]
fn a_receive_refused_by_the_budget_keeps_the_message() {
    let (tx, mut rx) = mpsc::bounded::<u32>(4);
    tx.try_send(7).unwrap();
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let refused = coop::with_budget(|| {
        spend_budget(&mut cx);
        let before = wakes.wakes();
        let poll = pin!(rx.recv()).poll(&mut cx);
        assert_eq!(
            wakes.wakes(),
            before + 1,
            "the refused receive woke its task"
        );
        poll
    });
    assert!(refused.is_pending());
    assert_eq!(rx.len(), 1, "nothing was taken");
    let received = coop::with_budget(|| pin!(rx.recv()).poll(&mut cx));
    assert_eq!(received, Poll::Ready(Ok(7)));
}

/// A future that spends the whole budget in every poll (it loops on an always-ready
/// channel until the budget refuses it) under a timeout: the deadline is looked at outside
/// the budget, so the timeout still fires. (tokio had to fix the same in its `Timeout`.)
#[test]
fn a_timeout_fires_even_when_its_future_spends_every_budget() {
    let _dog = watchdog("coop_local_timeout", Duration::from_secs(60));
    let park = TimerPark::new(ThreadParker::new());
    let timer = park.handle();
    let ex = LocalExecutor::with_park(park);
    let spender = async {
        let (tx, mut rx) = mpsc::bounded::<u8>(1);
        tx.send(0).await.unwrap();
        loop {
            let value = rx.recv().await.unwrap();
            tx.send(value).await.unwrap();
        }
    };
    let task = ex
        .spawn_local(timer.timeout(Duration::from_millis(20), spender))
        .unwrap();
    let outcome: Result<(), _> = ex.block_on(task).unwrap();
    assert!(outcome.is_err(), "the timeout fired");
}
