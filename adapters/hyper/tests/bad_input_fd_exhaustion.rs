//! Out of file descriptors while accepting: the server's `accept` fails with EMFILE, the
//! accept loop backs off on the timer instead of spinning, and once descriptors are free
//! again it accepts the queued clients and serves them. On every runtime of the table.
//!
//! Each case re-runs this test binary as a child process (only `emfile_child`, with an
//! environment variable naming the runtime) so the lowered `RLIMIT_NOFILE` cannot disturb
//! other tests.

mod util;

use std::fs::File;
use std::io::{BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::Duration;

use socket2::{Domain, Socket, Type};
use util::client::{get_request, read_response, IO_TIMEOUT};
use util::server::JSON;
use util::{Config, Runtime, Server};
use wakewire_test_util::open_fds;

const CHILD_RUNTIME: &str = "WAKEWIRE_HYPER_EMFILE_RUNTIME";
const CLIENTS: usize = 5;
/// How long the test watches the exhausted server.
const WINDOW: Duration = Duration::from_millis(500);

fn run_child(runtime: &str) {
    let _watchdog = wakewire_test_util::watchdog(runtime, Duration::from_secs(60));
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["emfile_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_RUNTIME, runtime)
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

#[test]
fn emfile_while_accepting_local() {
    run_child("local");
}

#[test]
fn emfile_while_accepting_pool() {
    run_child("pool");
}

#[test]
fn emfile_while_accepting_foreign() {
    run_child("foreign");
}

#[test]
fn emfile_child() {
    let runtime = match std::env::var(CHILD_RUNTIME).as_deref() {
        Ok("local") => Runtime::Local,
        Ok("pool") => Runtime::Pool,
        Ok("foreign") => Runtime::Foreign,
        _ => return, // only meaningful in the child process
    };
    let config = Config {
        accept_backoff: Duration::from_millis(5), // 5 ms doubling up to 80 ms
        ..Config::default()
    };
    let server = Server::start(runtime, config);
    // The client sockets exist before the descriptors run out; connecting needs no new one.
    let sockets: Vec<Socket> = (0..CLIENTS)
        .map(|_| Socket::new(Domain::IPV4, Type::STREAM, None).unwrap())
        .collect();

    set_fd_limit(open_fds() as u64 + 16);
    let mut hog = Vec::new();
    loop {
        match File::open("/dev/null") {
            Ok(file) => hog.push(file),
            Err(err) if err.raw_os_error() == Some(libc::EMFILE) => break,
            Err(err) => panic!("{err}"),
        }
    }
    let clients: Vec<TcpStream> = sockets
        .into_iter()
        .map(|socket| connect(socket, server.addr))
        .collect();

    // The server cannot accept: it reports, backs off, tries again — a few times, not a
    // tight loop. (With backoff 5, 10, 20, 40, 80, 80, ... ms a window of 500 ms holds
    // about 10 attempts; a loop without backoff makes thousands.)
    let before = server
        .stats
        .wait_until("accept failing", Duration::from_secs(10), |c| {
            c.accept_errors >= 3
        });
    std::thread::sleep(WINDOW); // watching behaviour over time, not synchronising
    let during = server.stats.snapshot();
    let attempts = during.accept_errors - before.accept_errors;
    assert!(
        attempts <= 25,
        "{attempts} failed accepts in {WINDOW:?}: no backoff"
    );
    assert_eq!(during.accepted, 0);

    // Descriptors free again: the queued clients are accepted and served.
    drop(hog);
    for mut client in clients {
        client.write_all(&get_request("/json")).unwrap();
        let response = read_response(&mut BufReader::new(client)).unwrap();
        assert_eq!(
            (response.status, response.body.as_slice()),
            (200, JSON.as_bytes())
        );
    }
    assert_eq!(server.stats.snapshot().accepted, CLIENTS);
    server.stop();
}

fn connect(socket: Socket, addr: SocketAddr) -> TcpStream {
    socket.connect(&addr.into()).unwrap();
    let stream = TcpStream::from(socket);
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    stream
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
