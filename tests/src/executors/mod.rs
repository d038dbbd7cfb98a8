//! The rows of the matrix: every executor, built fresh for each cell.
//!
//! | row | executor | park mode |
//! | --- | --- | --- |
//! | `wakewire-local` | Wakewire's single-threaded `LocalExecutor` | the park itself |
//! | `wakewire-pool` | Wakewire's work-stealing `Pool`, 2 workers | a `SharedPark` over it |
//! | `wakewire-block-on` | core's plain `block_on` (`Blocker`): spawns nothing | the park itself |
//! | `tokio-current-thread` | tokio `current_thread` + `LocalSet` (`TokioLocal`) | n/a |
//! | `tokio-multi-thread` | tokio `multi_thread`, 2 workers (`TokioExecutor`) | n/a |
//! | `async-executor` | async-executor `Executor` on 2 threads (`SmolExecutor`) | n/a |
//! | `async-executor-local` | async-executor `LocalExecutor` (`SmolLocal`) | n/a |
//! | `futures-thread-pool` | futures-executor `ThreadPool`, 2 threads (`ThreadPoolExecutor`) | n/a |
//! | `futures-local-pool` | futures-executor `LocalPool` (`LocalPoolExecutor`) | n/a |

mod foreign;
mod wakewire;

use crate::kit::executor::ExecutorEntry;

/// Every executor of the matrix, in row order.
pub(crate) fn all() -> Vec<ExecutorEntry> {
    vec![
        wakewire::local(),
        wakewire::pool(),
        wakewire::block_on(),
        foreign::tokio_current_thread(),
        foreign::tokio_multi_thread(),
        foreign::async_executor(),
        foreign::async_executor_local(),
        foreign::futures_thread_pool(),
        foreign::futures_local_pool(),
    ]
}
