//! [`IoState`]: what one registered source shares between the reactor and its futures —
//! one atomic readiness word, and a [`WaitList`] per [`Direction`] — and [`Waiter`], a
//! waiting future's place in one of those lists.
//!
//! ```text
//!   word:  [ tick ........ | DEREGISTERED | SHUTDOWN | WRITE_CLOSED READ_CLOSED WRITABLE READABLE ]
//!           bits 8..          bit 5          bit 4      bits 0..4
//!
//!   (1) set_readiness    reactor, per event       ready |= r; tick += 1; then take r's waiters
//!   (2) poll_ready       leaf future              ready ∩ dir ≠ ∅ → ReadyEvent { tick, ready }
//!       Waiter::poll_ready                        else store waker, re-check, Pending
//!   (3) clear_readiness  leaf future, after       if tick == event.tick:
//!                        WouldBlock                   ready -= event.ready
//!   (3') clear_edges     leaf future, after a     if tick == event.tick:
//!                        short stream transfer        ready -= event.ready ∩ {READABLE, WRITABLE}
//!   (4) shutdown,        reactor drop or          SHUTDOWN / DEREGISTERED; take both directions'
//!       deregistered     deregister               waiters
//!   (5) Waiter::drop     leaf future dropped      remove its queue entry (if still queued)
//! ```
//!
//! Why (3) clears the closed flags too: a direction that is really closed never blocks
//! (reads return EOF, writes an error), so `WouldBlock` proves that what set them — an
//! error event, whose error the previous call consumed — is over. Keeping them would send
//! every later poll straight back to the system call: a busy loop. (3') keeps them: a
//! short read before EOF says nothing about the close, and EOF must stay visible.
//!
//! Why the tick: between a future observing readiness (2) and its system call returning
//! `WouldBlock`, a new event may arrive (1). Clearing without the tick would erase that new
//! event and strand the task. With it, (3) only clears when no event arrived since (2); any
//! newer event bumped the tick, so the clear is a no-op and the next poll retries the call.
//! The tick counts events, not reactor turns, so even two events of one turn (a duplicate
//! from the selector) are ordered. `loom_readiness_clear_vs_event` checks the protocol.
//!
//! No lost wakeup: (2) stores its waker *before* its second look at the word, and (1)
//! sets the word *before* it takes the waiters. The wait list's lock orders the two, so the
//! future either sees the readiness or its waker is taken and woken. (1) takes *every*
//! waiter of the direction (see [`WaitList`]), so (5) never drops a wakeup another waiter
//! needed. `loom_wait_list` checks both.
//!
//! Wakers leave the lists under the lock, and are woken or dropped after it is released.

// Public only to loom models (`--cfg loom`), which drive this protocol directly.
#![cfg_attr(not(loom), allow(unreachable_pub, dead_code))]

use std::fmt;
use std::io;
use std::sync::PoisonError;
use std::task::{Context, Poll, Waker};

use crate::error::{not_registered, shutdown_error};
use crate::readiness::{Direction, Readiness};
use crate::sync::{AtomicUsize, Mutex, MutexGuard, Ordering};
use crate::wait_list::{WaitKey, WaitList};

const SHUTDOWN: usize = 1 << 4;
const DEREGISTERED: usize = 1 << 5;
const TICK_SHIFT: u32 = 8;
const TICK_ONE: usize = 1 << TICK_SHIFT;
const EDGES: usize = Readiness::READABLE.bits() | Readiness::WRITABLE.bits();

/// A snapshot of readiness taken by
/// [`Registration::poll_ready`](crate::Registration::poll_ready): pass it back to
/// [`Registration::clear_readiness`](crate::Registration::clear_readiness) when the
/// operation hit `WouldBlock`. The snapshot's tick makes that clear a no-op if a newer
/// event arrived in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyEvent {
    tick: usize,
    ready: Readiness,
}

impl ReadyEvent {
    /// The readiness flags that were set, limited to the direction that was polled.
    pub fn readiness(&self) -> Readiness {
        self.ready
    }
}

/// Readiness and waiters of one registered source; see the [module docs](self).
#[derive(Debug, Default)]
pub struct IoState {
    word: AtomicUsize,
    read: Mutex<WaitList>,
    write: Mutex<WaitList>,
}

impl IoState {
    /// Fresh state: nothing ready, nobody waiting.
    pub fn new() -> Self {
        IoState::default()
    }

    fn waiters(&self, direction: Direction) -> MutexGuard<'_, WaitList> {
        let list = match direction {
            Direction::Read => &self.read,
            Direction::Write => &self.write,
        };
        // Nothing runs foreign code while a list is locked (wakers leave it first), so a
        // poisoned list is still consistent.
        list.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// (1) Records an event: ORs `ready` in and advances the tick. Call
    /// [`take_wakers`](Self::take_wakers) after it (or use [`wake`](Self::wake)).
    pub fn set_readiness(&self, ready: Readiness) {
        // AcqRel: the waiters are taken after this store; a wait list's lock then
        // publishes it to the futures (module docs).
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            let next = (current | ready.bits()).wrapping_add(TICK_ONE);
            match self.word.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// Moves every waiter of the directions in `ready` into `out`, so the caller can wake
    /// them after releasing its own locks.
    pub fn take_wakers(&self, ready: Readiness, out: &mut Vec<Waker>) {
        for direction in [Direction::Read, Direction::Write] {
            if !ready.intersection(direction.mask()).is_empty() {
                self.waiters(direction).take_all(out);
            }
        }
    }

    /// (1) in one call: records `ready` and wakes its waiters (a waker's panic is dropped,
    /// as the reactor drops it).
    pub fn wake(&self, ready: Readiness) {
        self.set_readiness(ready);
        let mut wakers = Vec::new();
        self.take_wakers(ready, &mut wakers);
        wake(wakers);
    }

    /// (2) for the `poll_*` functions: returns the readiness of `direction` if any is set;
    /// otherwise stores the context's waker in the direction's one poll slot (the latest
    /// one wins) and returns `Pending`.
    ///
    /// # Errors
    ///
    /// The reactor was shut down ([`ReactorShutdown`](crate::ReactorShutdown)), or the
    /// source was deregistered (`NotFound`).
    pub fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        // Fast path, no lock: the readiness is already there.
        if let Some(result) = self.check(direction) {
            return Poll::Ready(result);
        }
        let replaced = self.waiters(direction).set_poll_waker(cx.waker());
        drop(replaced); // after unlocking: it may be the last reference into an executor
        match self.check(direction) {
            Some(result) => Poll::Ready(result),
            None => Poll::Pending,
        }
    }

    fn check(&self, direction: Direction) -> Option<io::Result<ReadyEvent>> {
        let word = self.word.load(Ordering::Acquire);
        if word & SHUTDOWN != 0 {
            return Some(Err(shutdown_error()));
        }
        if word & DEREGISTERED != 0 {
            return Some(Err(not_registered("poll_ready")));
        }
        let ready = Readiness::from_bits(word).intersection(direction.mask());
        if ready.is_empty() {
            return None;
        }
        Some(Ok(ReadyEvent {
            tick: word >> TICK_SHIFT,
            ready,
        }))
    }

    /// (3) After the operation got `WouldBlock`: clears every flag of `event`, the closed
    /// ones included (see the [module docs](self)), unless an event arrived since it was
    /// taken.
    pub fn clear_readiness(&self, event: ReadyEvent) {
        self.clear(event, event.ready.bits());
    }

    /// (3') After a short transfer on a byte stream: clears the edge flags of `event`
    /// only, unless an event arrived since it was taken. Closed flags stay: EOF stays
    /// visible for every later read.
    pub fn clear_edges(&self, event: ReadyEvent) {
        self.clear(event, event.ready.bits() & EDGES);
    }

    fn clear(&self, event: ReadyEvent, clear: usize) {
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            if current >> TICK_SHIFT != event.tick || current & clear == 0 {
                return; // a newer event is in (keep it), or nothing to clear
            }
            match self.word.compare_exchange_weak(
                current,
                current & !clear,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// (4) The reactor is gone: every waiter is moved into `out`; woken, each sees
    /// [`ReactorShutdown`](crate::ReactorShutdown).
    pub fn shutdown(&self, out: &mut Vec<Waker>) {
        self.close(SHUTDOWN, out);
    }

    /// (4) The source was deregistered: every waiter is moved into `out`; woken, each
    /// sees a `NotFound` error.
    pub fn deregistered(&self, out: &mut Vec<Waker>) {
        self.close(DEREGISTERED, out);
    }

    fn close(&self, flag: usize, out: &mut Vec<Waker>) {
        self.word.fetch_or(flag, Ordering::AcqRel);
        self.waiters(Direction::Read).take_all(out);
        self.waiters(Direction::Write).take_all(out);
    }

    /// The readiness flags currently set (for tests and diagnostics).
    pub fn readiness(&self) -> Readiness {
        Readiness::from_bits(self.word.load(Ordering::Acquire))
    }

    /// How many futures are queued in `direction` (the poll waker not counted).
    pub fn queued(&self, direction: Direction) -> usize {
        self.waiters(direction).queued()
    }
}

/// Wakes `wakers` under the reactor's policy (one panicking waker neither stops the others
/// nor unwinds into the caller); for the model checks and the deregistration path.
pub(crate) fn wake(wakers: Vec<Waker>) {
    if let Some(payload) = wakewire_core::waker::wake_all("mio", wakers) {
        wakewire_core::panic::drop_payload(payload);
    }
}

/// A waiting future's place in the queue of one direction of one source: (2) and (5) of
/// the [module docs](self) for the futures that may share a direction (`recv`, `accept`,
/// `readable`, ...). Unlike the direction's one poll waker, every `Waiter` is woken by
/// the next event.
///
/// Dropping it removes its entry, so a cancelled future leaves nothing behind.
pub struct Waiter<'a> {
    io: &'a IoState,
    direction: Direction,
    key: Option<WaitKey>,
}

impl<'a> Waiter<'a> {
    /// A waiter for `direction` of `io`, not queued yet.
    pub fn new(io: &'a IoState, direction: Direction) -> Self {
        Waiter {
            io,
            direction,
            key: None,
        }
    }

    /// The state this waiter waits on.
    pub fn io(&self) -> &'a IoState {
        self.io
    }

    /// (2) for a waiting future: returns the readiness of the direction if any is set
    /// (leaving the queue); otherwise queues the context's waker, or updates this waiter's
    /// entry, and returns `Pending`.
    ///
    /// # Errors
    ///
    /// As [`IoState::poll_ready`].
    pub fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        if let Some(result) = self.io.check(self.direction) {
            self.leave();
            return Poll::Ready(result);
        }
        let replaced = self
            .io
            .waiters(self.direction)
            .wait(&mut self.key, cx.waker());
        drop(replaced); // after unlocking
        match self.io.check(self.direction) {
            Some(result) => {
                self.leave();
                Poll::Ready(result)
            }
            None => Poll::Pending,
        }
    }

    /// (5) Removes this waiter's entry, if it is still queued (a woken waiter's was taken
    /// out by the reactor). Readiness in hand, it needs no wakeup.
    fn leave(&mut self) {
        if let Some(key) = self.key.take() {
            let removed = self.io.waiters(self.direction).remove(key);
            drop(removed); // after unlocking
        }
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        self.leave();
    }
}

impl fmt::Debug for Waiter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("direction", &self.direction)
            .field("queued", &self.key.is_some())
            .finish()
    }
}
