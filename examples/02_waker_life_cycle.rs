//! 02 — A waker's life: created, cloned, handed over, woken, dropped.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 02_waker_life_cycle            # add `-- --svg FILE` for a timeline
//! ```
//!
//! The executor creates a waker for each task and lends it to every poll through the
//! `Context`. A leaf future that must wait *clones* it and hands the clone to whoever
//! will signal the event; that party *wakes* it (consuming the clone) or *drops* it. Any
//! clone wakes the same task. The tracer gives each poll its own waker *generation*
//! wrapped around the executor's, counts the clones a poll left behind (`kept`), and
//! records when the last clone of a generation goes (`N left` = generations still held).
//!
//! Here `mailbox` is a leaf future that keeps *two* clones: one in the post office's
//! register, one spare. The `postman` task knocks once (`wake_by_ref` on the register's
//! clone, which stays), then delivers (`wake`, which consumes it). Look for:
//!
//! 1. `◀ Pending kept 2` after `mailbox`'s poll 1: two clones of generation 1 are out;
//! 2. the knock makes poll 2 happen; the mailbox replaces both clones with generation 2's
//!    (`kept 2` again), so generation 1's last clone goes, during that poll:
//!    `✗ old waker 1 dropped`;
//! 3. the delivery wakes generation 2 (`↯ wake → mailbox` consumes the register's clone);
//!    poll 3 is `Ready`, and when the finished task's future is dropped, the spare goes
//!    with it: `✗ drop mailbox waker, 0 left`. A waker nobody holds any more can never wake anyone — which is
//!    fine once the task is done, and a bug (a *lost waker*) while it is `Pending`.

use std::cell::RefCell;
use std::fmt::Write;
use std::future::{poll_fn, Future};
use std::rc::Rc;
use std::task::{Poll, Waker};

use wakewire::core::future::yield_now;
use wakewire::core::{BlockOn, LocalSpawn};
use wakewire::local::LocalExecutor;
use wakewire_adapter_trace::render::{svg, text, SvgOptions, TextOptions};
use wakewire_adapter_trace::{doctor::doctor, Recorder, Trace, TraceExt};

/// The post office: one letter slot and the register of who waits for it.
#[derive(Default)]
struct PostOffice {
    letter: Option<&'static str>,
    register: Option<Waker>,
}

/// A leaf future: resolves when a letter arrives. It keeps the register's clone and a
/// spare, both replaced on every poll (a future must wake the *latest* waker).
fn mailbox(office: Rc<RefCell<PostOffice>>) -> impl Future<Output = &'static str> {
    let mut spare: Option<Waker> = None;
    poll_fn(move |cx| {
        let mut office = office.borrow_mut();
        if let Some(letter) = office.letter.take() {
            return Poll::Ready(letter);
        }
        office.register = Some(cx.waker().clone()); // clone 1: for the postman
        let older = spare.replace(cx.waker().clone()); // clone 2: kept by the future itself
        drop(older); // the previous poll's clone, if any, is no longer needed
        Poll::Pending
    })
}

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let ex = LocalExecutor::new();
    let office = Rc::new(RefCell::new(PostOffice::default()));

    let waiting = ex
        .spawn_local(mailbox(Rc::clone(&office)).traced_in(&recorder, "mailbox"))
        .expect("the executor is alive");
    let postman_office = Rc::clone(&office);
    let postman = async move {
        yield_now().await; // let the mailbox wait first
        let knock = postman_office.borrow().register.clone();
        if let Some(waker) = knock {
            waker.wake_by_ref(); // a knock: wakes, keeps the clone
        }
        yield_now().await;
        let registered = {
            let mut office = postman_office.borrow_mut();
            office.letter = Some("hello");
            office.register.take()
        };
        if let Some(waker) = registered {
            waker.wake(); // delivery: wakes, consumes the register's clone
        }
    };
    ex.spawn_local(postman.traced_in(&recorder, "postman"))
        .expect("the executor is alive")
        .detach();
    let letter = ex.block_on(waiting).expect("the mailbox finished");

    let trace = recorder.snapshot();
    let mut out = format!("mailbox received {letter:?}\n\n");
    let options = TextOptions::without_times();
    let _ = write!(out, "{}", text(&trace, &doctor(&trace), &options));
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let title = SvgOptions::titled("02 — a waker's life");
        std::fs::write(path, svg(&trace, &doctor(&trace), &title)).expect("write the SVG");
    }
}
