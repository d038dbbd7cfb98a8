//! A fake selector under the reactor injects EINTR, spurious events, duplicate events
//! and events for a deregistered token; the reactor shrugs them all off.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_io::AsyncRead;
use futures_util::io::AsyncWriteExt;
use mio::Registry;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_mio::{Event, MioSelector, Reactor, Readiness, Selector, UnixStream};

enum Step {
    Fail(io::ErrorKind),
    Events(Vec<Event>),
}

/// Delegates registration (and, with an empty script, waiting) to a real selector.
struct FakeSelector {
    real: MioSelector,
    script: Arc<Mutex<VecDeque<Step>>>,
}

impl Selector for FakeSelector {
    fn registry(&self) -> &Registry {
        self.real.registry()
    }

    fn select(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<()> {
        match self.script.lock().unwrap().pop_front() {
            Some(Step::Fail(kind)) => Err(io::Error::from(kind)),
            Some(Step::Events(injected)) => {
                events.extend(injected);
                Ok(())
            }
            None => self.real.select(events, timeout),
        }
    }
}

fn poll_read(stream: &mut UnixStream, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
    let mut buf = [0; 16];
    Pin::new(stream).poll_read(cx, &mut buf)
}

#[test]
fn fault_reactor_selector_errors() {
    let _watchdog =
        wakewire_test_util::watchdog("fault_reactor_selector_errors", Duration::from_secs(20));
    let script = Arc::new(Mutex::new(VecDeque::new()));
    let selector = FakeSelector {
        real: MioSelector::new().unwrap(),
        script: Arc::clone(&script),
    };
    let mut reactor = Reactor::with_selector(selector).unwrap();
    let handle = reactor.handle();
    let (mut a, mut b) = UnixStream::pair_with(&handle).unwrap();
    let token = a.registration().token();
    // Let the initial WRITABLE events in, so later counts only see what we inject.
    reactor.turn(Some(Duration::ZERO)).unwrap();

    // 1. EINTR 100 times: every turn returns Ok, the reactor stays usable.
    for _ in 0..100 {
        script
            .lock()
            .unwrap()
            .push_back(Step::Fail(io::ErrorKind::Interrupted));
    }
    for _ in 0..100 {
        assert_eq!(reactor.turn(None).unwrap(), 0);
    }
    assert_eq!(handle.metrics().interrupted, 100);

    // 2. A spurious READABLE: one wake, then the read finds nothing and waits again.
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(poll_read(&mut a, &mut cx).is_pending());
    let spurious = Event {
        token,
        readiness: Readiness::READABLE,
    };
    script
        .lock()
        .unwrap()
        .push_back(Step::Events(vec![spurious]));
    reactor.turn(None).unwrap();
    assert_eq!(wakes.wakes(), 1);
    assert!(
        poll_read(&mut a, &mut cx).is_pending(),
        "spurious event must not error"
    );

    // 3. Duplicates of one event in one turn: exactly one wake, and the data is read.
    futures_executor::block_on(b.write_all(b"data")).unwrap();
    script
        .lock()
        .unwrap()
        .push_back(Step::Events(vec![spurious; 3]));
    reactor.turn(None).unwrap();
    assert_eq!(wakes.wakes(), 2, "three duplicates gave more than one wake");
    assert!(matches!(poll_read(&mut a, &mut cx), Poll::Ready(Ok(4))));

    // 4. An event for a deregistered token is dropped and counted, nobody is woken.
    let (c, d) = UnixStream::pair_with(&handle).unwrap();
    let dead = c.registration().token();
    drop((c, d));
    let before = handle.metrics();
    script.lock().unwrap().push_back(Step::Events(vec![
        Event {
            token: dead,
            readiness: Readiness::ALL,
        },
        Event {
            token: dead,
            readiness: Readiness::READABLE,
        },
    ]));
    assert_eq!(reactor.turn(None).unwrap(), 0);
    let after = handle.metrics();
    assert_eq!(after.stale_events - before.stale_events, 2);
    assert_eq!(after.wakes, before.wakes);

    // 5. A real error from the selector is returned, and the next turn works again.
    script
        .lock()
        .unwrap()
        .push_back(Step::Fail(io::ErrorKind::Other));
    assert!(reactor.turn(None).is_err());
    futures_executor::block_on(b.write_all(b"x")).unwrap();
    reactor.turn(Some(Duration::from_secs(5))).unwrap();
    assert!(matches!(poll_read(&mut a, &mut cx), Poll::Ready(Ok(1))));
}
