//! Park mode stays in park mode: while a thread waits in a reactor's park (here through
//! `Blocker::with_park`, which enters the park's context as executors do), the free
//! constructors (`TcpListener::bind`, `TcpStream::connect`, `UdpSocket::bind`, the Unix
//! ones, `Async::new`, ...) register with that reactor, not with the global one. The
//! context also works through `BoxPark` and under a park layer stacked above.

use std::cell::Cell;
use std::io;
use std::net::SocketAddr;
use std::os::unix::net::UnixStream as StdUnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use wakewire_core::block_on::Blocker;
use wakewire_core::park::{BoxPark, ParkContext};
use wakewire_core::{BlockOn, Park};
use wakewire_reactor_mio::{
    Async, FdSource, Handle, Reactor, TcpListener, TcpStream, UdpSocket, UnixDatagram,
    UnixListener, UnixStream,
};

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// Creates one of every kind of socket with the free constructors, checks each is
/// registered with `expected`, and runs I/O on them (which only completes if the waiting
/// thread turns that reactor). Returns how many registrations it made.
async fn free_constructors_use(expected: &Handle) -> usize {
    assert_eq!(
        &Handle::current().unwrap(),
        expected,
        "the park's reactor is current"
    );
    let before = expected.metrics().registrations;

    let listener = TcpListener::bind(loopback()).unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (mut server, _) = listener.accept().await.unwrap();
    assert_eq!(client.registration().handle(), expected);
    assert_eq!(server.registration().handle(), expected);
    (&client).write_all(b"park").await.unwrap();
    let mut buf = [0; 4];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"park");

    let std_listener = std::net::TcpListener::bind(loopback()).unwrap();
    let std_client = std::net::TcpStream::connect(std_listener.local_addr().unwrap()).unwrap();
    let from_std_listener = TcpListener::from_std(std_listener).unwrap();
    let from_std_stream = TcpStream::from_std(std_client).unwrap();
    assert_eq!(from_std_stream.registration().handle(), expected);

    let a = UdpSocket::bind(loopback()).unwrap();
    let b = UdpSocket::bind(loopback()).unwrap();
    a.send_to(b"udp", b.local_addr().unwrap()).await.unwrap();
    let mut buf = [0; 8];
    assert_eq!(b.recv_from(&mut buf).await.unwrap().0, 3);

    let (mut x, mut y) = UnixStream::pair().unwrap();
    assert_eq!(x.registration().handle(), expected);
    x.write_all(b"unix").await.unwrap();
    let mut buf = [0; 4];
    y.read_exact(&mut buf).await.unwrap();

    let (d1, d2) = UnixDatagram::pair().unwrap();
    let unbound = UnixDatagram::unbound().unwrap();
    d1.send(b"d").await.unwrap();
    assert_eq!(d2.recv(&mut buf).await.unwrap(), 1);

    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "wakewire-mio-park-context-{}-{}.sock",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&path);
    let unix_listener = UnixListener::bind(&path).unwrap();
    let unix_client = UnixStream::connect(&path).await.unwrap();
    let (unix_server, _) = unix_listener.accept().await.unwrap();
    assert_eq!(unix_server.registration().handle(), expected);
    let _ = std::fs::remove_file(&path);

    let (raw, _peer) = StdUnixStream::pair().unwrap();
    raw.set_nonblocking(true).unwrap();
    let source = Async::new(FdSource::new(raw)).unwrap();
    assert_eq!(source.registration().handle(), expected);

    // (Saturating: other tests register with the global reactor at the same time.)
    let made = expected.metrics().registrations.saturating_sub(before);
    // Everything above is alive until here.
    drop((
        client,
        server,
        from_std_listener,
        from_std_stream,
        listener,
        a,
        b,
    ));
    drop((
        x,
        y,
        d1,
        d2,
        unbound,
        unix_listener,
        unix_client,
        unix_server,
        source,
    ));
    made
}

/// Every socket made above, counted by hand: 2 TCP listeners, 3 TCP streams, 2 UDP, 2 Unix
/// streams, 3 Unix datagrams, a Unix listener, 2 Unix streams over it, one `Async`.
const MADE: usize = 2 + 3 + 2 + 2 + 3 + 1 + 2 + 1;

#[test]
fn free_constructors_register_with_the_parked_reactor() {
    let _watchdog =
        wakewire_test_util::watchdog("free_constructors_parked", Duration::from_secs(20));
    let reactor = Reactor::new().unwrap();
    let handle = reactor.handle();
    let blocker = Blocker::with_park(reactor.park());
    let made = blocker.block_on(free_constructors_use(&handle));
    assert_eq!(
        made, MADE,
        "every socket registered with the parked reactor"
    );
    assert_eq!(
        handle.metrics().registrations,
        0,
        "and left it when dropped"
    );
    // Outside the blocker, the global reactor is current again.
    assert_eq!(Handle::current().unwrap(), Handle::global().unwrap());
}

#[test]
fn outside_any_park_the_global_reactor_is_current() {
    let _watchdog = wakewire_test_util::watchdog("global_is_current", Duration::from_secs(20));
    let global = Handle::global().unwrap();
    // No count here: every socket's own registration is checked against `global`.
    wakewire_core::block_on(free_constructors_use(&global));
}

#[test]
fn context_through_box_park() {
    let _watchdog = wakewire_test_util::watchdog("box_park_context", Duration::from_secs(20));
    let reactor = Reactor::new().unwrap();
    let handle = reactor.handle();
    let blocker = Blocker::with_park(BoxPark::new(reactor.park()));
    assert_eq!(blocker.block_on(free_constructors_use(&handle)), MADE);
}

thread_local! {
    static LAYER_ENTERED: Cell<u32> = const { Cell::new(0) };
}

/// A park layer stacked above another (as a timer's park is): it forwards to the park it
/// wraps and adds an installer of its own to that park's context.
struct Layer<P> {
    inner: P,
}

struct LayerGuard;

impl Drop for LayerGuard {
    fn drop(&mut self) {
        LAYER_ENTERED.with(|entered| entered.set(entered.get() - 1));
    }
}

impl<P: Park> Park for Layer<P> {
    type Unpark = P::Unpark;

    fn unparker(&self) -> P::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.inner.park_timeout(timeout)
    }

    fn context(&self) -> ParkContext {
        self.inner.context().with(|| {
            LAYER_ENTERED.with(|entered| entered.set(entered.get() + 1));
            LayerGuard
        })
    }
}

#[test]
fn context_under_a_layer_above() {
    let _watchdog = wakewire_test_util::watchdog("layered_context", Duration::from_secs(20));
    let reactor = Reactor::new().unwrap();
    let handle = reactor.handle();
    let park = BoxPark::new(Layer {
        inner: reactor.park(),
    });
    let blocker = Blocker::with_park(park);
    let made = blocker.block_on(async {
        assert_eq!(
            LAYER_ENTERED.with(Cell::get),
            1,
            "the layer's own installer ran"
        );
        free_constructors_use(&handle).await
    });
    assert_eq!(made, MADE);
    assert_eq!(LAYER_ENTERED.with(Cell::get), 0, "uninstalled after");
    assert_eq!(Handle::current().unwrap(), Handle::global().unwrap());
}

#[test]
fn set_default_guards_nest() {
    let (first, second) = (Reactor::new().unwrap(), Reactor::new().unwrap());
    let global = Handle::global().unwrap();
    assert_eq!(Handle::current().unwrap(), global);
    let outer = first.handle().set_default();
    assert_eq!(Handle::current().unwrap(), first.handle());
    {
        let _inner = second.handle().set_default();
        assert_eq!(Handle::current().unwrap(), second.handle());
    }
    assert_eq!(Handle::current().unwrap(), first.handle());
    drop(outer);
    assert_eq!(Handle::current().unwrap(), global);
    // Another thread never sees this thread's current reactor.
    let _guard = first.handle().set_default();
    let elsewhere = std::thread::spawn(|| Handle::current().unwrap())
        .join()
        .unwrap();
    assert_eq!(elsewhere, global);
}
