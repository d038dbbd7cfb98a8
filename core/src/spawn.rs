//! The executor traits: spawn `Send` futures, spawn `!Send` futures, block on a future.
//!
//! Each trait comes in two forms, bridged by blanket impls so an executor writes one:
//!
//! | generic (zero-cost, what executors implement) | object-safe (for `&dyn`/`Box<dyn>`) |
//! | --- | --- |
//! | [`Spawn::spawn`]`(F) -> JoinHandle<F::Output>` | [`DynSpawn::spawn_dyn`]`(BoxFuture) -> JoinHandle<()>` |
//! | [`LocalSpawn::spawn_local`] | [`DynLocalSpawn::spawn_local_dyn`] |
//! | [`BlockOn::block_on`]`(F) -> F::Output` | [`DynBlockOn::block_on_dyn`], plus a typed [`block_on`](trait.DynBlockOn.html#method.block_on) on `dyn DynBlockOn` |
//!
//! Through `dyn` the spawned future is boxed and its output is `()`: send a value back over a
//! channel, or keep the generic form where the output type matters.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::{pin, Pin};

use crate::join::JoinHandle;

/// A `Send` future in a box, the currency of the object-safe traits.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A future in a box that may be `!Send`, for [`DynLocalSpawn`].
pub type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T> + 'static>>;

/// An executor that accepts `Send + 'static` futures and may run them on any of its threads.
///
/// # Errors
///
/// [`spawn`](Spawn::spawn) returns [`SpawnError`] when the executor has shut down. The
/// future has then already been dropped, on the calling thread, before `spawn` returns: it
/// is never run and never leaked.
pub trait Spawn {
    /// Starts running `future` in the background and returns a handle to its output.
    ///
    /// Dropping the handle detaches the task; it keeps running.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] if the executor has shut down (the future is dropped at once).
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;
}

/// An executor that accepts `!Send` futures and polls them on the thread that owns it.
pub trait LocalSpawn {
    /// Starts running `future` on this executor's thread and returns a handle to its output.
    ///
    /// The future is polled and dropped only on the executor's own thread, even when the
    /// last waker of its task is dropped on another thread.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] if the executor has shut down (the future is dropped at once).
    fn spawn_local<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static;
}

/// An executor that can run a future to completion on the current thread.
pub trait BlockOn {
    /// Polls `future` on the current thread, parking it while there is nothing to do, and
    /// returns the future's output.
    ///
    /// # Panics
    ///
    /// Panics, with a message saying why, when called from inside another `block_on` or
    /// from a thread that is running an executor: the outer executor could not make
    /// progress while the inner call blocks, so the call would deadlock (see
    /// [`enter`](crate::enter)).
    fn block_on<F: Future>(&self, future: F) -> F::Output;
}

/// The object-safe form of [`Spawn`]; every `Spawn` implements it.
pub trait DynSpawn {
    /// Spawns a boxed future; see [`Spawn::spawn`].
    ///
    /// # Errors
    ///
    /// [`SpawnError`] if the executor has shut down (the future is dropped at once).
    fn spawn_dyn(&self, future: BoxFuture<()>) -> Result<JoinHandle<()>, SpawnError>;
}

impl<S: Spawn + ?Sized> DynSpawn for S {
    fn spawn_dyn(&self, future: BoxFuture<()>) -> Result<JoinHandle<()>, SpawnError> {
        self.spawn(future)
    }
}

/// The object-safe form of [`LocalSpawn`]; every `LocalSpawn` implements it.
pub trait DynLocalSpawn {
    /// Spawns a boxed `!Send` future; see [`LocalSpawn::spawn_local`].
    ///
    /// # Errors
    ///
    /// [`SpawnError`] if the executor has shut down (the future is dropped at once).
    fn spawn_local_dyn(&self, future: LocalBoxFuture<()>) -> Result<JoinHandle<()>, SpawnError>;
}

impl<S: LocalSpawn + ?Sized> DynLocalSpawn for S {
    fn spawn_local_dyn(&self, future: LocalBoxFuture<()>) -> Result<JoinHandle<()>, SpawnError> {
        self.spawn_local(future)
    }
}

/// The object-safe form of [`BlockOn`]; every `BlockOn` implements it.
///
/// The future is borrowed, not boxed, so a typed [`block_on`](#method.block_on) on
/// `dyn DynBlockOn` costs no allocation.
pub trait DynBlockOn {
    /// Runs a borrowed future to completion; see [`BlockOn::block_on`].
    ///
    /// # Panics
    ///
    /// As [`BlockOn::block_on`]: when called from inside another executor on this thread.
    fn block_on_dyn(&self, future: Pin<&mut dyn Future<Output = ()>>);
}

impl<B: BlockOn + ?Sized> DynBlockOn for B {
    fn block_on_dyn(&self, future: Pin<&mut dyn Future<Output = ()>>) {
        self.block_on(future)
    }
}

impl dyn DynBlockOn + '_ {
    /// Runs `future` to completion through the object-safe interface and returns its output.
    ///
    /// # Panics
    ///
    /// As [`BlockOn::block_on`]: when called from inside another executor on this thread.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut output = None;
        {
            let mut store = pin!(async {
                output = Some(future.await);
            });
            self.block_on_dyn(store.as_mut());
        }
        output.expect("DynBlockOn::block_on_dyn returned before its future completed")
    }
}

/// A spawn was refused because the executor has shut down.
///
/// The future passed to the failed call has already been dropped when you see this error.
#[derive(Clone, PartialEq, Eq)]
pub struct SpawnError {
    _private: (),
}

impl SpawnError {
    /// The error for a spawn on an executor that has shut down.
    pub fn shutdown() -> Self {
        SpawnError { _private: () }
    }

    /// Whether the spawn failed because the executor has shut down (currently always true;
    /// kept so new reasons can be added without breaking callers).
    pub fn is_shutdown(&self) -> bool {
        true
    }
}

impl fmt::Debug for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpawnError")
            .field("reason", &"shutdown")
            .finish()
    }
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the executor has shut down; the future was dropped without being run")
    }
}

impl Error for SpawnError {}
