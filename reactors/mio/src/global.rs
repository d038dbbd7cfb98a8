//! The process-wide reactor: started on its own thread the first time it is needed.

use std::io;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::Duration;

use crate::handle::Handle;
use crate::reactor::Reactor;

static GLOBAL: OnceLock<Handle> = OnceLock::new();
static GLOBAL_INIT: Mutex<()> = Mutex::new(());

impl Handle {
    /// The process-wide default reactor, started on its own thread on first use.
    ///
    /// That thread (`wakewire-mio`) turns the reactor forever, so I/O types registered
    /// with it make progress under any executor, with no setup. It is what
    /// [`Handle::current`] returns on a thread where no park made another reactor current.
    ///
    /// # Errors
    ///
    /// Creating the reactor or its thread failed (for example no file descriptor left);
    /// the next call tries again.
    pub fn global() -> io::Result<Handle> {
        if let Some(handle) = GLOBAL.get() {
            return Ok(handle.clone());
        }
        // One initializer at a time, so two racing first uses start one thread.
        let _init = GLOBAL_INIT.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(handle) = GLOBAL.get() {
            return Ok(handle.clone());
        }
        let mut reactor = Reactor::new()?;
        let handle = reactor.handle();
        thread::Builder::new()
            .name("wakewire-mio".into())
            .spawn(move || loop {
                if let Err(err) = reactor.turn(None) {
                    // epoll_wait only fails on EINTR (handled in `turn`) or a broken
                    // epoll fd; back off rather than spin.
                    eprintln!("wakewire-mio: reactor turn failed: {err}");
                    thread::sleep(Duration::from_millis(10));
                }
            })?;
        Ok(GLOBAL.get_or_init(|| handle).clone())
    }
}
