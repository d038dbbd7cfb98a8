//! Blocked-poll reports, and the starvation behaviour the crate documents: at most 61 task
//! polls between two polls of the `block_on` future; self-woken tasks go to the back.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use wakewire_core::future::yield_now;
use wakewire_core::BlockedPoll;
use wakewire_executor_local::LocalExecutor;

fn spin_for(duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {
        std::hint::spin_loop();
    }
}

#[test]
fn a_slow_poll_is_reported_with_its_task_and_duration() {
    let reports: Rc<RefCell<Vec<BlockedPoll>>> = Rc::default();
    let ex = LocalExecutor::builder()
        .blocked_poll_threshold(Duration::from_millis(50))
        .on_blocked_poll({
            let reports = reports.clone();
            move |report| reports.borrow_mut().push(*report)
        })
        .build();
    let slow = ex
        .spawn(async { spin_for(Duration::from_millis(120)) })
        .unwrap();
    let slow_id = slow.id();
    ex.block_on(slow).unwrap();
    let reports = reports.borrow();
    let report = reports
        .iter()
        .find(|r| r.task() == Some(slow_id))
        .expect("the slow poll is reported");
    assert!(report.duration >= Duration::from_millis(50), "{report:?}");
    assert_eq!(report.worker, Some(0));
    assert!(report.to_string().contains("blocked executor thread 0"));
    assert!(ex.metrics().blocked_polls >= 1);
}

#[test]
fn without_a_threshold_nothing_is_timed_or_reported() {
    let ex = LocalExecutor::new();
    let slow = ex
        .spawn(async { spin_for(Duration::from_millis(20)) })
        .unwrap();
    ex.block_on(slow).unwrap();
    assert_eq!(ex.metrics().blocked_polls, 0);
}

#[test]
fn block_on_future_is_polled_at_least_every_61_task_polls() {
    let ex = LocalExecutor::new();
    let task_polls = Rc::new(Cell::new(0u64));
    for _ in 0..5 {
        let task_polls = task_polls.clone();
        drop(
            ex.spawn_local(async move {
                loop {
                    task_polls.set(task_polls.get() + 1);
                    yield_now().await;
                }
            })
            .unwrap(),
        );
    }
    let gaps = ex.block_on({
        let task_polls = task_polls.clone();
        async move {
            let mut gaps = Vec::new();
            let mut last = task_polls.get();
            for _ in 0..20 {
                yield_now().await;
                gaps.push(task_polls.get() - last);
                last = task_polls.get();
            }
            gaps
        }
    });
    assert!(
        gaps.iter().all(|&gap| gap <= 61),
        "gaps between main polls: {gaps:?}"
    );
    assert!(gaps.iter().any(|&gap| gap > 0), "the looping tasks ran too");
    drop(ex); // drops the five endless tasks
}

#[test]
fn self_woken_tasks_take_turns_in_fifo_order() {
    let ex = LocalExecutor::new();
    let order = Rc::new(RefCell::new(Vec::new()));
    for id in 0..3 {
        let order = order.clone();
        drop(
            ex.spawn_local(async move {
                for round in 0..3 {
                    order.borrow_mut().push((round, id));
                    yield_now().await;
                }
            })
            .unwrap(),
        );
    }
    ex.run_until_stalled();
    let expected: Vec<_> = (0..3)
        .flat_map(|round| (0..3).map(move |id| (round, id)))
        .collect();
    assert_eq!(*order.borrow(), expected);
}
