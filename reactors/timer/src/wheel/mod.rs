//! The hierarchical timing wheel: a pure data structure (no clock, no threads, no wakers).
//!
//! Time is counted in **ticks** (1 ms each for the timer reactor) since the wheel was made.
//! The wheel has [`LEVELS`] levels of 64 slots (Varghese & Lauck). Level `L` slot `s` holds
//! the entries whose deadline shares every base-64 digit above `L` with the wheel's current
//! tick and has digit `s` at position `L`: level 0 holds the next 64 ticks one tick per slot,
//! level 1 the next 4 096 ticks 64 per slot, and so on up to level 10, which covers the
//! whole `u64` range. When the current tick reaches a slot of level `L ≥ 1`, its entries
//! *cascade* into lower levels; when it reaches a level-0 slot, they are due.
//!
//! Every entry sits in one doubly-linked list (a slot, the due list, or the never list),
//! linked through indices into one [`slab`], so:
//!
//! - [`insert`](Wheel::insert), [`reset`](Wheel::reset) and [`remove`](Wheel::remove)
//!   are O(1) and allocate nothing beyond the entry's slab slot;
//! - [`next_deadline`](Wheel::next_deadline) is O(levels): one bit scan per level;
//! - [`poll`](Wheel::poll) costs O(1) per fired entry plus at most one move per level
//!   per entry (cascades).
//!
//! The tick [`NEVER`] (`u64::MAX`) is the bucket for deadlines too far away to represent:
//! such entries never fire, but they can be reset or removed like any other.
//!
//! # Entry states
//!
//! ```text
//!            (1) insert / reset, when > now         (3) poll: the current tick reaches the slot
//!   ───────► SCHEDULED (in a slot, maybe cascading) ────────────────────► DUE ──(4) poll──► FIRED
//!   │  (2) insert / reset, when <= now ─────────────────────────────────► DUE      │
//!   │  (5) insert / reset, when == NEVER ──► NEVER (never leaves by itself)       │
//!   └─────────────────────────────────── (1) reset re-arms a fired entry ◄────────┘
//!   (6) remove: any state → gone (slab slot freed)
//! ```

mod list;
mod tick;

pub use tick::{deadline_tick, elapsed_tick};

use std::fmt;

use slab::Slab;

/// The tick of deadlines that never come: entries scheduled for it never fire.
pub const NEVER: u64 = u64::MAX;

/// Number of levels: 64-bit ticks in 6-bit digits.
pub const LEVELS: usize = 11;

const SLOT_BITS: u32 = 6;
const SLOTS: usize = 1 << SLOT_BITS;
const SLOT_MASK: u64 = SLOTS as u64 - 1;
/// The end of a list; slab indices never reach it (checked on insert).
const NIL: u32 = u32::MAX;

/// Names one entry of a [`Wheel`] until it is [`remove`](Wheel::remove)d.
///
/// Keys are slab indices: a removed key may be handed out again by a later insert, so the
/// owner of a key must be the only one who removes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerKey(u32);

impl TimerKey {
    fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Slot {
        level: u8,
        slot: u8,
    },
    Due,
    Never,
    /// Fired, or briefly unlinked while being moved.
    Detached,
}

struct Node<T> {
    when: u64,
    prev: u32,
    next: u32,
    place: Place,
    value: T,
}

/// A hierarchical timing wheel holding one value of type `T` per timer.
///
/// ```
/// use wakewire_reactor_timer::wheel::Wheel;
///
/// let mut wheel = Wheel::new();
/// let a = wheel.insert(70, "a"); // level 1: more than 63 ticks ahead
/// let b = wheel.insert(5, "b");
/// wheel.remove(b); // O(1) cancel
/// assert_eq!(wheel.next_deadline(), Some(64)); // the tick at which `a` cascades
/// assert_eq!(wheel.poll(69), None); // too early: never fires before its tick
/// assert_eq!(wheel.poll(70), Some(a));
/// assert!(wheel.is_fired(a));
/// assert_eq!(wheel.remove(a), "a");
/// assert!(wheel.is_empty());
/// ```
pub struct Wheel<T> {
    nodes: Slab<Node<T>>,
    /// List heads per level and slot.
    slots: [[u32; SLOTS]; LEVELS],
    /// Bit `s` of `occupied[L]` is set when slot `s` of level `L` is non-empty.
    occupied: [u64; LEVELS],
    due: u32,
    never: u32,
    elapsed: u64,
}

impl<T> Wheel<T> {
    /// An empty wheel at tick 0.
    pub fn new() -> Self {
        Wheel {
            nodes: Slab::new(),
            slots: [[NIL; SLOTS]; LEVELS],
            occupied: [0; LEVELS],
            due: NIL,
            never: NIL,
            elapsed: 0,
        }
    }

    /// The wheel's current tick: every entry due at or before it has been handed out by
    /// [`poll`](Self::poll) or is waiting in the due list.
    pub fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// How many entries the wheel holds (scheduled, due, never or fired but not removed).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the wheel holds no entry.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Schedules `value` to fire at tick `when`. A `when` at or before
    /// [`elapsed`](Self::elapsed) is due at once (the next `poll` hands it out); a `when`
    /// of [`NEVER`] never fires.
    ///
    /// # Panics
    ///
    /// Panics if the wheel already holds `u32::MAX - 1` entries.
    pub fn insert(&mut self, when: u64, value: T) -> TimerKey {
        let index = self.nodes.insert(Node {
            when,
            prev: NIL,
            next: NIL,
            place: Place::Detached,
            value,
        });
        let index = match u32::try_from(index) {
            Ok(index) if index != NIL => index,
            _ => panic!("timer wheel full: more than u32::MAX - 1 live timers"),
        };
        self.link(index, self.place_for(when));
        TimerKey(index)
    }

    /// Moves an entry to tick `when`, re-arming it if it had fired.
    ///
    /// # Panics
    ///
    /// Panics if `key` was removed.
    pub fn reset(&mut self, key: TimerKey, when: u64) {
        self.unlink(key.0);
        self.nodes[key.index()].when = when;
        self.link(key.0, self.place_for(when));
    }

    /// Removes an entry, whatever its state, and returns its value. O(1).
    ///
    /// # Panics
    ///
    /// Panics if `key` was already removed.
    pub fn remove(&mut self, key: TimerKey) -> T {
        self.unlink(key.0);
        self.nodes.remove(key.index()).value
    }

    /// Whether [`poll`](Self::poll) handed this entry out (and it was not reset since).
    ///
    /// # Panics
    ///
    /// Panics if `key` was removed.
    pub fn is_fired(&self, key: TimerKey) -> bool {
        self.nodes[key.index()].place == Place::Detached
    }

    /// The tick an entry is scheduled for.
    ///
    /// # Panics
    ///
    /// Panics if `key` was removed.
    pub fn when(&self, key: TimerKey) -> u64 {
        self.nodes[key.index()].when
    }

    /// The value of an entry.
    ///
    /// # Panics
    ///
    /// Panics if `key` was removed.
    pub fn get_mut(&mut self, key: TimerKey) -> &mut T {
        &mut self.nodes[key.index()].value
    }

    /// Every entry's value, in no particular order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> + '_ {
        self.nodes.iter_mut().map(|(_, node)| &mut node.value)
    }

    /// The earliest tick at which [`poll`](Self::poll) has work: an entry fires or a slot
    /// cascades (so it may be earlier than the earliest deadline, never later). `None`
    /// when no entry will ever fire. A driver sleeps until this tick.
    pub fn next_deadline(&self) -> Option<u64> {
        if self.due != NIL {
            return Some(self.elapsed);
        }
        self.next_slot().map(|(_, _, deadline)| deadline)
    }

    /// Advances the wheel to tick `now` and hands out one entry whose deadline is at or
    /// before `now`, marking it fired (it stays in the wheel until removed). Call it until
    /// it returns `None`. A `now` earlier than [`elapsed`](Self::elapsed) is treated as
    /// `elapsed`: the wheel never goes back.
    pub fn poll(&mut self, now: u64) -> Option<TimerKey> {
        let now = now.min(NEVER - 1);
        loop {
            if self.due != NIL {
                let index = self.due;
                self.unlink(index);
                return Some(TimerKey(index));
            }
            match self.next_slot() {
                Some((level, slot, deadline)) if deadline <= now => {
                    self.elapsed = deadline;
                    self.cascade(level, slot);
                }
                _ => {
                    self.elapsed = self.elapsed.max(now);
                    return None;
                }
            }
        }
    }

    /// Re-places every entry of a slot whose time has come, relative to the new
    /// `elapsed`: each lands in a lower level or in the due list, never in the same slot.
    fn cascade(&mut self, level: usize, slot: usize) {
        let mut index = std::mem::replace(&mut self.slots[level][slot], NIL);
        self.occupied[level] &= !(1 << slot);
        while index != NIL {
            let node = &mut self.nodes[index as usize];
            let (next, when) = (node.next, node.when);
            node.place = Place::Detached;
            self.link(index, self.place_for(when));
            index = next;
        }
    }

    /// The first non-empty slot, lowest level first, and the tick at which it is
    /// processed. Lower levels always come first: a level-`L` entry lies beyond the
    /// current level-`L` slot, which contains every lower-level entry.
    fn next_slot(&self) -> Option<(usize, usize, u64)> {
        for level in 0..LEVELS {
            let occupied = self.occupied[level];
            if occupied == 0 {
                continue;
            }
            let shift = SLOT_BITS * level as u32;
            let current = (self.elapsed >> shift) & SLOT_MASK;
            let ahead = occupied & (u64::MAX << current);
            debug_assert_eq!(
                ahead, occupied,
                "a slot behind the current tick is occupied"
            );
            // Defensive: a slot behind would be processed at once and re-placed correctly.
            let slot = if ahead != 0 { ahead } else { occupied }.trailing_zeros() as usize;
            let span_bits = shift + SLOT_BITS;
            let level_start = if span_bits >= 64 {
                0
            } else {
                self.elapsed & !((1u64 << span_bits) - 1)
            };
            let deadline = level_start + ((slot as u64) << shift);
            return Some((level, slot, deadline.max(self.elapsed)));
        }
        None
    }

    fn place_for(&self, when: u64) -> Place {
        if when == NEVER {
            Place::Never
        } else if when <= self.elapsed {
            Place::Due
        } else {
            // The highest base-64 digit in which `when` and `elapsed` differ.
            let differing = (self.elapsed ^ when) | SLOT_MASK;
            let level = (63 - differing.leading_zeros()) / SLOT_BITS;
            let slot = (when >> (level * SLOT_BITS)) & SLOT_MASK;
            Place::Slot {
                level: level as u8,
                slot: slot as u8,
            }
        }
    }
}

impl<T> Default for Wheel<T> {
    fn default() -> Self {
        Wheel::new()
    }
}

impl<T> fmt::Debug for Wheel<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wheel")
            .field("elapsed", &self.elapsed)
            .field("entries", &self.nodes.len())
            .field("next_deadline", &self.next_deadline())
            .finish()
    }
}
