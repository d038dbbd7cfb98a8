//! [`ReactorState`]: the half of a reactor that its handles, registrations and parks
//! share — the registry sources are added to, the token table, the wake eventfd, the
//! counters — and how a batch of wakers is woken on the reactor's behalf.

use std::cell::Cell;
use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::Waker;

use mio::Registry;

use crate::metrics::{Counters, ReactorMetrics};
use crate::selector::Event;
use crate::token_table::{TokenTable, WAKE_TOKEN};

thread_local! {
    /// The address of the reactor whose turn is running wakers on this thread (0: none).
    static WAKING: Cell<usize> = const { Cell::new(0) };
}

/// What a [`Reactor`](crate::Reactor) shares with its handles; see the [module docs](self).
pub(crate) struct ReactorState {
    pub(crate) registry: Registry,
    waker: mio::Waker,
    tokens: Mutex<TokenTable>,
    pub(crate) counters: Counters,
}

impl ReactorState {
    /// State over a selector's registry (cloned) with a wake eventfd registered in it.
    pub(crate) fn new(registry: &Registry) -> io::Result<ReactorState> {
        Ok(ReactorState {
            registry: registry.try_clone()?,
            waker: mio::Waker::new(registry, WAKE_TOKEN)?,
            tokens: Mutex::default(),
            counters: Counters::default(),
        })
    }

    pub(crate) fn tokens(&self) -> MutexGuard<'_, TokenTable> {
        // Nothing panics while this lock is held (wakers run after it is released).
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes a blocked [`Reactor::turn`](crate::Reactor::turn) return.
    pub(crate) fn unpark(&self) {
        // A waker run by this reactor's own turn (an executor parked in it, woken by the
        // events it dispatches) needs no eventfd write: the turn returns right after.
        if WAKING.get() == self as *const ReactorState as usize {
            return;
        }
        // Fails only if the eventfd counter is saturated, which means a wakeup is already
        // pending: nothing is lost by ignoring it.
        let _ = self.waker.wake();
    }

    pub(crate) fn metrics(&self) -> ReactorMetrics {
        self.counters.snapshot(self.tokens().len())
    }

    /// Marks every registration ready for its events and collects the wakers to wake.
    /// Returns how many events reached a live registration.
    pub(crate) fn dispatch(&self, events: &[Event], wakers: &mut Vec<Waker>) -> usize {
        let (mut delivered, mut stale) = (0, 0);
        {
            let tokens = self.tokens();
            for event in events.iter().filter(|event| event.token != WAKE_TOKEN) {
                match tokens.lookup(event.token) {
                    Some(io) => {
                        io.set_readiness(event.readiness);
                        io.take_wakers(event.readiness, wakers);
                        delivered += 1;
                    }
                    None => stale += 1,
                }
            }
        }
        Counters::add(&self.counters.events, delivered as u64);
        Counters::add(&self.counters.stale_events, stale);
        delivered
    }

    /// Wakes `wakers` (emptying it) under the one policy of every Wakewire reactor
    /// ([`wake_all`](wakewire_core::waker::wake_all)): each waker runs even if another
    /// panics, and no panic unwinds into the caller — it is counted and dropped.
    pub(crate) fn wake(&self, wakers: &mut Vec<Waker>) {
        if wakers.is_empty() {
            return;
        }
        Counters::add(&self.counters.wakes, wakers.len() as u64);
        if let Some(payload) = wakewire_core::waker::wake_all("mio", wakers.drain(..)) {
            Counters::add(&self.counters.waker_panics, 1);
            wakewire_core::panic::drop_payload(payload);
        }
    }

    /// [`wake`](Self::wake) from inside this reactor's own turn: an [`unpark`](Self::unpark)
    /// the wakers cause on this thread is skipped, since the turn is about to return.
    /// Only the turning thread may say so: anywhere else the reactor may be blocked in
    /// another thread, and that unpark is the wakeup.
    pub(crate) fn wake_in_turn(&self, wakers: &mut Vec<Waker>) {
        let outer = WAKING.replace(self as *const ReactorState as usize);
        self.wake(wakers);
        WAKING.set(outer);
    }
}
