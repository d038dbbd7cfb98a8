//! The harness's global allocator: the system allocator, plus a count of the bytes
//! allocated minus the bytes freed while counting is on (the memory rows).
//!
//! Counting is off except inside a memory workload, so the timed workloads pay one
//! relaxed load and a predictable branch per allocation, the same for every contender.
//! While it is on, each thread adds to its own cache-line-padded counter (picked once per
//! thread), so the count does not become a shared cache line every allocation fights over.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering::Relaxed};

/// The allocator `main.rs` installs.
pub(crate) struct Counting;

static ON: AtomicBool = AtomicBool::new(false);

const SHARDS: usize = 64;

#[repr(align(128))]
struct Shard(AtomicIsize);

static COUNTS: [Shard; SHARDS] = [const { Shard(AtomicIsize::new(0)) }; SHARDS];
static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// This thread's shard, picked on its first counted allocation.
    static SHARD: Cell<usize> = const { Cell::new(usize::MAX) };
}

fn add(bytes: isize) {
    // `try_with`: a thread being torn down may still free memory.
    let shard = SHARD
        .try_with(|shard| {
            if shard.get() == usize::MAX {
                shard.set(NEXT_SHARD.fetch_add(1, Relaxed) % SHARDS);
            }
            shard.get()
        })
        .unwrap_or(0);
    COUNTS[shard].0.fetch_add(bytes, Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds `GlobalAlloc`'s
// contract; the counting around it allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ON.load(Relaxed) {
            add(layout.size() as isize);
        }
        // SAFETY: the caller's `layout` obligations pass through.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if ON.load(Relaxed) {
            add(layout.size() as isize);
        }
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ON.load(Relaxed) {
            add(-(layout.size() as isize));
        }
        // SAFETY: `ptr` came from this allocator, i.e. from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ON.load(Relaxed) {
            add(new_size as isize - layout.size() as isize);
        }
        // SAFETY: as for `dealloc`, and the caller's `new_size` obligations pass through.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Counts the heap bytes that stay allocated between [`start`](Self::start) and
/// [`live_bytes`](Self::live_bytes); counting stops when it is dropped.
///
/// Bytes allocated before `start` and freed while it counts are subtracted, so the
/// workload starts it only once the runtime is idle.
#[derive(Debug)]
pub(crate) struct Window {
    base: isize,
}

impl Window {
    pub(crate) fn start() -> Window {
        ON.store(true, Relaxed);
        Window { base: total() }
    }

    /// Bytes allocated minus bytes freed since `start`.
    pub(crate) fn live_bytes(&self) -> isize {
        total() - self.base
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        ON.store(false, Relaxed);
    }
}

fn total() -> isize {
    COUNTS.iter().map(|shard| shard.0.load(Relaxed)).sum()
}
