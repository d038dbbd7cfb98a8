//! The executor waits through any core `Park`, and parks stack: a layer wrapping an inner
//! park sees every idle wait and every busy-time zero-timeout turn.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use wakewire_core::{Park, ThreadParker};
use wakewire_executor_local::LocalExecutor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Park,
    Turn,
}

/// A park layer that records its calls and forwards them to the layer below.
struct Recording<P> {
    inner: P,
    log: Rc<RefCell<Vec<(&'static str, Call)>>>,
    name: &'static str,
    /// Told each time a blocking park begins, so a test can wake the thread only once it
    /// is really on its way to sleep.
    parking: Option<mpsc::Sender<()>>,
}

impl<P: Park> Park for Recording<P> {
    type Unpark = P::Unpark;

    fn unparker(&self) -> P::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        self.log.borrow_mut().push((self.name, Call::Park));
        if let Some(parking) = &self.parking {
            let _ = parking.send(());
        }
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        let call = if timeout.is_zero() {
            Call::Turn
        } else {
            Call::Park
        };
        self.log.borrow_mut().push((self.name, call));
        if let (Some(parking), Call::Park) = (&self.parking, call) {
            let _ = parking.send(());
        }
        self.inner.park_timeout(timeout)
    }
}

#[test]
fn idle_executor_parks_through_every_layer_and_is_unparked_by_a_remote_wake() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let (parking_tx, parking_rx) = mpsc::channel();
    let bottom = Recording {
        inner: ThreadParker::new(),
        log: log.clone(),
        name: "bottom",
        parking: Some(parking_tx),
    };
    let top = Recording {
        inner: bottom,
        log: log.clone(),
        name: "top",
        parking: None,
    };
    let ex = LocalExecutor::with_park(top);
    let (tx, rx) = mpsc::channel::<u32>();
    let (waker_tx, waker_rx) = mpsc::channel::<std::task::Waker>();
    let remote = thread::spawn(move || {
        let waker = waker_rx.recv().unwrap();
        // Wake only once the executor is parking (a thread parker keeps an early unpark,
        // so there is no race): otherwise it may see the wake before it ever parks.
        parking_rx.recv().unwrap();
        tx.send(42).unwrap();
        waker.wake();
    });
    let mut sent = false;
    let value = ex.block_on(std::future::poll_fn(|cx| {
        if let Ok(v) = rx.try_recv() {
            return std::task::Poll::Ready(v);
        }
        if !sent {
            waker_tx.send(cx.waker().clone()).unwrap();
            sent = true;
        }
        std::task::Poll::Pending
    }));
    remote.join().unwrap();
    assert_eq!(value, 42);
    let log = log.borrow();
    assert!(!log.is_empty(), "the executor waited in its park");
    // Each wait went through both layers, outer first.
    for pair in log.chunks(2) {
        assert_eq!(pair, [("top", Call::Park), ("bottom", Call::Park)]);
    }
}

#[test]
fn busy_executor_turns_its_park_without_blocking() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let park = Recording {
        inner: ThreadParker::new(),
        log: log.clone(),
        name: "park",
        parking: None,
    };
    let ex = LocalExecutor::with_park(park);
    // 200 tasks x 10 yields keep the queue busy for ~2000 polls.
    let handles: Vec<_> = (0..200)
        .map(|_| {
            ex.spawn(async {
                for _ in 0..10 {
                    let mut yielded = false;
                    std::future::poll_fn(|cx| {
                        if yielded {
                            return std::task::Poll::Ready(());
                        }
                        yielded = true;
                        cx.waker().wake_by_ref();
                        std::task::Poll::Pending
                    })
                    .await;
                }
            })
            .unwrap()
        })
        .collect();
    ex.block_on(async {
        for h in handles {
            h.await.unwrap();
        }
    });
    let turns = log
        .borrow()
        .iter()
        .filter(|(_, c)| *c == Call::Turn)
        .count();
    assert!(
        turns >= 2000 / 61 - 1,
        "expected a zero-timeout turn every 61 polls, saw {turns}"
    );
}
