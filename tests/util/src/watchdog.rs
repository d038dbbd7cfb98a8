//! Bounding every wait: a hang becomes a loud failure instead of a stuck CI job.

use std::io::Write;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Aborts the whole process, after saying which guard expired, unless dropped within its
/// limit. Made by [`watchdog`].
///
/// Use it where a hang cannot be turned into a failed assertion (a test blocked inside an
/// executor). Where it can, prefer [`finishes_within`], which fails only the one test.
#[derive(Debug)]
pub struct Watchdog {
    disarm: Option<mpsc::Sender<()>>,
}

/// Arms a [`Watchdog`] named `what` for `limit`.
///
/// ```
/// use std::time::Duration;
/// use wakewire_test_util::watchdog;
///
/// let _guard = watchdog("a quick test", Duration::from_secs(10));
/// // ... the test; dropping the guard disarms it
/// ```
pub fn watchdog(what: impl Into<String>, limit: Duration) -> Watchdog {
    let what = what.into();
    let (disarm, disarmed) = mpsc::channel::<()>();
    thread::Builder::new()
        .name("wakewire-watchdog".into())
        .spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = disarmed.recv_timeout(limit) {
                // Straight to the stderr handle: the test harness captures `eprintln!`,
                // and the message would be lost with the abort.
                let _ = writeln!(
                    std::io::stderr(),
                    "watchdog: `{what}` still running after {limit:?} (a hang): aborting"
                );
                std::process::abort();
            }
        })
        .expect("cannot start the watchdog thread");
    Watchdog {
        disarm: Some(disarm),
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        // Disconnecting the channel disarms the watchdog.
        self.disarm.take();
    }
}

/// Runs `body` on a thread of its own and panics (failing the calling test) if it has not
/// finished within `limit`: a deadlock becomes a failed assertion. The stuck thread is left
/// behind. A panic of `body` is resumed here.
///
/// ```
/// use std::time::Duration;
/// use wakewire_test_util::finishes_within;
///
/// finishes_within("adding", Duration::from_secs(10), || assert_eq!(1 + 1, 2));
/// ```
///
/// # Panics
///
/// When `body` panics (with its payload) or does not finish within `limit`.
pub fn finishes_within(what: &str, limit: Duration, body: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    let runner = thread::spawn(move || {
        body();
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => runner
            .join()
            .expect("the body finished, so its thread did not panic"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match runner.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the body returned without reporting"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: still running after {limit:?} (deadlocked?)")
        }
    }
}

/// Checks `condition` until it holds, yielding the thread between checks; panics naming
/// `what` after `limit`. For conditions another thread makes true (a reactor's driver
/// releasing a registration), never as a way to wait out time.
///
/// # Panics
///
/// When `condition` still does not hold after `limit`.
pub fn wait_until(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    let mut spins = 0u32;
    while !condition() {
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        spins += 1;
        if spins < 100 {
            thread::yield_now();
        } else {
            // Leave the core to the thread we wait for (2-core machines).
            thread::sleep(Duration::from_micros(200));
        }
    }
}
