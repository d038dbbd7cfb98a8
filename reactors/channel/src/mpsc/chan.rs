//! The state one mpsc channel's senders and receiver share, and the two poll functions
//! every send and receive path goes through.
//!
//! One mutex guards the shared queue and the waiters. Each operation holds it for a few
//! instructions (a `VecDeque` push or swap and a look at the waiters), and user code never
//! runs under it except a waker's `clone`: wakers are called, and replaced wakers and values
//! dropped, after it is released (dropping a task's last waker may call back into this
//! channel).
//!
//! The receiver does not take the lock per value: when its own buffer is empty it swaps the
//! whole shared queue into it under one lock, then takes values from it alone. Senders on
//! other threads thus contend with the receiver once per batch instead of once per value.
//! Those values still count against the capacity: `taken` holds how many of them the
//! receiver has not yet received, and its top bit says that a sender waits for room, so the
//! receiver knows when a received value must wake one (both in one word, so a sender that
//! sets the bit and a receiver that frees a slot cannot miss each other).
//!
//! ```text
//!            (1) send: room          (2) recv: buffer empty → swap      own buffer
//!   senders ───────────────► queue ──────────────────────────────────► receiver
//!      │  (3) full: wait in send_waiters, set WAITING   (4) empty: store recv_waker
//!      └──── (5) woken when the receiver frees a slot with WAITING set: retry;
//!                if dropped instead, pass the wakeup on
//!
//!   (6) close / receiver drop: no more sends; every waiting sender is woken (they fail)
//!   (7) last sender drop: the receiver drains the queue, then sees RecvError
//! ```

use std::collections::VecDeque;
use std::mem;
use std::task::{Context, Poll, Waker};

use wakewire_core::coop;

use crate::error::{RecvError, SendError, TryRecvError, TrySendError};
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::{lock, Mutex, MutexGuard};
use crate::waiters::{WaiterKey, WaiterQueue, Wakeup};
use crate::wake::{wake, wake_or_pass_on, OnPanic};

#[derive(Debug)]
pub(crate) struct Chan<T> {
    state: Mutex<State<T>>,
    /// Values in the receiver's own buffer (swapped out of `queue`, not yet received),
    /// plus [`SEND_WAITING`]. Raised under the lock by a swap, lowered by the receiver
    /// without it; the bit is set and cleared under the lock only.
    taken: AtomicUsize,
    /// `None` for an unbounded channel.
    capacity: Option<usize>,
}

/// In [`Chan::taken`]: a sender waits for room, so a received value must wake one.
const SEND_WAITING: usize = 1 << (usize::BITS - 1);

#[derive(Debug)]
struct State<T> {
    queue: VecDeque<T>,
    /// Live `Sender` handles; at 0 the channel is closed for good.
    senders: usize,
    /// Set by `close` (either side) and by dropping the receiver: sends fail from now on.
    closed: bool,
    recv_waker: Option<Waker>,
    send_waiters: WaiterQueue,
}

impl<T> Chan<T> {
    pub(crate) fn new(capacity: Option<usize>) -> Self {
        // Preallocate a bounded buffer, but never a huge one up front.
        let initial = capacity.map_or(0, |cap| cap.min(4096));
        Chan {
            state: Mutex::new(State {
                queue: VecDeque::with_capacity(initial),
                senders: 1,
                closed: false,
                recv_waker: None,
                send_waiters: WaiterQueue::new(),
            }),
            taken: AtomicUsize::new(0),
            capacity,
        }
    }

    pub(crate) fn capacity(&self) -> Option<usize> {
        self.capacity
    }

    /// Values sent and not yet received: the shared queue plus the receiver's buffer.
    pub(crate) fn len(&self) -> usize {
        let state = lock(&self.state);
        state.queue.len() + self.taken_count()
    }

    fn taken_count(&self) -> usize {
        self.taken.load(Ordering::Acquire) & !SEND_WAITING
    }

    /// No send can succeed any more.
    pub(crate) fn is_closed(&self) -> bool {
        let state = lock(&self.state);
        state.closed || state.senders == 0
    }

    pub(crate) fn add_sender(&self) {
        lock(&self.state).senders += 1;
    }

    /// (7) A sender handle went away; the last one wakes the receiver so it sees the end.
    /// Runs from `Drop`: a panic of the receiver's waker is disposed of.
    pub(crate) fn drop_sender(&self) {
        let waker = {
            let mut state = lock(&self.state);
            state.senders -= 1;
            if state.senders == 0 {
                state.recv_waker.take()
            } else {
                None
            }
        };
        wake(OnPanic::Dispose, waker);
    }

    /// (1) Sends without waiting.
    pub(crate) fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        let mut state = lock(&self.state);
        if state.closed {
            return Err(TrySendError::Closed(value));
        }
        if self.is_full(&state) {
            return Err(TrySendError::Full(value));
        }
        state.queue.push_back(value);
        let waker = state.recv_waker.take();
        drop(state);
        wake(OnPanic::Resume, waker);
        Ok(())
    }

    /// (1) + (3) + (5): sends `value`, or waits in line for room.
    ///
    /// `value` is `Some` until it is sent or handed back; `waiter` is the caller's entry in
    /// the send queue while it waits. Waiters are served FIFO, but a send that finds room
    /// takes it at once, even ahead of them; a waiter that loses its slot that way keeps
    /// its place at the front.
    pub(crate) fn poll_send(
        &self,
        cx: &mut Context<'_>,
        value: &mut Option<T>,
        waiter: &mut Option<WaiterKey>,
    ) -> Poll<Result<(), SendError<T>>> {
        if value.is_none() {
            panic!("a send future was polled after it completed");
        }
        // The executor's cooperative budget: when it is spent, nothing is sent (the value
        // stays with the caller, its place in line is kept) and the task is woken to retry.
        let progress = std::task::ready!(coop::poll_proceed(cx));
        let mut state = lock(&self.state);
        let mut replaced = None;
        if !state.closed && self.is_full(&state) {
            // The value stays with the caller while it may wait (a waker's `clone` in
            // `register` may panic).
            replaced = state.send_waiters.register(waiter, cx.waker(), true);
            // Tell the receiver a sender waits, then look again: a value it received before
            // the bit was set freed a slot without waking anyone (one word, so either it
            // sees the bit or this look sees its slot).
            self.taken.fetch_or(SEND_WAITING, Ordering::AcqRel);
            if self.is_full(&state) {
                drop(state);
                drop(replaced);
                return Poll::Pending;
            }
        }
        let Some(item) = value.take() else {
            unreachable!("checked above")
        };
        let own_waker = waiter
            .take()
            .and_then(|key| state.send_waiters.remove(key).waker);
        if state.closed {
            drop(state);
            drop((replaced, own_waker));
            return Poll::Ready(Err(SendError(item)));
        }
        state.queue.push_back(item);
        let waker = state.recv_waker.take();
        drop(state);
        drop((replaced, own_waker));
        progress.made_progress();
        wake(OnPanic::Resume, waker);
        Poll::Ready(Ok(()))
    }

    /// (5) A waiting send went away: leave the line, and if a freed slot had been given to
    /// it, give that slot's wakeup to the next sender in line.
    pub(crate) fn cancel_send(&self, key: WaiterKey) {
        let (own_waker, next) = {
            let mut state = lock(&self.state);
            let removed = state.send_waiters.remove(key);
            let next = match removed.woken {
                Some(Wakeup::One) if !self.is_full(&state) => state.send_waiters.wake_one(),
                _ => None,
            };
            (removed.waker, next)
        };
        drop(own_waker);
        self.wake_sender(next);
    }

    /// (2) Receives without waiting. `buffer` is the receiver's own.
    pub(crate) fn try_recv(&self, buffer: &mut VecDeque<T>) -> Result<T, TryRecvError> {
        if let Some(value) = self.take_buffered(buffer) {
            return Ok(value);
        }
        let state = lock(&self.state);
        if state.queue.is_empty() {
            return if state.closed || state.senders == 0 {
                Err(TryRecvError::Closed)
            } else {
                Err(TryRecvError::Empty)
            };
        }
        Ok(self.swap_and_take(state, buffer))
    }

    /// (2) + (4): receives, or stores the receiver's waker. Under an executor's cooperative
    /// budget, once it is spent: nothing is taken and the task is woken to come back.
    pub(crate) fn poll_recv(
        &self,
        cx: &mut Context<'_>,
        buffer: &mut VecDeque<T>,
    ) -> Poll<Result<T, RecvError>> {
        coop::budgeted(cx, |cx| self.poll_recv_now(cx, buffer))
    }

    fn poll_recv_now(
        &self,
        cx: &mut Context<'_>,
        buffer: &mut VecDeque<T>,
    ) -> Poll<Result<T, RecvError>> {
        if let Some(value) = self.take_buffered(buffer) {
            return Poll::Ready(Ok(value));
        }
        let mut state = lock(&self.state);
        if !state.queue.is_empty() {
            return Poll::Ready(Ok(self.swap_and_take(state, buffer)));
        }
        if state.closed || state.senders == 0 {
            return Poll::Ready(Err(RecvError));
        }
        let replaced = match &state.recv_waker {
            Some(old) if old.will_wake(cx.waker()) => None,
            _ => state.recv_waker.replace(cx.waker().clone()),
        };
        drop(state);
        drop(replaced);
        Poll::Pending
    }

    /// The next value of the receiver's own buffer, if any, with its slot given back.
    fn take_buffered(&self, buffer: &mut VecDeque<T>) -> Option<T> {
        let value = buffer.pop_front()?;
        let before = self.taken.fetch_sub(1, Ordering::AcqRel);
        if before & SEND_WAITING != 0 {
            self.wake_sender_for_freed_slot();
        }
        Some(value)
    }

    /// Moves the whole (non-empty) shared queue into the receiver's empty buffer, and
    /// takes its first value. The slots stay taken until each value is received.
    fn swap_and_take(&self, mut state: MutexGuard<'_, State<T>>, buffer: &mut VecDeque<T>) -> T {
        debug_assert!(buffer.is_empty() && !state.queue.is_empty());
        mem::swap(&mut state.queue, buffer);
        self.taken.fetch_add(buffer.len(), Ordering::AcqRel);
        drop(state);
        self.take_buffered(buffer)
            .unwrap_or_else(|| unreachable!("the swapped-in queue was not empty"))
    }

    /// A received value freed a slot while a sender waited: wake the first in line, and
    /// clear the bit once nobody waits.
    fn wake_sender_for_freed_slot(&self) {
        let waker = {
            let mut state = lock(&self.state);
            let waker = if self.is_full(&state) {
                None
            } else {
                state.send_waiters.wake_one()
            };
            if !state.send_waiters.has_waiting() {
                self.taken.fetch_and(!SEND_WAITING, Ordering::AcqRel);
            }
            waker
        };
        self.wake_sender(waker);
    }

    /// A pending receive went away: forget its waker.
    pub(crate) fn cancel_recv(&self) {
        let waker = lock(&self.state).recv_waker.take();
        drop(waker);
    }

    /// (6) No more sends; buffered values stay receivable. Returns whether this call
    /// closed the channel.
    pub(crate) fn close(&self) -> bool {
        let (was_closed, recv_waker, send_wakers) = {
            let mut state = lock(&self.state);
            let was_closed = mem::replace(&mut state.closed, true);
            (
                was_closed,
                state.recv_waker.take(),
                state.send_waiters.wake_all(),
            )
        };
        wake(OnPanic::Resume, send_wakers.into_iter().chain(recv_waker));
        !was_closed
    }

    /// (6) The receiver is gone: close, and drop what was buffered and the receiver's
    /// waker (outside the lock: both may run user code). Runs from `Drop`: a panic of a
    /// sender's waker is disposed of.
    pub(crate) fn drop_receiver(&self) {
        let (buffered, recv_waker, send_wakers) = {
            let mut state = lock(&self.state);
            state.closed = true;
            // The receiver's buffer goes with it: no value is taken any more.
            self.taken.store(0, Ordering::Release);
            (
                mem::take(&mut state.queue),
                state.recv_waker.take(),
                state.send_waiters.wake_all(),
            )
        };
        drop(recv_waker);
        drop(buffered);
        wake(OnPanic::Dispose, send_wakers);
    }

    fn is_full(&self, state: &State<T>) -> bool {
        self.capacity
            .is_some_and(|cap| state.queue.len() + self.taken_count() >= cap)
    }

    /// Wakes the sender chosen for a freed slot; if its waker panics, the slot passes to
    /// the next sender in line. The panic is disposed of: the caller is a receive that must
    /// still return its value, or a `Send` being dropped.
    fn wake_sender(&self, waker: Option<Waker>) {
        wake_or_pass_on(OnPanic::Dispose, waker, || {
            let mut state = lock(&self.state);
            if self.is_full(&state) {
                None
            } else {
                state.send_waiters.wake_one()
            }
        });
    }
}
