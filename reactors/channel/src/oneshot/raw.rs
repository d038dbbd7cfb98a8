//! The lock-free core of the oneshot: one atomic state word, and three cells (the value,
//! the receiver's waker, the sender's waker) that each side touches only while the state
//! word says the cell is its own.
//!
//! This is the crate's only `unsafe` code: the cells are plain `UnsafeCell`s, and every
//! access is justified by the hand-over rules below. [`TxSide`] and [`RxSide`] keep the
//! side-local half of the protocol (whether their waker is published, whether they are
//! done) private, so nothing outside this module can break the rules with safe code.
//!
//! # State word
//!
//! | bit | set by | meaning |
//! | --- | --- | --- |
//! | `VALUE` | sender, (1) | the value is in its cell |
//! | `TX_DONE` | sender, (1) and (3) | the sender is gone: no value can arrive any more |
//! | `RX_CLOSED` | receiver, (4) | the receiver refuses a value sent from now on |
//! | `RX_WAKER` | receiver, when it waits | the receiver's waker is in its slot |
//! | `TX_WAKER` | sender, in `closed()` | the sender's waker is in its slot |
//!
//! Each side knows the bits it owns (only the sender sets `VALUE`, `TX_DONE` and
//! `TX_WAKER`, only the receiver sets `RX_CLOSED` and `RX_WAKER`, and each clears only its
//! own waker bit), so every transition is one `fetch_xor`, `fetch_or` or `fetch_and`: no
//! compare-and-swap loop, and each returns the other side's bits at the same instant.
//!
//! ```text
//!  sender                           state word                          receiver
//!  (1) send: value into its cell,                                  poll, nothing there:
//!      then VALUE|TX_DONE ─────────► VALUE TX_DONE ◄──── RX_WAKER ── waker into its slot,
//!      saw RX_WAKER? take and wake   RX_CLOSED RX_WAKER TX_WAKER       then set RX_WAKER;
//!      the receiver's waker                                          saw TX_DONE? take it
//!  (3) drop: TX_DONE, same wake                                      back, it is Ready
//!                                                                 (4) close / drop:
//!                                                                    RX_CLOSED, taking
//!                                                                    back RX_WAKER
//! ```
//!
//! # Who owns which cell
//!
//! - **Value.** The sender's until its `TX_DONE` transition (it writes the value *before*
//!   it). If that transition saw `RX_CLOSED`, the value stays the sender's (`send` hands it
//!   back); otherwise it is the receiver's from then on, and the receiver reads it only
//!   after it saw `VALUE` (acquire). A receiver that closed before `VALUE` never reads it.
//! - **A waker slot** (each side has one; the receiver's is described, the sender's
//!   mirrors it with `TX_WAKER`, `RX_CLOSED` and `TX_DONE` swapped). While `RX_WAKER` is
//!   clear the slot is the receiver's: it writes its waker, then sets `RX_WAKER` (release).
//!   The sender's `TX_DONE` transition that sees `RX_WAKER` makes the slot the sender's: it
//!   takes the waker and wakes it. To write again (a later poll), the receiver first clears
//!   `RX_WAKER`; if that shows `TX_DONE`, the sender owns the slot and the receiver leaves
//!   it alone (and is ready anyway). When the receiver's own `RX_WAKER` shows `TX_DONE`, the
//!   sender never saw the waker and the receiver takes it back.
//!
//! Every cell access happens between the state transitions that hand the cell over, so no
//! two threads ever touch a cell at once: the loom models (`tests/loom_oneshot.rs`) check
//! exactly this with loom's race-detecting `UnsafeCell`, and Miri runs the semantics tests.
//!
//! A waker is dropped only after the transition that publishes the new state, never while
//! a cell is borrowed: dropping a task's last waker may run its destructor, which may come
//! back to this channel.
#![allow(unsafe_code)]

use std::task::{Poll, Waker};

use crate::error::{RecvError, TryRecvError};
use crate::sync::atomic::AtomicUsize;
use crate::sync::atomic::Ordering::{AcqRel, Acquire};
use crate::sync::{Arc, UnsafeCell};
use crate::wake::{wake, OnPanic};

const VALUE: usize = 1 << 0;
const TX_DONE: usize = 1 << 1;
const RX_CLOSED: usize = 1 << 2;
const RX_WAKER: usize = 1 << 3;
const TX_WAKER: usize = 1 << 4;

/// What the two sides share.
struct Shared<T> {
    state: AtomicUsize,
    value: UnsafeCell<Option<T>>,
    rx_waker: UnsafeCell<Option<Waker>>,
    tx_waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the cells are only accessed by the side the state word gives them to (module
// docs), one thread at a time, with acquire/release transitions between owners; the value
// moves from the sender's thread to the receiver's, hence `T: Send`. No `&T` is ever shared
// between threads, so `T: Sync` is not needed.
unsafe impl<T: Send> Send for Shared<T> {}
// SAFETY: as for `Send`: shared access only goes through the state word's hand-over.
unsafe impl<T: Send> Sync for Shared<T> {}

impl<T> Shared<T> {
    /// # Safety
    ///
    /// The caller owns the value cell (module docs).
    unsafe fn put_value(&self, value: T) {
        // SAFETY: the caller owns the cell: nobody else accesses it now.
        self.value.with_mut(|cell| unsafe { *cell = Some(value) });
    }

    /// # Safety
    ///
    /// The caller owns the value cell (module docs).
    unsafe fn take_value(&self) -> Option<T> {
        // SAFETY: the caller owns the cell: nobody else accesses it now.
        self.value.with_mut(|cell| unsafe { (*cell).take() })
    }
}

/// Stores `waker` in `slot` unless the stored one `will_wake` it; returns the waker it
/// replaced, for the caller to drop once the new state is published.
///
/// # Safety
///
/// The caller owns `slot` (module docs).
unsafe fn store_waker(slot: &UnsafeCell<Option<Waker>>, waker: &Waker) -> Option<Waker> {
    // SAFETY: the caller owns the slot: nobody else accesses it now. `will_wake` and
    // `clone` are the only foreign code run while it is borrowed; neither can reach this
    // channel (a waker's clone only bumps a reference count).
    slot.with_mut(|slot| unsafe {
        match &*slot {
            Some(stored) if stored.will_wake(waker) => None,
            _ => (*slot).replace(waker.clone()),
        }
    })
}

/// Empties `slot`.
///
/// # Safety
///
/// The caller owns `slot` (module docs).
unsafe fn take_waker(slot: &UnsafeCell<Option<Waker>>) -> Option<Waker> {
    // SAFETY: the caller owns the slot: nobody else accesses it now.
    slot.with_mut(|slot| unsafe { (*slot).take() })
}

/// A new channel's two sides.
pub(super) fn pair<T>() -> (TxSide<T>, RxSide<T>) {
    let shared = Arc::new(Shared {
        state: AtomicUsize::new(0),
        value: UnsafeCell::new(None),
        rx_waker: UnsafeCell::new(None),
        tx_waker: UnsafeCell::new(None),
    });
    let tx = TxSide {
        shared: Arc::clone(&shared),
        waker_set: false,
        done: false,
    };
    let rx = RxSide {
        shared,
        waker_set: false,
        closed: false,
        value_at_close: false,
        done: false,
    };
    (tx, rx)
}

/// The sender's side: sends once, or tells the receiver it is gone when dropped.
pub(super) struct TxSide<T> {
    shared: Arc<Shared<T>>,
    /// `TX_WAKER` is set and the slot holds this side's waker (only this side sets or
    /// clears the bit).
    waker_set: bool,
    /// `TX_DONE` is set: `send` ran, `Drop` has nothing left to do.
    done: bool,
}

impl<T> TxSide<T> {
    /// (1) Sends `value`. `Ok` carries the receiver's waker to wake; `Err` hands the value
    /// back when the receiver closed first.
    pub(super) fn send(mut self, value: T) -> Result<Option<Waker>, T> {
        // SAFETY: `TX_DONE` is not set (only `send`, which consumes the side, and `Drop`
        // set it): the value cell is the sender's.
        unsafe { self.shared.put_value(value) };
        let (prev, own) = self.finish(VALUE | TX_DONE);
        drop(own);
        if prev & RX_CLOSED != 0 {
            // SAFETY: the receiver closed before `VALUE`: it never reads the cell.
            let value = unsafe { self.shared.take_value() };
            return Err(value.expect("the value stored above"));
        }
        Ok(self.receiver_waker(prev))
    }

    /// Whether the receiver was dropped or closed.
    pub(super) fn is_closed(&self) -> bool {
        self.shared.state.load(Acquire) & RX_CLOSED != 0
    }

    /// Polls for the receiver going away, leaving `waker` to be woken when it does.
    pub(super) fn poll_closed(&mut self, waker: &Waker) -> Poll<()> {
        let state = &self.shared.state;
        if state.load(Acquire) & RX_CLOSED != 0 {
            return Poll::Ready(());
        }
        if self.waker_set {
            self.waker_set = false;
            if state.fetch_and(!TX_WAKER, AcqRel) & RX_CLOSED != 0 {
                // The receiver saw the waker: it took and woke it.
                return Poll::Ready(());
            }
        }
        // SAFETY: `TX_WAKER` is clear and only this side sets it: the slot is ours.
        let replaced = unsafe { store_waker(&self.shared.tx_waker, waker) };
        let prev = state.fetch_or(TX_WAKER, AcqRel);
        let (result, own) = if prev & RX_CLOSED != 0 {
            // The receiver closed before it could see the waker: take it back. (`TX_WAKER`
            // stays set, unread: the receiver never looks again once it closed.)
            // SAFETY: the receiver only takes a slot it saw published; it did not.
            (Poll::Ready(()), unsafe {
                take_waker(&self.shared.tx_waker)
            })
        } else {
            self.waker_set = true;
            (Poll::Pending, None)
        };
        drop(replaced);
        drop(own);
        result
    }

    /// The `TX_DONE` transition (with `extra`): returns the state before it, and this
    /// side's own waker if it is this side's to drop.
    fn finish(&mut self, bits: usize) -> (usize, Option<Waker>) {
        let mask = bits | if self.waker_set { TX_WAKER } else { 0 };
        let prev = self.shared.state.fetch_xor(mask, AcqRel);
        self.done = true;
        let own = if self.waker_set && prev & RX_CLOSED == 0 {
            // SAFETY: the receiver did not close while the waker was published, so it
            // never took it; `TX_WAKER` is clear again: the slot is ours.
            unsafe { take_waker(&self.shared.tx_waker) }
        } else {
            None
        };
        self.waker_set = false;
        (prev, own)
    }

    /// The receiver's waker, if `prev` (the state before `TX_DONE`) shows it published.
    fn receiver_waker(&self, prev: usize) -> Option<Waker> {
        if prev & RX_WAKER != 0 {
            // SAFETY: `RX_WAKER` was set when `TX_DONE` was: the slot is the sender's now,
            // and the receiver will not touch it again (it checks `TX_DONE` first).
            unsafe { take_waker(&self.shared.rx_waker) }
        } else {
            None
        }
    }
}

impl<T> Drop for TxSide<T> {
    /// (3) Tells the receiver no value will come.
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let (prev, own) = self.finish(TX_DONE);
        let receiver = self.receiver_waker(prev);
        drop(own);
        // A destructor: a panic of the receiver's waker is disposed of.
        wake(OnPanic::Dispose, receiver);
    }
}

/// The receiver's side: the value, once.
pub(super) struct RxSide<T> {
    shared: Arc<Shared<T>>,
    /// `RX_WAKER` is set and the slot holds this side's waker (only this side sets or
    /// clears the bit).
    waker_set: bool,
    /// `RX_CLOSED` is set (by `close` or `Drop`).
    closed: bool,
    /// `VALUE` was already set when this side closed: the value is still ours to take.
    value_at_close: bool,
    /// A value or the end was returned: every later receive says closed.
    done: bool,
}

impl<T> RxSide<T> {
    /// Whether a value or the end was returned already.
    pub(super) fn is_done(&self) -> bool {
        self.done
    }

    /// Takes the value if it was sent.
    pub(super) fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let state = self.shared.state.load(Acquire);
        self.settle(state).unwrap_or(Err(TryRecvError::Empty))
    }

    /// Takes the value, or leaves `waker` to be woken when it is sent or the sender goes.
    pub(super) fn poll(&mut self, waker: &Waker) -> Poll<Result<T, RecvError>> {
        let ready = |result: Result<T, TryRecvError>| Poll::Ready(result.map_err(|_| RecvError));
        if let Some(result) = self.settle(self.shared.state.load(Acquire)) {
            return ready(result);
        }
        if self.waker_set {
            self.waker_set = false;
            let prev = self.shared.state.fetch_and(!RX_WAKER, AcqRel);
            if prev & TX_DONE != 0 {
                // The sender saw the waker: it takes and wakes it; we are ready anyway.
                return ready(self.settle(prev).expect("TX_DONE is final"));
            }
        }
        // SAFETY: `RX_WAKER` is clear and only this side sets it: the slot is ours.
        let replaced = unsafe { store_waker(&self.shared.rx_waker, waker) };
        let prev = self.shared.state.fetch_or(RX_WAKER, AcqRel);
        let (result, own) = if prev & TX_DONE != 0 {
            // The sender finished before the waker was published: take it back. (`RX_WAKER`
            // stays set, unread: the sender never looks again once it is done.)
            // SAFETY: the sender only takes a slot it saw published; it did not.
            let own = unsafe { take_waker(&self.shared.rx_waker) };
            (ready(self.settle(prev).expect("TX_DONE is final")), own)
        } else {
            self.waker_set = true;
            (Poll::Pending, None)
        };
        // Only now: their drop may come back to this channel.
        drop(replaced);
        drop(own);
        result
    }

    /// (4) Refuses a value sent from now on; returns the sender's waker (of `closed()`) to
    /// wake.
    pub(super) fn close(&mut self) -> Option<Waker> {
        if self.closed {
            return None;
        }
        let mask = RX_CLOSED | if self.waker_set { RX_WAKER } else { 0 };
        let prev = self.shared.state.fetch_xor(mask, AcqRel);
        self.closed = true;
        self.value_at_close = prev & VALUE != 0;
        let own = if self.waker_set && prev & TX_DONE == 0 {
            // SAFETY: the sender was not done while the waker was published, so it never
            // took it; `RX_WAKER` is clear again: the slot is ours.
            unsafe { take_waker(&self.shared.rx_waker) }
        } else {
            None
        };
        self.waker_set = false;
        let sender = if prev & TX_WAKER != 0 {
            // SAFETY: `TX_WAKER` was set when `RX_CLOSED` was: the slot is ours now, and the
            // sender will not touch it again (it checks `RX_CLOSED` first).
            unsafe { take_waker(&self.shared.tx_waker) }
        } else {
            None
        };
        drop(own);
        sender
    }

    /// The outcome `state` allows, if any: the value, or closed.
    fn settle(&mut self, state: usize) -> Option<Result<T, TryRecvError>> {
        if self.done {
            return Some(Err(TryRecvError::Closed));
        }
        if state & VALUE != 0 && (!self.closed || self.value_at_close) {
            self.done = true;
            // SAFETY: `VALUE` was seen (acquire) and this side had not closed before it:
            // the cell is the receiver's, and `done` keeps this the only read.
            let value = unsafe { self.shared.take_value() };
            return Some(Ok(value.expect("VALUE means the value is in its cell")));
        }
        if self.closed || state & TX_DONE != 0 {
            self.done = true;
            return Some(Err(TryRecvError::Closed));
        }
        None
    }
}

impl<T> Drop for RxSide<T> {
    /// (4) Refuses the value; one already sent is dropped here.
    fn drop(&mut self) {
        // Done without closing: the sender is gone already (`TX_DONE` was seen), nobody
        // will look at the state again.
        if self.done && !self.closed {
            return;
        }
        let sender = self.close();
        let value = if self.value_at_close && !self.done {
            self.done = true;
            // SAFETY: `VALUE` was set before this side closed: the cell is the receiver's.
            unsafe { self.shared.take_value() }
        } else {
            None
        };
        drop(value);
        // A destructor: a panic of the sender's waker is disposed of.
        wake(OnPanic::Dispose, sender);
    }
}
