//! Detects a `block_on` nested inside another executor on the same thread.
//!
//! A thread that runs an executor (inside `block_on`, or as a pool worker) is *entered*.
//! Blocking such a thread on a second future would stop the outer executor, so the inner
//! future could wait forever for a task the outer one will never poll again. Every
//! Wakewire executor takes an [`EnterGuard`] before it runs anything and panics with
//! [`EnterError`]'s message when that fails, instead of deadlocking.
//!
//! ```
//! use wakewire_core::enter::enter;
//!
//! let outer = enter().unwrap();
//! assert!(enter().is_err()); // a nested block_on would panic with this error's message
//! drop(outer);
//! assert!(enter().is_ok());
//! ```

use std::cell::Cell;
use std::error::Error;
use std::fmt;
use std::marker::PhantomData;

use crate::sync::thread_local;

thread_local! {
    static ENTERED: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as running an executor until dropped.
pub struct EnterGuard {
    /// The guard belongs to its thread.
    _not_send: PhantomData<*const ()>,
}

/// The current thread is already running an executor.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EnterError {
    _private: (),
}

/// Marks the current thread as running an executor.
///
/// # Errors
///
/// [`EnterError`] if the thread is already inside an executor.
pub fn enter() -> Result<EnterGuard, EnterError> {
    if ENTERED.with(|entered| entered.replace(true)) {
        Err(EnterError { _private: () })
    } else {
        Ok(EnterGuard {
            _not_send: PhantomData,
        })
    }
}

/// Whether the current thread is running an executor.
pub fn is_entered() -> bool {
    ENTERED.with(Cell::get)
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        ENTERED.with(|entered| entered.set(false));
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

impl fmt::Debug for EnterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterError").finish_non_exhaustive()
    }
}

impl fmt::Display for EnterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "cannot block this thread on a future: it is already running an executor \
             (a block_on inside block_on or inside a task). The outer executor would stop \
             while this call waits, which can deadlock. Use `.await`, or spawn the future \
             and await its JoinHandle, instead",
        )
    }
}

impl Error for EnterError {}
