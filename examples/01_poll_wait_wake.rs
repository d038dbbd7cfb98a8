//! 01 — Poll → Wait → Wake, one step at a time.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 01_poll_wait_wake
//! ```
//!
//! A hand-written *leaf future* (`Doorbell`) hands its task's waker to a tiny "reactor"
//! thread, which rings it after a pause. The task runs on Wakewire's local executor, whose
//! idle wait goes through a park that prints what it does. Look for this order in the
//! output:
//!
//! 1. `poll #1 -> Pending`: the leaf future is not ready; it stores a clone of the waker
//!    where the reactor can reach it and registers with the reactor;
//! 2. `reactor: holding the waker` and `executor: nothing to run, parking` (in either
//!    order: two threads): the reactor owns the clone now, and the executor thread sleeps
//!    instead of spinning;
//! 4. `reactor: event! calling wake()`: the event happens on another thread;
//! 5. `executor: unparked`: `wake()` queued the task and woke the executor's thread;
//! 6. `poll #2 -> Ready`: the same task is polled again and finishes.

use std::io;
use std::pin::Pin;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use wakewire::core::{BlockOn, Park, Spawn, ThreadParker};
use wakewire::local::LocalExecutor;

/// What the doorbell and the reactor share: did it ring, and whom to wake when it does.
#[derive(Default)]
struct Bell {
    rang: bool,
    waker: Option<Waker>,
}

type Registrations = mpsc::Sender<(Duration, Arc<Mutex<Bell>>)>;

/// A leaf future: it resolves when the reactor rings its bell.
struct Doorbell {
    reactor: Registrations,
    delay: Duration,
    bell: Arc<Mutex<Bell>>,
    polls: u32,
}

impl std::future::Future for Doorbell {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        let polls = self.polls;
        let mut bell = self.bell.lock().unwrap();
        if bell.rang {
            say(&format!("task: poll #{polls} -> Ready (the bell rang)"));
            return Poll::Ready(polls);
        }
        // Keep the *latest* waker: a future may be moved to another task between polls.
        match &bell.waker {
            Some(stored) if stored.will_wake(cx.waker()) => {}
            _ => bell.waker = Some(cx.waker().clone()),
        }
        say(&format!(
            "task: poll #{polls} -> Pending (waker stored for the reactor)"
        ));
        if polls == 1 {
            // First poll: hand the event source to the reactor.
            let registration = (self.delay, Arc::clone(&self.bell));
            self.reactor
                .send(registration)
                .expect("reactor thread is running");
        }
        Poll::Pending
    }
}

/// The "reactor": a thread that owns event sources (here: bells to ring after a delay).
fn start_reactor() -> Registrations {
    let (register, registrations) = mpsc::channel::<(Duration, Arc<Mutex<Bell>>)>();
    thread::spawn(move || {
        for (delay, bell) in registrations {
            say("reactor: holding the waker, waiting for the event");
            thread::sleep(delay);
            let waker = {
                let mut bell = bell.lock().unwrap();
                bell.rang = true;
                bell.waker.take()
            };
            say("reactor: event! calling wake()");
            if let Some(waker) = waker {
                waker.wake(); // consumes the reactor's clone
            }
        }
    });
    register
}

/// A `Park` that prints when the executor goes idle and when it is woken.
struct LoudPark(ThreadParker);

impl Park for LoudPark {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.0.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        say("executor: nothing to run, parking");
        self.0.park()?;
        say("executor: unparked");
        Ok(())
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.0.park_timeout(timeout)
    }
}

fn say(line: &str) {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let start = *EPOCH.get_or_init(Instant::now);
    println!("{:>6.1} ms  {line}", start.elapsed().as_secs_f64() * 1e3);
}

fn main() {
    say("main: starting a local executor and a reactor thread");
    let reactor = start_reactor();
    let ex = LocalExecutor::with_park(LoudPark(ThreadParker::new()));

    let doorbell = Doorbell {
        reactor,
        delay: Duration::from_millis(100),
        bell: Arc::default(),
        polls: 0,
    };

    // A non-leaf future: an `async` block that awaits the leaf.
    let task = ex
        .spawn(async move {
            let polls = doorbell.await;
            say("task: done");
            polls
        })
        .unwrap();

    let polls = ex
        .block_on(task)
        .expect("the task neither panics nor is cancelled");
    say(&format!(
        "main: the leaf future was polled {polls} times: once to register, once to finish"
    ));
}
