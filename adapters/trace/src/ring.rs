//! The bounded buffer events are recorded into: a ring that overwrites its oldest event
//! when full and counts what it overwrote.

use std::collections::VecDeque;

/// A ring of at most `capacity` items; pushing into a full ring drops the oldest.
#[derive(Debug)]
pub(crate) struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
    dropped: u64,
}

impl<T> Ring<T> {
    /// An empty ring that will hold up to `capacity` items (at least one). Memory is
    /// reserved as items arrive, never beyond `capacity`.
    pub(crate) fn new(capacity: usize) -> Self {
        Ring {
            items: VecDeque::new(),
            capacity: capacity.max(1),
            dropped: 0,
        }
    }

    /// Appends `item`, dropping the oldest item if the ring is full.
    ///
    /// Returns the dropped item so the caller can drop it after releasing its lock.
    pub(crate) fn push(&mut self, item: T) -> Option<T> {
        let evicted = if self.items.len() == self.capacity {
            self.dropped += 1;
            self.items.pop_front()
        } else {
            None
        };
        self.items.push_back(item);
        evicted
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many items were overwritten since the ring was created or cleared.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }

    pub(crate) fn clear(&mut self) {
        self.items.clear();
        self.dropped = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::Ring;

    #[test]
    fn a_full_ring_drops_the_oldest_and_counts_it() {
        let mut ring = Ring::new(3);
        for i in 0..5 {
            ring.push(i);
        }
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(ring.dropped(), 2);
        ring.clear();
        assert_eq!(ring.dropped(), 0);
        assert_eq!(ring.iter().count(), 0);
    }

    #[test]
    fn capacity_zero_still_holds_the_latest_item() {
        let mut ring = Ring::new(0);
        ring.push('a');
        assert_eq!(ring.push('b'), Some('a'));
        assert_eq!(ring.capacity(), 1);
    }
}
