//! Shared helpers: a hyper server on Wakewire parts (generic over `Spawn` and `Timer`),
//! started on each runtime of its table; its counters; blocking HTTP clients. (The watchdog
//! and fd counting are the workspace's shared helpers, `wakewire-test-util`.)
#![allow(dead_code, unreachable_pub, missing_docs)]

pub mod client;
pub mod server;

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

#[allow(unused_imports)]
pub use server::{Config, Runtime, Server};

/// What the server has seen, updated by its tasks; tests wait on it instead of sleeping.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Connections accepted.
    pub accepted: usize,
    /// `accept` calls that failed (EMFILE, ...).
    pub accept_errors: usize,
    /// Requests that reached the service.
    pub requests: usize,
    /// Connections whose hyper future ended without error.
    pub closed_ok: usize,
    /// Connections whose hyper future ended with an error.
    pub closed_err: usize,
    /// Connections cut by the server's per-connection deadline.
    pub deadline_hits: usize,
    /// Streaming bodies dropped before their last chunk was taken.
    pub bodies_unfinished: usize,
    /// Request bodies that failed while the service read them.
    pub body_errors: usize,
}

impl Counts {
    /// Connections whose task has ended, one way or another.
    pub fn closed(&self) -> usize {
        self.closed_ok + self.closed_err + self.deadline_hits
    }
}

/// The server's counters, with a condition variable so tests can wait for a state.
#[derive(Debug, Default)]
pub struct Stats {
    counts: Mutex<Counts>,
    changed: Condvar,
}

impl Stats {
    pub fn bump(&self, field: impl FnOnce(&mut Counts)) {
        field(&mut self.counts.lock().unwrap());
        self.changed.notify_all();
    }

    pub fn snapshot(&self) -> Counts {
        *self.counts.lock().unwrap()
    }

    /// Waits until `done` holds (at most `limit`; then panics naming `what`).
    pub fn wait_until(
        &self,
        what: &str,
        limit: Duration,
        done: impl Fn(&Counts) -> bool,
    ) -> Counts {
        let deadline = Instant::now() + limit;
        let mut counts = self.counts.lock().unwrap();
        while !done(&counts) {
            let now = Instant::now();
            assert!(
                now < deadline,
                "waited {limit:?} for {what}; counts: {counts:?}"
            );
            counts = self.changed.wait_timeout(counts, deadline - now).unwrap().0;
        }
        *counts
    }
}

/// For each `name => body` (optionally `name => body, config`), a module `name` with one
/// `#[test]` per runtime of the table; `body(&server)` runs against a server started on
/// that runtime with `config` (default: `Config::default()`), under a watchdog.
#[macro_export]
macro_rules! on_every_runtime {
    ($($name:ident => $body:ident $(, $config:expr)?;)*) => {$(
        mod $name {
            $crate::on_every_runtime!(@cell $body, ($($config)?); local, pool, foreign);
        }
    )*};
    (@cell $body:ident, $config:tt; $($runtime:ident),*) => {$(
        #[test]
        fn $runtime() {
            let _watchdog = wakewire_test_util::watchdog(
                concat!(module_path!(), "::", stringify!($runtime)),
                std::time::Duration::from_secs(60),
            );
            let server = $crate::util::Server::start(
                $crate::util::Runtime::$runtime(),
                $crate::on_every_runtime!(@config $config),
            );
            super::$body(&server);
            server.stop();
        }
    )*};
    (@config ()) => { $crate::util::Config::default() };
    (@config ($config:expr)) => { $config };
}
