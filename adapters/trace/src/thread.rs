//! Thread tags: a small number per OS thread, assigned on the thread's first event, and
//! the thread's name, kept process-wide so every recorder and trace can name it.

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::event::ThreadTag;

/// Names kept for at most this many threads; later threads are named `thread-N`, so a
/// program that starts threads without end does not grow this table without end.
const MAX_NAMED_THREADS: usize = 4096;

static NEXT_TAG: AtomicU32 = AtomicU32::new(1);
static NAMES: Mutex<Vec<Arc<str>>> = Mutex::new(Vec::new());

thread_local! {
    static TAG: Cell<u32> = const { Cell::new(0) };
}

/// The calling thread's tag, assigning one (and recording the thread's name) on first use.
pub(crate) fn current() -> ThreadTag {
    let tag = TAG.try_with(Cell::get).unwrap_or(0);
    if tag != 0 {
        return ThreadTag(tag);
    }
    let tag = NEXT_TAG.fetch_add(1, Ordering::Relaxed);
    let name: Arc<str> = match std::thread::current().name() {
        Some(name) => Arc::from(name),
        None => Arc::from(format!("thread-{tag}")),
    };
    {
        let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
        let index = tag as usize - 1;
        if index < MAX_NAMED_THREADS {
            if names.len() <= index {
                names.resize(index + 1, Arc::from(""));
            }
            names[index] = name;
        }
    }
    let _ = TAG.try_with(|cell| cell.set(tag));
    ThreadTag(tag)
}

/// The name of the thread tagged `tag`.
pub(crate) fn name(tag: ThreadTag) -> Arc<str> {
    let names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    match names.get((tag.0 as usize).wrapping_sub(1)) {
        Some(name) if !name.is_empty() => Arc::clone(name),
        _ => Arc::from(format!("thread-{}", tag.0)),
    }
}
