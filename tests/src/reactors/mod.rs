//! The columns of the matrix: every reactor, started fresh for each cell.
//!
//! | reactor | leaf of the generic scenarios | thread mode | park mode |
//! | --- | --- | --- | --- |
//! | `mio` | a Unix socket's readiness | a private reactor turned by its own thread | `Reactor::park` |
//! | `timer` | a sleep on a manual clock | `TimerThread` | `TimerPark` |
//! | `channel` | a oneshot receive | the sender's thread wakes | n/a: no event loop |
//! | `blocking` | a job on a private blocking pool | the pool's threads wake | n/a: nothing to turn |
//! | `tokio` | a tokio Unix socket's readiness through `TokioReactor` | the reactor's thread | n/a |
//! | `async-io` | an `Async<UnixStream>`'s readiness | async-io's thread | n/a |
//! | `smol-timeout` | `TimeoutExt::timeout` over a pending future | async-io's thread | n/a |
//! | `futures-timer` | a `Delay` | futures-timer's thread | n/a |
//! | `hyper` | (an HTTP exchange; needs an executor that spawns) | our sockets and timer on their threads | `TimerPark` over the socket reactor's park |

mod async_io;
mod blocking;
mod channel;
mod futures_timer;
mod hyper;
mod mio;
mod smol_timeout;
mod sockets;
mod timer;
mod tokio;

use crate::kit::reactor::ReactorEntry;

/// Every reactor of the matrix, in column order.
pub(crate) fn all() -> Vec<ReactorEntry> {
    vec![
        mio::entry(),
        timer::entry(),
        channel::entry(),
        blocking::entry(),
        tokio::entry(),
        async_io::entry(),
        smol_timeout::entry(),
        futures_timer::entry(),
        hyper::entry(),
    ]
}
