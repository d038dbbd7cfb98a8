//! What this process holds, for leak checks (Linux `/proc`).

/// Open file descriptors of this process.
///
/// # Panics
///
/// When `/proc/self/fd` cannot be read (not Linux).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd is readable on Linux")
        .count()
}

/// Threads of this process.
///
/// # Panics
///
/// When `/proc/self/task` cannot be read (not Linux).
pub fn os_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task is readable on Linux")
        .count()
}
