//! Two threads churn socket pairs — register, write a byte, drop before the event is
//! handled, register a new pair that reuses the fd numbers — while a reactor thread
//! delivers events. No event reaches a registration of another generation, and the slab
//! returns to baseline. Checked three ways:
//!
//! - every registration gets a token of its own, even when its slab index and fd are reused;
//! - every event the selector hands over for an already-dropped registration is counted as
//!   stale by the reactor (none is delivered to whoever reused the slot);
//! - a fresh pair, with nothing written to it and still open, never turns readable or
//!   closed (what a misdelivered event for the dropped pair would make it).

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use futures_util::io::AsyncWriteExt;
use mio::{Registry, Token};
use wakewire_reactor_mio::{Event, Handle, MioSelector, Reactor, Selector, UnixStream};

/// Tokens of registrations that are gone: inserted only after their source was dropped.
type Dead = Arc<Mutex<HashSet<Token>>>;

/// A real selector that pauses between fetching events and handing them over, widening
/// the window in which a fetched event's source is dropped and its fd and slab index
/// reused. It counts the events it hands over for registrations already dropped by then:
/// the reactor must count each of those as stale.
struct SlowSelector {
    real: MioSelector,
    dead: Dead,
    dead_events: Arc<AtomicU64>,
}

impl Selector for SlowSelector {
    fn registry(&self) -> &Registry {
        self.real.registry()
    }

    fn select(
        &mut self,
        events: &mut Vec<Event>,
        timeout: Option<Duration>,
    ) -> std::io::Result<()> {
        self.real.select(events, timeout)?;
        thread::sleep(Duration::from_micros(200));
        let dead = self.dead.lock().unwrap();
        let for_dead = events.iter().filter(|e| dead.contains(&e.token)).count();
        self.dead_events
            .fetch_add(for_dead as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// Panics if a pair that nobody wrote to or closed looks readable or hung up: that
/// readiness could only come from an event for a dropped pair.
fn check_untouched((c, d): &(UnixStream, UnixStream)) {
    for stream in [c, d] {
        let ready = stream.registration().readiness();
        assert!(
            !(ready.is_readable() || ready.is_read_closed() || ready.is_write_closed()),
            "stale event delivered to {stream:?}"
        );
    }
}

/// Returns the tokens of every registration it made, and the last few fresh pairs (still
/// open, to be checked once the reactor has handled everything in flight).
fn churn(
    handle: &Handle,
    cycles: usize,
    dead: &Dead,
) -> (Vec<Token>, Vec<(UnixStream, UnixStream)>) {
    let mut tokens = Vec::with_capacity(cycles * 4);
    let mut fresh: VecDeque<(UnixStream, UnixStream)> = VecDeque::new();
    for _ in 0..cycles {
        let (a, mut b) = UnixStream::pair_with(handle).unwrap();
        let gone = [a.registration().token(), b.registration().token()];
        futures_executor::block_on(b.write_all(b"x")).unwrap(); // an event for `a` is coming
        drop((a, b)); // ... but `a` is gone before the reactor handles it
        dead.lock().unwrap().extend(gone);
        let pair = UnixStream::pair_with(handle).unwrap(); // likely the same fd numbers
        tokens.extend(gone);
        tokens.extend([pair.0.registration().token(), pair.1.registration().token()]);
        fresh.push_back(pair);
        if fresh.len() > 8 {
            check_untouched(&fresh.pop_front().unwrap());
        }
    }
    (tokens, fresh.into())
}

#[test]
fn stress_fd_reuse_registration_churn() {
    let _watchdog = wakewire_test_util::watchdog("stress_fd_reuse", Duration::from_secs(90));
    let dead = Dead::default();
    let dead_events = Arc::new(AtomicU64::new(0));
    let selector = SlowSelector {
        real: MioSelector::new().unwrap(),
        dead: Arc::clone(&dead),
        dead_events: Arc::clone(&dead_events),
    };
    let driver =
        wakewire_test_util::MioReactorThread::start_with(Reactor::with_selector(selector).unwrap());
    let handle = driver.handle();
    let baseline = handle.metrics().registrations;
    let cycles = wakewire_test_util::scaled(if cfg!(debug_assertions) {
        2_000
    } else {
        10_000
    });
    // The race depends on scheduling: a loaded machine can hand every event over before
    // its pair is dropped. Churn in batches until it has happened (bounded in time).
    let started = std::time::Instant::now();
    let (mut tokens, mut fresh) = (Vec::new(), Vec::new());
    loop {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (handle, dead) = (handle.clone(), Arc::clone(&dead));
                thread::spawn(move || churn(&handle, cycles / 2, &dead))
            })
            .collect();
        for worker in workers {
            let (made, open) = worker.join().unwrap();
            tokens.extend(made);
            fresh.extend(open);
        }
        let raced = dead_events.load(Ordering::Relaxed) > 0;
        if raced || cycles < 1_000 || started.elapsed() > Duration::from_secs(20) {
            break;
        }
    }
    // Two full turns after the churn: every event fetched before it ended is dispatched.
    let turns = handle.metrics().turns;
    wakewire_test_util::wait_until(
        "two more turns of the reactor thread",
        Duration::from_secs(10),
        || {
            handle.unpark();
            handle.metrics().turns >= turns + 2
        },
    );
    fresh.iter().for_each(check_untouched);
    drop(fresh);
    assert_eq!(
        handle.metrics().registrations,
        baseline,
        "slab back to baseline"
    );
    drop(driver); // joins the reactor thread: every handed-over event is dispatched
    let metrics = handle.metrics();

    let distinct: HashSet<Token> = tokens.iter().copied().collect();
    assert_eq!(distinct.len(), tokens.len(), "a token was handed out twice");
    let for_dead = dead_events.load(Ordering::Relaxed);
    if cycles >= 1_000 {
        // A few hundred at full scale; none after 20 s of churn would mean the checks
        // below proved nothing.
        assert!(
            for_dead > 0,
            "no event for a dropped registration: the race never ran"
        );
    }
    // Events for dropped registrations are the race this test provokes. Each must have
    // been dropped as stale; one delivered instead would leave `stale_events` short.
    assert!(
        metrics.stale_events >= for_dead,
        "{for_dead} events for dropped registrations, only {} dropped as stale: the rest \
         reached a registration of another generation",
        metrics.stale_events
    );
    eprintln!(
        "{} registrations; {for_dead} events for dropped ones, {} stale events dropped",
        tokens.len(),
        metrics.stale_events
    );
}
