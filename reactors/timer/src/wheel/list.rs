//! The intrusive doubly-linked lists that slots, the due list and the never list are made
//! of: links are slab indices, so linking and unlinking are O(1) and allocate nothing.

use super::{Place, Wheel, NIL};

impl<T> Wheel<T> {
    fn head_mut(&mut self, place: Place) -> &mut u32 {
        match place {
            Place::Slot { level, slot } => &mut self.slots[level as usize][slot as usize],
            Place::Due => &mut self.due,
            Place::Never => &mut self.never,
            Place::Detached => unreachable!("detached entries are in no list"),
        }
    }

    /// Pushes a detached entry onto the front of `place`'s list.
    pub(super) fn link(&mut self, index: u32, place: Place) {
        if place == Place::Detached {
            return;
        }
        if let Place::Slot { level, slot } = place {
            self.occupied[level as usize] |= 1 << slot;
        }
        let head = self.head_mut(place);
        let old_head = std::mem::replace(head, index);
        let node = &mut self.nodes[index as usize];
        node.prev = NIL;
        node.next = old_head;
        node.place = place;
        if old_head != NIL {
            self.nodes[old_head as usize].prev = index;
        }
    }

    /// Takes an entry out of its list (a no-op if detached), leaving it detached.
    pub(super) fn unlink(&mut self, index: u32) {
        let node = &mut self.nodes[index as usize];
        let (prev, next, place) = (node.prev, node.next, node.place);
        if place == Place::Detached {
            return;
        }
        node.prev = NIL;
        node.next = NIL;
        node.place = Place::Detached;
        if next != NIL {
            self.nodes[next as usize].prev = prev;
        }
        if prev != NIL {
            self.nodes[prev as usize].next = next;
            return;
        }
        *self.head_mut(place) = next;
        if let (Place::Slot { level, slot }, NIL) = (place, next) {
            self.occupied[level as usize] &= !(1 << slot);
        }
    }
}
