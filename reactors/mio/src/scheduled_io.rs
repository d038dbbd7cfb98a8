//! [`ScheduledIo`]: the state one registration shares between the reactor and its futures.
//!
//! One atomic word holds the readiness flags, two closing flags and a *tick*; one
//! [`WakerSlot`] per [`Direction`] holds the waker of the task waiting in it.
//!
//! ```text
//!   word:  [ tick ........ | DEREGISTERED | SHUTDOWN | WRITE_CLOSED READ_CLOSED WRITABLE READABLE ]
//!           bits 8..          bit 5          bit 4      bits 0..4
//!
//!   (1) set_readiness    reactor, per event       ready |= r; tick += 1; then wake r's waiters
//!   (2) poll_ready       leaf future              ready ∩ dir ≠ ∅ → ReadyEvent { tick, ready }
//!                                                 else register waker, re-check, Pending
//!   (3) clear_readiness  leaf future, after       if tick == event.tick:
//!                        WouldBlock                   ready -= event.ready
//!   (3') clear_edges     leaf future, after a     if tick == event.tick:
//!                        short stream transfer        ready -= event.ready ∩ {READABLE, WRITABLE}
//!   (4) close            reactor drop or          SHUTDOWN / DEREGISTERED; wake both directions
//!                        deregister
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
//! No lost wakeup: (2) registers its waker *before* its second look at the word, and (1)
//! sets the word *before* it takes the waker. The slot's lock orders the two, so the task
//! either sees the readiness or its waker is taken and woken.

// Public only to loom models (`--cfg loom`), which drive this protocol directly.
#![cfg_attr(not(loom), allow(unreachable_pub, dead_code))]

use std::io;
use std::task::{Context, Poll, Waker};

use wakewire_core::waker::WakerSlot;

use crate::error::{not_registered, shutdown_error};
use crate::readiness::{Direction, Readiness};
use crate::sync::{AtomicUsize, Ordering};

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

/// Readiness and wakers of one registered source; see the [module docs](self).
#[derive(Debug)]
pub struct ScheduledIo {
    word: AtomicUsize,
    reader: WakerSlot,
    writer: WakerSlot,
}

impl Default for ScheduledIo {
    fn default() -> Self {
        ScheduledIo::new()
    }
}

impl ScheduledIo {
    /// Fresh state: nothing ready, no waker.
    pub fn new() -> Self {
        ScheduledIo {
            word: AtomicUsize::new(0),
            reader: WakerSlot::new(),
            writer: WakerSlot::new(),
        }
    }

    fn slot(&self, direction: Direction) -> &WakerSlot {
        match direction {
            Direction::Read => &self.reader,
            Direction::Write => &self.writer,
        }
    }

    /// (1) Records an event: ORs `ready` in and advances the tick. Call
    /// [`take_wakers`](Self::take_wakers) after it (or use [`wake`](Self::wake)).
    pub fn set_readiness(&self, ready: Readiness) {
        // AcqRel: the wake that follows must not be reordered before this store; the
        // slot's lock then publishes it to the task (module docs).
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

    /// Moves the wakers of the directions in `ready` into `out`, so the caller can wake
    /// them after releasing its own locks.
    pub fn take_wakers(&self, ready: Readiness, out: &mut Vec<Waker>) {
        for direction in [Direction::Read, Direction::Write] {
            if !ready.intersection(direction.mask()).is_empty() {
                if let Some(waker) = self.slot(direction).take() {
                    out.push(waker);
                }
            }
        }
    }

    /// (1) in one call: records `ready` and wakes its waiters.
    pub fn wake(&self, ready: Readiness) {
        self.set_readiness(ready);
        let mut wakers = Vec::new();
        self.take_wakers(ready, &mut wakers);
        wakers.into_iter().for_each(Waker::wake);
    }

    /// (2) Returns the readiness of `direction` if any is set; otherwise stores the
    /// context's waker (the latest one wins) and returns `Pending`.
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
        self.slot(direction).register(cx.waker());
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

    /// (4) The reactor is gone: every waiter wakes and sees [`ReactorShutdown`](crate::ReactorShutdown).
    pub fn shutdown(&self) {
        self.close(SHUTDOWN);
    }

    /// (4) The source was deregistered: waiters wake with a `NotFound` error.
    pub fn deregistered(&self) {
        self.close(DEREGISTERED);
    }

    fn close(&self, flag: usize) {
        self.word.fetch_or(flag, Ordering::AcqRel);
        let waiters = [self.reader.take(), self.writer.take()];
        waiters.into_iter().flatten().for_each(Waker::wake);
    }

    /// The readiness flags currently set (for tests and diagnostics).
    pub fn readiness(&self) -> Readiness {
        Readiness::from_bits(self.word.load(Ordering::Acquire))
    }
}
