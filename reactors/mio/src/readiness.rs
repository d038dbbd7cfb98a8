//! [`Readiness`]: what an event says a source is ready for, and [`Direction`].

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// A set of readiness flags carried by an [`Event`](crate::Event).
///
/// `READABLE`/`WRITABLE` are edges: they are cleared when an operation hits `WouldBlock`.
/// `READ_CLOSED`/`WRITE_CLOSED` stay set: once the peer closed a direction, every later
/// operation in it goes straight to the system call (which then reports EOF or the error).
/// They are cleared only when such a call gets `WouldBlock` — proof that the direction is
/// not closed after all (an error event sets them, and one call consumes the error).
///
/// ```
/// use wakewire_reactor_mio::Readiness;
///
/// let ready = Readiness::READABLE | Readiness::WRITE_CLOSED;
/// assert!(ready.is_readable());
/// assert!(!ready.is_writable());
/// assert!(ready.is_write_closed());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Readiness(u8);

impl Readiness {
    /// No readiness.
    pub const EMPTY: Readiness = Readiness(0);
    /// Data (or a connection) can be read.
    pub const READABLE: Readiness = Readiness(0b0001);
    /// Data can be written.
    pub const WRITABLE: Readiness = Readiness(0b0010);
    /// The read direction is closed (EOF, or an error pending).
    pub const READ_CLOSED: Readiness = Readiness(0b0100);
    /// The write direction is closed (the peer is gone, or an error pending).
    pub const WRITE_CLOSED: Readiness = Readiness(0b1000);
    /// Every flag.
    pub const ALL: Readiness = Readiness(0b1111);

    pub(crate) const fn bits(self) -> usize {
        self.0 as usize
    }

    pub(crate) const fn from_bits(bits: usize) -> Readiness {
        Readiness((bits & 0b1111) as u8)
    }

    /// Converts what mio reported. An error event counts as every flag, so both directions
    /// retry their system call and see the error; once it is consumed, the next call that
    /// gets `WouldBlock` clears them and waits again.
    pub fn from_mio(event: &mio::event::Event) -> Readiness {
        let mut ready = Readiness::EMPTY;
        if event.is_readable() {
            ready |= Readiness::READABLE;
        }
        if event.is_writable() {
            ready |= Readiness::WRITABLE;
        }
        if event.is_read_closed() {
            ready |= Readiness::READ_CLOSED;
        }
        if event.is_write_closed() {
            ready |= Readiness::WRITE_CLOSED;
        }
        if event.is_error() {
            ready = Readiness::ALL;
        }
        ready
    }

    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `READABLE` is set.
    pub const fn is_readable(self) -> bool {
        self.0 & Readiness::READABLE.0 != 0
    }

    /// Whether `WRITABLE` is set.
    pub const fn is_writable(self) -> bool {
        self.0 & Readiness::WRITABLE.0 != 0
    }

    /// Whether `READ_CLOSED` is set.
    pub const fn is_read_closed(self) -> bool {
        self.0 & Readiness::READ_CLOSED.0 != 0
    }

    /// Whether `WRITE_CLOSED` is set.
    pub const fn is_write_closed(self) -> bool {
        self.0 & Readiness::WRITE_CLOSED.0 != 0
    }

    /// The flags set in both.
    pub const fn intersection(self, other: Readiness) -> Readiness {
        Readiness(self.0 & other.0)
    }
}

impl BitOr for Readiness {
    type Output = Readiness;

    fn bitor(self, rhs: Readiness) -> Readiness {
        Readiness(self.0 | rhs.0)
    }
}

impl BitOrAssign for Readiness {
    fn bitor_assign(&mut self, rhs: Readiness) {
        self.0 |= rhs.0;
    }
}

impl fmt::Debug for Readiness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (Readiness::READABLE, "READABLE"),
            (Readiness::WRITABLE, "WRITABLE"),
            (Readiness::READ_CLOSED, "READ_CLOSED"),
            (Readiness::WRITE_CLOSED, "WRITE_CLOSED"),
        ];
        let mut list = f.debug_set();
        for (flag, name) in names {
            if !self.intersection(flag).is_empty() {
                list.entry(&format_args!("{name}"));
            }
        }
        list.finish()
    }
}

/// One direction of a source, each with its own waker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Reading, receiving, accepting.
    Read,
    /// Writing, sending, connecting.
    Write,
}

impl Direction {
    /// The readiness flags that let an operation in this direction make progress.
    pub const fn mask(self) -> Readiness {
        match self {
            Direction::Read => Readiness(Readiness::READABLE.0 | Readiness::READ_CLOSED.0),
            Direction::Write => Readiness(Readiness::WRITABLE.0 | Readiness::WRITE_CLOSED.0),
        }
    }
}
