//! A one-slot mailbox between threads and tasks.

use std::future::{poll_fn, Future};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};
use std::time::Duration;

use crate::wait_until;

/// One value handed from a thread or task to a waiting task: [`recv`](Self::recv) waits
/// for it (storing the task's waker), [`send`](Self::send) stores it and wakes the
/// receiver. Clones share the slot.
///
/// ```
/// use wakewire_test_util::Mailbox;
///
/// let mailbox = Mailbox::default();
/// let sender = mailbox.clone();
/// std::thread::spawn(move || sender.send_when_awaited(7));
/// assert_eq!(wakewire_core::block_on(mailbox.recv()), 7);
/// ```
#[derive(Debug)]
pub struct Mailbox<T> {
    slot: Arc<Mutex<(Option<T>, Option<Waker>)>>,
}

impl<T> Clone for Mailbox<T> {
    fn clone(&self) -> Self {
        Mailbox {
            slot: Arc::clone(&self.slot),
        }
    }
}

impl<T> Default for Mailbox<T> {
    fn default() -> Self {
        Mailbox {
            slot: Arc::new(Mutex::new((None, None))),
        }
    }
}

impl<T> Mailbox<T> {
    /// Stores `value` and wakes the receiver (after unlocking: a waker is foreign code).
    pub fn send(&self, value: T) {
        let waker = {
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            slot.0 = Some(value);
            slot.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Waits until a receiver is waiting, then sends: the receiving side really goes
    /// through Wait and Wake.
    ///
    /// # Panics
    ///
    /// When nobody waits within 10 s.
    pub fn send_when_awaited(&self, value: T) {
        wait_until(
            "a receiver waiting on the mailbox",
            Duration::from_secs(10),
            || {
                self.slot
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .1
                    .is_some()
            },
        );
        self.send(value);
    }

    /// The value, once sent.
    pub fn recv(&self) -> impl Future<Output = T> + '_ {
        poll_fn(move |cx| {
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            match slot.0.take() {
                Some(value) => Poll::Ready(value),
                None => {
                    let old = slot.1.replace(cx.waker().clone());
                    drop(slot);
                    drop(old);
                    Poll::Pending
                }
            }
        })
    }
}
