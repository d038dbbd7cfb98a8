//! B6: two threads churn socket pairs — register, write a byte, drop before the event is
//! handled, register a new pair that reuses the fd numbers — while a reactor thread
//! delivers events. No event reaches a registration it was not meant for (a fresh pair,
//! with nothing written to it, never turns readable), and the slab returns to baseline.

mod util;

use std::collections::VecDeque;
use std::thread;
use std::time::Duration;

use futures_util::io::AsyncWriteExt;
use mio::Registry;
use wakewire_reactor_mio::{Event, Handle, MioSelector, Reactor, Selector, UnixStream};

/// A real selector that pauses between fetching events and handing them over, widening
/// the window in which a fetched event's source is dropped and its fd and slab index reused.
struct SlowSelector(MioSelector);

impl Selector for SlowSelector {
    fn registry(&self) -> &Registry {
        self.0.registry()
    }

    fn select(
        &mut self,
        events: &mut Vec<Event>,
        timeout: Option<Duration>,
    ) -> std::io::Result<()> {
        self.0.select(events, timeout)?;
        thread::sleep(Duration::from_micros(200));
        Ok(())
    }
}

fn churn(handle: &Handle, cycles: usize) {
    let mut fresh: VecDeque<(UnixStream, UnixStream)> = VecDeque::new();
    for _ in 0..cycles {
        let (a, mut b) = UnixStream::pair_with(handle).unwrap();
        futures_executor::block_on(b.write_all(b"x")).unwrap(); // an event for `a` is coming
        drop((a, b)); // ... but `a` is gone before the reactor handles it
        let pair = UnixStream::pair_with(handle).unwrap(); // likely the same fd numbers
        fresh.push_back(pair);
        if fresh.len() > 8 {
            let (c, d) = fresh.pop_front().unwrap();
            // Nobody ever wrote to c or d: READABLE there would be someone else's event.
            assert!(
                !c.registration().readiness().is_readable(),
                "stale event delivered"
            );
            assert!(
                !d.registration().readiness().is_readable(),
                "stale event delivered"
            );
        }
    }
}

#[test]
fn stress_fd_reuse_registration_churn() {
    let _watchdog = util::Watchdog::new("stress_fd_reuse", Duration::from_secs(60));
    let selector = SlowSelector(MioSelector::new().unwrap());
    let driver = util::ReactorThread::start_with(Reactor::with_selector(selector).unwrap());
    let handle = driver.handle();
    let baseline = handle.metrics().registrations;
    let cycles = util::scaled(if cfg!(debug_assertions) {
        2_000
    } else {
        10_000
    });
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let handle = handle.clone();
            thread::spawn(move || churn(&handle, cycles / 2))
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let metrics = handle.metrics();
    assert_eq!(metrics.registrations, baseline, "slab back to baseline");
    // Stale events are expected (that is the race this test provokes); they were all
    // dropped by the generation check instead of reaching a handler.
    eprintln!("stale events dropped: {}", metrics.stale_events);
}
