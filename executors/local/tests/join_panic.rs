//! A panicking task is reported through its handle and the executor keeps running.

mod util;

use wakewire_core::future::yield_now;
use wakewire_executor_local::LocalExecutor;

use util::DropCounter;

#[test]
fn panic_on_first_poll_is_an_error_with_its_message() {
    let ex = LocalExecutor::new();
    let drops = DropCounter::default();
    let guard = drops.guard();
    let handle = ex
        .spawn(async move {
            let _guard = guard;
            panic!("boom on first poll");
        })
        .unwrap();
    let err = ex.block_on(handle).unwrap_err();
    assert!(err.is_panic());
    assert!(!err.is_cancelled());
    assert_eq!(err.panic_message(), Some("boom on first poll"));
    assert!(
        err.to_string().contains("panicked: boom on first poll"),
        "{err}"
    );
    assert_eq!(
        drops.get(),
        1,
        "the panicking future is dropped exactly once"
    );
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom on first poll"));
}

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
