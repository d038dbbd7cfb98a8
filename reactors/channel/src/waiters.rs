//! [`WaiterQueue`]: a FIFO of tasks waiting for the same kind of event.
//!
//! Single-waiter slots use `wakewire_core::waker::WakerSlot`. Where many tasks can wait at
//! once (senders waiting for capacity, `Notify` and broadcast/watch receivers) each waiting
//! future owns one entry of this queue, identified by a [`WaiterKey`]. The queue lives inside
//! its channel's lock. It never drops a waker itself: every waker it hands back (to wake,
//! or replaced and forgotten) is for the caller to wake or drop *after* unlocking, because
//! dropping a task's last waker can run code that calls back into the same channel.
//!
//! One entry's life:
//!
//! ```text
//!   (1) register          (2) wake_one / wake_all           (3) remove
//!  ───────────► WAITING ───────────────────────────► WOKEN ──────────► gone
//!                  │                                                    ▲
//!                  └──────────────────── (3) remove ────────────────────┘
//!
//!  (1) register    a future found its condition false and waits       → WAITING, queued FIFO
//!  (2) wake_*      the event source; the waker is handed to the caller → WOKEN (kind recorded)
//!  (3) remove      the future re-checks its condition, or is dropped; it learns whether it
//!                  was woken by `wake_one`, so a dropped future can pass that wakeup on
//! ```

use std::collections::VecDeque;
use std::task::Waker;

use slab::Slab;

/// Identifies one waiting future's entry in a [`WaiterQueue`].
pub(crate) type WaiterKey = usize;

/// How a waiter was woken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wakeup {
    /// By [`WaiterQueue::wake_one`]: this waiter was chosen to use one unit of something
    /// (a slot, a permit). If it goes away unused, the unit must go to the next waiter.
    One,
    /// By [`WaiterQueue::wake_all`]: every waiter was woken; nothing to pass on.
    All,
}

#[derive(Debug)]
struct Entry {
    /// Tells this entry apart from a later one that reuses its slab slot.
    ticket: u64,
    waker: Option<Waker>,
    woken: Option<Wakeup>,
}

/// What [`WaiterQueue::remove`] found in the entry it removed.
#[derive(Debug)]
#[must_use = "the removed waker is dropped after the channel's lock is released"]
pub(crate) struct Removed {
    /// How the entry had been woken, if it had.
    pub(crate) woken: Option<Wakeup>,
    /// The waker of an entry that was still waiting.
    pub(crate) waker: Option<Waker>,
}

/// FIFO of waiting futures. Not synchronized: it lives inside a channel's lock.
#[derive(Debug, Default)]
pub(crate) struct WaiterQueue {
    entries: Slab<Entry>,
    /// Waiting (not yet woken) entries in wake order. Removing a waiting entry leaves its
    /// pair here, recognised later by a ticket mismatch; `stale` counts such pairs.
    order: VecDeque<(WaiterKey, u64)>,
    stale: usize,
    next_ticket: u64,
}

impl WaiterQueue {
    pub(crate) fn new() -> Self {
        WaiterQueue::default()
    }

    /// Whether any entry is still waiting to be woken.
    pub(crate) fn has_waiting(&self) -> bool {
        self.order.len() > self.stale
    }

    /// (1) Makes the future that owns `slot` wait with `waker`:
    ///
    /// - no entry yet: a new one joins the back of the line;
    /// - a waiting entry: its waker is replaced (unless it `will_wake` the same task);
    /// - an entry that was woken (the future found its condition false again): it joins
    ///   the line again, first if `requeue_front` (a waiter that was chosen and lost its
    ///   unit to a faster task keeps its place).
    ///
    /// Returns the waker this replaced, if any, for the caller to drop after unlocking.
    ///
    /// Panic-safe: the waker is cloned before anything changes, so after a panicking
    /// `clone` the queue is untouched and `slot` still names the future's own entry.
    #[must_use = "a replaced waker is dropped after the channel's lock is released"]
    pub(crate) fn register(
        &mut self,
        slot: &mut Option<WaiterKey>,
        waker: &Waker,
        requeue_front: bool,
    ) -> Option<Waker> {
        match *slot {
            None => {
                *slot = Some(self.insert(waker.clone(), false));
                None
            }
            Some(key) => match self.update(key, waker) {
                Ok(replaced) => replaced,
                Err(_woken) => {
                    let waker = waker.clone();
                    let removed = self.remove(key);
                    *slot = Some(self.insert(waker, requeue_front));
                    removed.waker
                }
            },
        }
    }

    /// Adds a waiting entry at the back, or at the front.
    fn insert(&mut self, waker: Waker, front: bool) -> WaiterKey {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let key = self.entries.insert(Entry {
            ticket,
            waker: Some(waker),
            woken: None,
        });
        if front {
            self.order.push_front((key, ticket));
        } else {
            self.order.push_back((key, ticket));
        }
        key
    }

    /// Replaces the waker of a still-waiting entry (the future was polled again, maybe by
    /// another task) and returns the old one. `Err` says how the entry was woken instead,
    /// if it was.
    fn update(&mut self, key: WaiterKey, waker: &Waker) -> Result<Option<Waker>, Wakeup> {
        let entry = &mut self.entries[key];
        if let Some(woken) = entry.woken {
            return Err(woken);
        }
        match &entry.waker {
            Some(old) if old.will_wake(waker) => Ok(None),
            _ => Ok(entry.waker.replace(waker.clone())),
        }
    }

    /// How the entry was woken, if it was.
    pub(crate) fn woken(&self, key: WaiterKey) -> Option<Wakeup> {
        self.entries[key].woken
    }

    /// (3) Removes an entry: reports whether (and how) it had been woken, and hands back
    /// its waker (if it was not woken) for the caller to drop after unlocking.
    #[must_use = "the removed waker is dropped after the channel's lock is released"]
    pub(crate) fn remove(&mut self, key: WaiterKey) -> Removed {
        let entry = self.entries.remove(key);
        if entry.woken.is_none() {
            self.stale += 1;
            self.compact();
        }
        Removed {
            woken: entry.woken,
            waker: entry.waker,
        }
    }

    /// (2) Wakes the first waiting entry: marks it and returns its waker.
    pub(crate) fn wake_one(&mut self) -> Option<Waker> {
        while let Some((key, ticket)) = self.order.pop_front() {
            match self.entries.get_mut(key) {
                Some(entry) if entry.ticket == ticket && entry.woken.is_none() => {
                    entry.woken = Some(Wakeup::One);
                    return entry.waker.take();
                }
                _ => self.stale -= 1,
            }
        }
        None
    }

    /// (2) Wakes every waiting entry; returns their wakers in FIFO order.
    pub(crate) fn wake_all(&mut self) -> Vec<Waker> {
        let mut wakers = Vec::with_capacity(self.order.len() - self.stale);
        for (key, ticket) in self.order.drain(..) {
            if let Some(entry) = self.entries.get_mut(key) {
                if entry.ticket == ticket && entry.woken.is_none() {
                    entry.woken = Some(Wakeup::All);
                    wakers.extend(entry.waker.take());
                }
            }
        }
        self.stale = 0;
        wakers
    }

    /// Drops stale pairs once they outnumber the live ones, so futures that wait and are
    /// dropped over and over (a `select!` loop) cannot grow the queue without bound.
    fn compact(&mut self) {
        if self.stale > 16 && self.stale * 2 > self.order.len() {
            let entries = &self.entries;
            self.order.retain(|&(key, ticket)| {
                entries
                    .get(key)
                    .is_some_and(|e| e.ticket == ticket && e.woken.is_none())
            });
            self.stale = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wakewire_core::waker::counting_waker;

    #[test]
    fn wakes_in_fifo_order_and_skips_removed() {
        let mut queue = WaiterQueue::new();
        let (waker, counter) = counting_waker();
        let a = queue.insert(waker.clone(), false);
        let b = queue.insert(waker.clone(), false);
        let c = queue.insert(waker.clone(), true);
        let removed = queue.remove(b);
        assert_eq!(removed.woken, None);
        assert!(removed.waker.is_some(), "handed back, not dropped");
        queue.wake_one().unwrap().wake();
        assert_eq!(queue.remove(c).woken, Some(Wakeup::One));
        queue.wake_one().unwrap().wake();
        assert_eq!(queue.remove(a).woken, Some(Wakeup::One));
        assert!(queue.wake_one().is_none());
        assert!(!queue.has_waiting());
        assert_eq!(counter.wakes(), 2);
    }

    #[test]
    fn register_hands_back_the_waker_it_replaces() {
        let mut queue = WaiterQueue::new();
        let (a, a_counter) = counting_waker();
        let (b, _) = counting_waker();
        let mut slot = None;
        assert!(queue.register(&mut slot, &a, false).is_none());
        assert!(
            queue.register(&mut slot, &a, false).is_none(),
            "same task: kept"
        );
        let replaced = queue.register(&mut slot, &b, false);
        assert!(replaced.is_some_and(|old| old.will_wake(&a)));
        assert_eq!(
            a_counter.live_references(),
            2,
            "counter + `a`: nothing left inside"
        );
        assert!(queue.wake_one().is_some_and(|waker| waker.will_wake(&b)));
    }

    #[test]
    fn stale_pairs_are_compacted() {
        let mut queue = WaiterQueue::new();
        let (waker, _counter) = counting_waker();
        let keep = queue.insert(waker.clone(), false);
        for _ in 0..1000 {
            let key = queue.insert(waker.clone(), false);
            drop(queue.remove(key));
        }
        assert!(
            queue.order.len() < 40,
            "order grew to {}",
            queue.order.len()
        );
        assert!(queue.has_waiting());
        assert_eq!(queue.wake_all().len(), 1);
        assert_eq!(queue.remove(keep).woken, Some(Wakeup::All));
    }
}
