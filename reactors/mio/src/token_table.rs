//! [`TokenTable`]: the live registrations of a reactor, addressed by tokens that carry a
//! slab index and a generation.
//!
//! ```text
//!   mio::Token(usize) = [ 0 | generation (BITS/2 - 1 bits) | slab index (BITS/2 bits) ]
//! ```
//!
//! A slab index is reused as soon as its registration is dropped, and the kernel reuses
//! file descriptor numbers just as fast. An event already fetched for the old registration
//! would then land on the new one. Every registration gets a fresh generation, the token
//! carries it, and [`TokenTable::lookup`] drops events whose generation does not match
//! (counted in [`ReactorMetrics::stale_events`](crate::ReactorMetrics)). The top bit is
//! never set, so no registration can collide with the reactor's own wake token.

use std::sync::Arc;

use mio::Token;
use slab::Slab;

use crate::io_state::IoState;

const INDEX_BITS: u32 = usize::BITS / 2;
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
const GENERATION_MASK: usize = (1 << (usize::BITS - INDEX_BITS - 1)) - 1;

/// The token of the reactor's own `mio::Waker` (used to unpark it).
pub(crate) const WAKE_TOKEN: Token = Token(usize::MAX);

#[derive(Debug)]
struct Entry {
    generation: usize,
    io: Arc<IoState>,
}

/// The slab of live registrations; see the [module docs](self).
#[derive(Debug, Default)]
pub(crate) struct TokenTable {
    entries: Slab<Entry>,
    next_generation: usize,
    /// Set when the reactor is dropped: no registration is accepted after.
    pub(crate) closed: bool,
}

impl TokenTable {
    /// Adds a registration; returns its slab key and token, or `None` if the slab is full.
    pub(crate) fn insert(&mut self, io: Arc<IoState>) -> Option<(usize, Token)> {
        let generation = self.next_generation;
        self.next_generation = (generation + 1) & GENERATION_MASK;
        let key = self.entries.insert(Entry { generation, io });
        if key > INDEX_MASK {
            self.entries.remove(key);
            return None;
        }
        Some((key, Token(generation << INDEX_BITS | key)))
    }

    /// Removes the registration `token`, if it is still the one at its index.
    pub(crate) fn remove(&mut self, token: Token) -> Option<Arc<IoState>> {
        let (key, generation) = split(token);
        match self.entries.get(key) {
            Some(entry) if entry.generation == generation => Some(self.entries.remove(key).io),
            _ => None,
        }
    }

    /// The live registration `token` names; `None` for a stale or unknown token.
    pub(crate) fn lookup(&self, token: Token) -> Option<&IoState> {
        let (key, generation) = split(token);
        match self.entries.get(key) {
            Some(entry) if entry.generation == generation => Some(&entry.io),
            _ => None,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Empties the slab (reactor shutdown), returning every registration.
    pub(crate) fn drain(&mut self) -> Vec<Arc<IoState>> {
        self.entries.drain().map(|entry| entry.io).collect()
    }
}

fn split(token: Token) -> (usize, usize) {
    (token.0 & INDEX_MASK, token.0 >> INDEX_BITS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reused_index_gets_a_new_generation() {
        let mut regs = TokenTable::default();
        let (key, first) = regs.insert(Arc::default()).unwrap();
        assert!(regs.remove(first).is_some());
        let (again, second) = regs.insert(Arc::default()).unwrap();
        assert_eq!(key, again);
        assert_ne!(first, second);
        assert!(regs.lookup(first).is_none(), "stale token must not resolve");
        assert!(regs.remove(first).is_none(), "stale token must not remove");
        assert!(regs.lookup(second).is_some());
        assert_ne!(second, WAKE_TOKEN);
    }
}
