//! A counting global allocator, for leak checks.
//!
//! The only `unsafe` of the kit: implementing [`GlobalAlloc`] is an unsafe trait impl.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

/// The system allocator plus two counters: bytes currently allocated and allocations made.
/// Install it in a test binary, then compare [`live_bytes`](Self::live_bytes) before and
/// after create/drop cycles.
///
/// ```
/// use wakewire_test_util::CountingAllocator;
///
/// #[global_allocator]
/// static ALLOCATOR: CountingAllocator = CountingAllocator::new();
///
/// let before = ALLOCATOR.live_bytes();
/// let boxed = Box::new([0u8; 64]);
/// assert!(ALLOCATOR.live_bytes() >= before + 64);
/// drop(boxed);
/// ```
#[derive(Debug)]
pub struct CountingAllocator {
    live_bytes: AtomicIsize,
    allocations: AtomicUsize,
}

impl CountingAllocator {
    /// An allocator with both counters at zero (usable in a `static`).
    pub const fn new() -> Self {
        CountingAllocator {
            live_bytes: AtomicIsize::new(0),
            allocations: AtomicUsize::new(0),
        }
    }

    /// Bytes allocated and not yet freed (by the whole process, every thread).
    pub fn live_bytes(&self) -> isize {
        self.live_bytes.load(Ordering::SeqCst)
    }

    /// Allocations made so far (reallocations included).
    pub fn allocations(&self) -> usize {
        self.allocations.load(Ordering::SeqCst)
    }
}

impl Default for CountingAllocator {
    fn default() -> Self {
        CountingAllocator::new()
    }
}

// SAFETY: every method defers to the system allocator with the caller's arguments
// unchanged, and only adds bookkeeping on atomics (which never allocate).
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.live_bytes
            .fetch_add(layout.size() as isize, Ordering::SeqCst);
        self.allocations.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the caller upholds `alloc`'s contract, forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.live_bytes
            .fetch_sub(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: `ptr` was allocated by `System` with this layout (see `alloc`).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `realloc`'s contract, forwarded unchanged.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            self.live_bytes
                .fetch_add(new_size as isize - layout.size() as isize, Ordering::SeqCst);
            self.allocations.fetch_add(1, Ordering::SeqCst);
        }
        new
    }
}
