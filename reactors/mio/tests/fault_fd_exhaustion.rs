//! Out of file descriptors, `accept` returns EMFILE to the caller and nothing spins;
//! constructors return errors; once fds are freed, accept resumes at once.
//!
//! The test re-runs this binary as a child process (only `fd_exhaustion_child`, with an
//! environment flag) so the lowered `RLIMIT_NOFILE` cannot disturb other tests.

use std::fs::File;
use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant};

use wakewire_reactor_mio::{Reactor, TcpListener, UnixStream};

const CHILD_FLAG: &str = "WAKEWIRE_FD_EXHAUSTION_CHILD";
const CLIENTS: usize = 20;

#[test]
fn fault_fd_exhaustion() {
    let _watchdog = wakewire_test_util::watchdog("fault_fd_exhaustion", Duration::from_secs(30));
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "fd_exhaustion_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_FLAG, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child failed: {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` is a valid, writable rusage; getrusage only writes into it.
    let usage = unsafe {
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()), 0);
        usage.assume_init()
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn set_fd_limit(limit: u64) {
    let mut rlim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: valid pointers to a local rlimit; the calls only read or write it.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut rlim), 0);
        rlim.rlim_cur = limit;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &rlim), 0);
    }
}

fn is_emfile(err: &std::io::Error) -> bool {
    err.raw_os_error() == Some(libc::EMFILE)
}

#[test]
fn fd_exhaustion_child() {
    if std::env::var_os(CHILD_FLAG).is_none() {
        return; // only meaningful in the child process
    }
    let driver = wakewire_test_util::MioReactorThread::start();
    let handle = driver.handle();
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let listener = TcpListener::bind_with(loopback, &handle).unwrap();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap())
        .collect();
    set_fd_limit(wakewire_test_util::open_fds() as u64 + 16);
    let mut hog = Vec::new();
    loop {
        match File::open("/dev/null") {
            Ok(file) => hog.push(file),
            Err(err) if is_emfile(&err) => break,
            Err(err) => panic!("{err}"),
        }
    }

    // accept reports EMFILE to its caller, every time it is called.
    for _ in 0..3 {
        let err = futures_executor::block_on(listener.accept()).unwrap_err();
        assert!(is_emfile(&err), "{err}");
    }
    // Constructors fail with an error, no panic.
    assert!(Reactor::new().is_err());
    assert!(UnixStream::pair_with(&handle).is_err());

    // While the application backs off, nothing in the reactor spins.
    let (cpu_before, wall_before) = (cpu_time(), Instant::now());
    for _ in 0..10 {
        std::thread::sleep(Duration::from_millis(100));
        assert!(is_emfile(
            &futures_executor::block_on(listener.accept()).unwrap_err()
        ));
    }
    let (cpu, wall) = (cpu_time() - cpu_before, wall_before.elapsed());
    assert!(
        cpu < wall / 4,
        "busy during exhaustion: {cpu:?} CPU in {wall:?}"
    );

    // Free the fds: accept resumes at once, for every queued client.
    drop(hog);
    let mut accepted = 0;
    for _ in 0..CLIENTS {
        drop(futures_executor::block_on(listener.accept()).unwrap());
        accepted += 1;
    }
    assert_eq!(accepted, clients.len());
}
