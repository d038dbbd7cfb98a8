//! Bad input for tokio's reactor under Wakewire's executors: a tokio future polled without
//! its reactor, a reactor shut down under waiting futures, zero and huge timeouts.

use std::future::{pending, ready};
use std::time::Duration;

use tokio::net::{TcpListener, UdpSocket};
use wakewire_adapter_tokio::{checked, ReactorError, TokioReactor};
use wakewire_core::timer::{timeout, Elapsed, Timer};
use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::watchdog;

const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn a_checked_tokio_future_without_its_reactor_is_an_error_not_a_panic() {
    let _watchdog = watchdog("no reactor", LIMIT);
    let ex = LocalExecutor::new();
    let connect = ex
        .spawn(checked(async {
            tokio::net::TcpStream::connect("127.0.0.1:9").await
        }))
        .unwrap();
    let error = ex.block_on(connect).unwrap().unwrap_err();
    assert_eq!(error, ReactorError::NoReactor);
    assert!(error.to_string().contains("TokioReactor"), "{error}");
    // The same error through io::Error, for code that speaks io.
    let io: std::io::Error = error.into();
    assert!(io.to_string().contains("reactor.wrap"));
}

#[test]
fn an_unwrapped_tokio_future_fails_its_task_with_tokios_message() {
    // What `wrap`/`checked` are for: polled bare, tokio panics inside its own code. The
    // task cell still catches it, so the executor survives and the handle says why.
    let _watchdog = watchdog("bare tokio", LIMIT);
    let ex = LocalExecutor::new();
    let bare = ex
        .spawn(async {
            let _ = UdpSocket::bind("127.0.0.1:0").await;
        })
        .unwrap();
    let error = ex.block_on(bare).unwrap_err();
    assert!(error.is_panic());
    assert!(
        error.panic_message().unwrap().contains("Tokio 1.x runtime"),
        "{:?}",
        error.panic_message()
    );
    assert_eq!(ex.block_on(ex.spawn(async { 1 }).unwrap()).unwrap(), 1);
}

#[test]
fn a_wrapped_future_polled_after_shutdown_is_a_shutdown_error() {
    let _watchdog = watchdog("after shutdown", LIMIT);
    let reactor = TokioReactor::on_own_thread().unwrap();
    let handle = reactor.handle();
    reactor.shutdown();
    assert!(handle.is_shut_down());
    let late = handle.wrap(async { UdpSocket::bind("127.0.0.1:0").await });
    assert_eq!(
        wakewire_core::block_on(late).unwrap_err(),
        ReactorError::Shutdown
    );
    // A sleep of a shut-down reactor completes at once (as Wakewire's own timer's do).
    wakewire_core::block_on(handle.sleep(Duration::from_secs(3600)));
}

/// Futures waiting on the reactor in several ways, then the reactor shuts down.
fn shutdown_under_waiting_futures(reactor: TokioReactor, join_driver: impl FnOnce()) {
    let _watchdog = watchdog("shutdown under waiters", LIMIT);
    let handle = reactor.handle();
    let ex = LocalExecutor::new();
    let accept = ex
        .spawn(handle.wrap(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            listener.accept().await.map(drop)
        }))
        .unwrap();
    let receive = ex
        .spawn(handle.wrap(async {
            let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            socket.recv(&mut [0; 8]).await
        }))
        .unwrap();
    let nap = ex
        .spawn(handle.wrap_with(|| tokio::time::sleep(Duration::from_secs(3600))))
        .unwrap();
    let timer_sleep = ex.spawn(handle.sleep(Duration::from_secs(3600))).unwrap();
    // Poll each until it waits. The binds complete at once on loopback; a few turns give
    // every task the chance to register with tokio's driver.
    for _ in 0..10 {
        ex.run_until_stalled();
    }
    assert!(!accept.is_finished() && !receive.is_finished());
    assert!(!nap.is_finished() && !timer_sleep.is_finished());

    reactor.shutdown();
    join_driver();
    assert_eq!(
        ex.block_on(accept).unwrap().unwrap_err(),
        ReactorError::Shutdown
    );
    assert_eq!(
        ex.block_on(receive).unwrap().unwrap_err(),
        ReactorError::Shutdown
    );
    assert_eq!(
        ex.block_on(nap).unwrap().unwrap_err(),
        ReactorError::Shutdown
    );
    ex.block_on(timer_sleep).unwrap();
}

#[test]
fn shutdown_resolves_every_waiting_future_with_an_error() {
    shutdown_under_waiting_futures(TokioReactor::on_own_thread().unwrap(), || {});
}

#[test]
fn shutdown_of_a_reactor_you_drive_resolves_waiting_futures_too() {
    let (reactor, driver) = TokioReactor::new().unwrap();
    let driving = std::thread::spawn(move || driver.run());
    shutdown_under_waiting_futures(reactor, move || driving.join().unwrap());
}

#[test]
fn timeouts_of_zero_and_max_on_tokios_timer() {
    let _watchdog = watchdog("timeouts", LIMIT);
    let reactor = TokioReactor::on_own_thread().unwrap();
    let ex = LocalExecutor::new();
    ex.block_on(async {
        // ZERO: a ready future wins (it is polled first), a pending one times out.
        assert_eq!(timeout(&reactor, Duration::ZERO, ready(7)).await, Ok(7));
        assert_eq!(
            timeout(&reactor, Duration::ZERO, pending::<()>()).await,
            Err(Elapsed::new())
        );
        // MAX: no overflow, no panic; a ready future still wins, and a pending one is
        // still waiting when a short timeout around it fires.
        assert_eq!(timeout(&reactor, Duration::MAX, ready(8)).await, Ok(8));
        let forever = timeout(&reactor, Duration::MAX, pending::<()>());
        assert_eq!(
            timeout(&reactor, Duration::from_millis(10), forever).await,
            Err(Elapsed::new()),
            "the Duration::MAX timeout must not fire"
        );
        let forever = reactor.sleep(Duration::MAX);
        assert!(timeout(&reactor, Duration::from_millis(10), forever)
            .await
            .is_err());
    });
    reactor.shutdown();
}
