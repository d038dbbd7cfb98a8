//! Bad input for async-io's timer behind Wakewire's `Timer` trait: zero and huge timeouts.

use std::future::{pending, ready};
use std::time::Duration;

use smol_timeout::TimeoutExt;
use wakewire_adapter_smol::AsyncIoTimer;
use wakewire_core::timer::{timeout, Elapsed, Timer};
use wakewire_executor_local::LocalExecutor;

#[test]
fn timeouts_of_zero_and_max_on_async_ios_timer() {
    let _watchdog = wakewire_test_util::watchdog("timeouts", Duration::from_secs(30));
    let ex = LocalExecutor::new();
    ex.block_on(async {
        let timer = AsyncIoTimer;
        assert_eq!(timeout(&timer, Duration::ZERO, ready(7)).await, Ok(7));
        assert_eq!(
            timeout(&timer, Duration::ZERO, pending::<()>()).await,
            Err(Elapsed::new())
        );
        assert_eq!(timeout(&timer, Duration::MAX, ready(8)).await, Ok(8));
        let forever = timeout(&timer, Duration::MAX, pending::<()>());
        assert_eq!(
            timeout(&timer, Duration::from_millis(10), forever).await,
            Err(Elapsed::new()),
            "the Duration::MAX timeout must not fire"
        );
        let forever = timer.sleep_until(timer.now() + Duration::from_secs(100 * 365 * 86_400));
        assert!(timeout(&timer, Duration::from_millis(10), forever)
            .await
            .is_err());
        // smol-timeout's own: ZERO on a pending future times out, MAX never does.
        assert_eq!(pending::<()>().timeout(Duration::ZERO).await, None);
        let forever = pending::<()>().timeout(Duration::MAX);
        assert!(timeout(&timer, Duration::from_millis(10), forever)
            .await
            .is_err());
    });
}
