//! Registering twice, deregistering or reregistering what is not registered, and
//! dropping without deregistering all give documented results.

use std::io::{ErrorKind, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use mio::unix::SourceFd;
use wakewire_reactor_mio::{is_shutdown, Async, FdSource, Interest, Reactor};

fn nonblocking_pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

#[test]
fn misuse_registration_errors() {
    let _watchdog =
        wakewire_test_util::watchdog("misuse_registration_errors", Duration::from_secs(20));
    let driver = wakewire_test_util::MioReactorThread::start();
    let handle = driver.handle();
    let baseline = handle.metrics().registrations;

    // Register the same fd twice: AlreadyExists, and the first registration still works.
    let (a, mut peer) = nonblocking_pair();
    let raw = a.as_raw_fd();
    let first = Async::with_handle(FdSource::new(a), &handle).unwrap();
    let err = handle
        .register(&mut SourceFd(&raw), Interest::READABLE)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    assert_eq!(
        handle.metrics().registrations,
        baseline + 1,
        "failed register left an entry"
    );
    peer.write_all(b"still works").unwrap();
    let ready = futures_executor::block_on(first.readable()).unwrap();
    assert!(ready.readiness().is_readable());

    // Deregister / reregister a source that was never registered: NotFound, no change.
    let (stranger, _keep) = nonblocking_pair();
    let stranger_fd = stranger.as_raw_fd();
    let (c, _c_peer) = nonblocking_pair();
    let c_fd = c.as_raw_fd();
    let mut registration = handle
        .register(&mut SourceFd(&c_fd), Interest::READABLE)
        .unwrap();
    let err = registration
        .deregister(&mut SourceFd(&stranger_fd))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = registration
        .reregister(&mut SourceFd(&stranger_fd), Interest::READABLE)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    registration
        .reregister(
            &mut SourceFd(&c_fd),
            Interest::READABLE | Interest::WRITABLE,
        )
        .unwrap();

    // After a real deregister, both operations are NotFound.
    registration.deregister(&mut SourceFd(&c_fd)).unwrap();
    let err = registration.deregister(&mut SourceFd(&c_fd)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = registration
        .reregister(&mut SourceFd(&c_fd), Interest::READABLE)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    drop(registration);

    // Drop without deregistering: the slab entry goes anyway.
    let (d, _d_peer) = nonblocking_pair();
    let d_fd = d.as_raw_fd();
    let leaked = handle
        .register(&mut SourceFd(&d_fd), Interest::READABLE)
        .unwrap();
    assert_eq!(handle.metrics().registrations, baseline + 2);
    drop(leaked);
    drop(d); // closing the fd removes it from epoll
    drop(first);
    assert_eq!(handle.metrics().registrations, baseline);

    // After the reactor is gone, registering fails with ReactorShutdown.
    drop(driver);
    let (e, _e_peer) = nonblocking_pair();
    let err = Async::with_handle(FdSource::new(e), &handle).unwrap_err();
    assert!(is_shutdown(&err), "{err}");

    // Several reactors coexist: one fd may be registered with two different reactors.
    let other = Reactor::new().unwrap();
    let (f, _f_peer) = nonblocking_pair();
    let f_fd = f.as_raw_fd();
    let _one = other
        .handle()
        .register(&mut SourceFd(&f_fd), Interest::READABLE)
        .unwrap();
    let third = Reactor::new().unwrap();
    let _two = third
        .handle()
        .register(&mut SourceFd(&f_fd), Interest::READABLE)
        .unwrap();
}
