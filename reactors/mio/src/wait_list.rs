//! [`WaitList`]: who waits for one direction of one source.
//!
//! Two kinds of waiters share a direction:
//!
//! - **the poll waker**: one slot, written by the `poll_*` functions and the
//!   `futures-io` trait impls. They have nowhere to keep state between calls, so the latest
//!   caller's waker replaces the previous one (as tokio's `poll_read_ready`).
//! - **the queue**: one entry per waiting future (`recv`, `accept`, `readable`, ...), each
//!   under a [`WaitKey`] the future keeps. Entries are in arrival order; a future that
//!   polls again updates its own entry in place, and removes it when dropped.
//!
//! An event for the direction takes *every* waiter out ([`take_all`](WaitList::take_all)):
//! readiness is a state all of them can look at, and whoever then finds nothing to read
//! (or to accept) waits again. So no waiter ever holds a wakeup that another needs, and a
//! future dropped after it was woken has nothing to pass on.
//!
//! This is a plain data structure: the caller holds the lock around it and wakes or drops
//! the wakers it returns only after releasing that lock.

use std::collections::VecDeque;
use std::fmt;
use std::task::Waker;

/// A waiting future's place in a [`WaitList`]'s queue. Keys only grow, so the queue is
/// sorted by key and a key is never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct WaitKey(u64);

/// The waiters of one direction of one source; see the [module docs](self).
#[derive(Default)]
pub(crate) struct WaitList {
    poll_waker: Option<Waker>,
    queue: VecDeque<(WaitKey, Waker)>,
    next_key: u64,
}

impl WaitList {
    /// Stores the waker of a `poll_*` call, replacing the previous one unless it
    /// `will_wake` the same task. Returns the replaced waker, to be dropped after unlocking.
    pub(crate) fn set_poll_waker(&mut self, waker: &Waker) -> Option<Waker> {
        match &self.poll_waker {
            Some(old) if old.will_wake(waker) => None,
            _ => self.poll_waker.replace(waker.clone()),
        }
    }

    /// Puts the future holding `key` in the queue with `waker`: updates its entry if it is
    /// still queued, or appends a new entry (and sets `key`) if it was never queued or was
    /// taken out by [`take_all`](Self::take_all). Returns a replaced waker, to be dropped
    /// after unlocking.
    pub(crate) fn wait(&mut self, key: &mut Option<WaitKey>, waker: &Waker) -> Option<Waker> {
        if let Some(index) = key.and_then(|key| self.position(key)) {
            let stored = &mut self.queue[index].1;
            if stored.will_wake(waker) {
                return None;
            }
            return Some(std::mem::replace(stored, waker.clone()));
        }
        let new = WaitKey(self.next_key);
        self.next_key += 1;
        self.queue.push_back((new, waker.clone()));
        *key = Some(new);
        None
    }

    /// Removes the entry of `key`, if it is still queued; returns its waker, to be dropped
    /// after unlocking.
    pub(crate) fn remove(&mut self, key: WaitKey) -> Option<Waker> {
        let index = self.position(key)?;
        self.queue.remove(index).map(|(_, waker)| waker)
    }

    /// Moves every waiter (the poll waker, then the queue in arrival order) into `out`.
    pub(crate) fn take_all(&mut self, out: &mut Vec<Waker>) {
        out.extend(self.poll_waker.take());
        // Most events find only a poll waker: skip the drain's set-up and guard then
        // (they were a tenth of a loopback echo's instructions).
        if !self.queue.is_empty() {
            out.extend(self.queue.drain(..).map(|(_, waker)| waker));
        }
    }

    /// How many futures are queued (the poll waker not counted).
    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }

    fn position(&self, key: WaitKey) -> Option<usize> {
        self.queue.binary_search_by_key(&key, |(key, _)| *key).ok()
    }
}

impl fmt::Debug for WaitList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitList")
            .field("poll_waker", &self.poll_waker.is_some())
            .field("queued", &self.queue.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wakewire_core::waker::counting_waker;

    #[test]
    fn take_all_wakes_every_waiter_in_arrival_order() {
        let mut list = WaitList::default();
        let (wakers, counters): (Vec<_>, Vec<_>) = (0..3).map(|_| counting_waker()).unzip();
        let mut keys = [None; 3];
        for (key, waker) in keys.iter_mut().zip(&wakers) {
            assert!(list.wait(key, waker).is_none());
        }
        assert_eq!(list.queued(), 3);
        // Polled again with the same waker: the entry stays where it was, nothing cloned.
        assert!(list.wait(&mut keys[0], &wakers[0]).is_none());
        assert_eq!(list.queued(), 3);
        let mut out = Vec::new();
        list.take_all(&mut out);
        assert_eq!(list.queued(), 0);
        for (i, waker) in out.into_iter().enumerate() {
            waker.wake();
            assert_eq!(counters[i].wakes(), 1, "waiter {i} woken in order");
        }
        // Taken out: removing is a no-op, waiting again queues a new entry behind.
        assert!(list.remove(keys[1].unwrap()).is_none());
        let old = keys[2];
        assert!(list.wait(&mut keys[2], &wakers[2]).is_none());
        assert!(keys[2] > old);
        assert_eq!(list.queued(), 1);
    }

    #[test]
    fn remove_leaves_the_others_queued() {
        let mut list = WaitList::default();
        let (a, _) = counting_waker();
        let (b, b_count) = counting_waker();
        let (mut ka, mut kb) = (None, None);
        list.wait(&mut ka, &a);
        list.wait(&mut kb, &b);
        assert!(list.remove(ka.unwrap()).is_some());
        let mut out = Vec::new();
        list.take_all(&mut out);
        assert_eq!(out.len(), 1);
        out.into_iter().for_each(Waker::wake);
        assert_eq!(b_count.wakes(), 1);
    }

    #[test]
    fn a_new_waker_replaces_the_entry_in_place() {
        let mut list = WaitList::default();
        let (a, a_count) = counting_waker();
        let (b, b_count) = counting_waker();
        let mut key = None;
        list.wait(&mut key, &a);
        let replaced = list.wait(&mut key, &b).expect("a different task's waker");
        drop(replaced);
        assert_eq!(
            a_count.live_references(),
            2,
            "the list let go of the old waker"
        );
        assert_eq!(list.queued(), 1);
        let mut out = Vec::new();
        list.take_all(&mut out);
        out.into_iter().for_each(Waker::wake);
        assert_eq!((a_count.wakes(), b_count.wakes()), (0, 1));
    }

    #[test]
    fn the_poll_waker_is_one_slot() {
        let mut list = WaitList::default();
        let (a, a_count) = counting_waker();
        let (b, b_count) = counting_waker();
        assert!(list.set_poll_waker(&a).is_none());
        assert!(list.set_poll_waker(&a).is_none(), "same task: kept");
        assert!(list.set_poll_waker(&b).is_some(), "another task: replaced");
        let mut out = Vec::new();
        list.take_all(&mut out);
        out.into_iter().for_each(Waker::wake);
        assert_eq!((a_count.wakes(), b_count.wakes()), (0, 1));
    }
}
