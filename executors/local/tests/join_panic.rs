//! Panics on the local executor beyond the contract's (a first-poll panic reported with
//! its payload is the matrix's `panic-payload` scenario): a second-poll panic, a panic in
//! the `block_on` future, a panic in `Drop` after completion.

use wakewire_core::future::yield_now;
use wakewire_executor_local::LocalExecutor;

#[test]
fn panic_on_second_poll_leaves_other_tasks_running() {
    let ex = LocalExecutor::new();
    let bad = ex
        .spawn_local(async {
            yield_now().await;
            panic!("boom on second poll: {}", 2);
        })
        .unwrap();
    let good: Vec<_> = (0..1000u64)
        .map(|i| {
            ex.spawn(async move {
                yield_now().await;
                i
            })
            .unwrap()
        })
        .collect();
    let (bad, sum) = ex.block_on(async {
        let bad = bad.await;
        let mut sum = 0;
        for handle in good {
            sum += handle.await.unwrap();
        }
        (bad, sum)
    });
    assert_eq!(
        bad.unwrap_err().panic_message(),
        Some("boom on second poll: 2")
    );
    assert_eq!(sum, (0..1000).sum::<u64>());
    assert_eq!(ex.metrics().live_tasks, 0);
}

#[test]
fn panic_in_block_on_future_propagates_and_executor_stays_usable() {
    let ex = LocalExecutor::new();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ex.block_on(async { panic!("main future panics") })
    }));
    assert!(
        caught.is_err(),
        "a panic of the block_on future itself reaches the caller"
    );
    // The enter guard was released during unwinding: the executor works again.
    let handle = ex.spawn(async { 3 }).unwrap();
    assert_eq!(ex.block_on(handle).unwrap(), 3);
}

#[test]
fn panic_in_drop_after_completion_is_reported_and_contained() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("drop panics");
        }
    }
    let ex = LocalExecutor::new();
    let handle = ex
        .spawn(async {
            let _bomb = PanicOnDrop;
            7
        })
        .unwrap();
    let err = ex.block_on(handle).unwrap_err();
    assert_eq!(err.panic_message(), Some("drop panics"));
    let after = ex.spawn(async { 8 }).unwrap();
    assert_eq!(ex.block_on(after).unwrap(), 8);
}
