//! Blocking HTTP clients that are not hyper: `ureq`, and a raw HTTP/1.1 reader over a
//! std socket for what ureq will not do (malformed requests, one connection on purpose,
//! resets). Every read and write has a timeout, so no client waits forever.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// How long any single blocking socket operation of a test client may take.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A fetched response: status, `content-type`, body.
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// GET `path` with `agent` (a fresh agent opens a fresh connection; one agent reuses it).
pub fn ureq_get(agent: &ureq::Agent, addr: SocketAddr, path: &str) -> Fetched {
    let response = match agent.get(&format!("http://{addr}{path}")).call() {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(err) => panic!("GET {path}: {err}"),
    };
    Fetched {
        status: response.status(),
        content_type: response.content_type().to_owned(),
        body: response.into_string().unwrap(),
    }
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(IO_TIMEOUT).build()
}

/// A connected std socket with read and write timeouts.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    stream
}

/// A parsed response of the raw client.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Reads one response (content-length or chunked body) from a kept-alive connection.
///
/// # Errors
///
/// `UnexpectedEof` if the connection ends before a whole response; the socket's errors.
pub fn read_response(reader: &mut BufReader<TcpStream>) -> io::Result<RawResponse> {
    let status_line = read_line(reader)?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, status_line.clone()))?;
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader)?;
        if line.is_empty() {
            break;
        }
        let (key, value) = line.split_once(':').unwrap();
        headers.push((key.trim().to_owned(), value.trim().to_owned()));
    }
    let mut response = RawResponse {
        status,
        headers,
        body: Vec::new(),
    };
    if let Some(length) = response.header("content-length") {
        let mut body = vec![0; length.parse().unwrap()];
        reader.read_exact(&mut body)?;
        response.body = body;
    } else if response.header("transfer-encoding") == Some("chunked") {
        loop {
            let size = usize::from_str_radix(&read_line(reader)?, 16).unwrap();
            let mut chunk = vec![0; size];
            reader.read_exact(&mut chunk)?;
            read_line(reader)?; // the CRLF after the chunk
            if size == 0 {
                break;
            }
            response.body.extend_from_slice(&chunk);
        }
    }
    Ok(response)
}

fn read_line(reader: &mut BufReader<TcpStream>) -> io::Result<String> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Sends `request` on a fresh connection and reads one response.
pub fn raw_exchange(addr: SocketAddr, request: &[u8]) -> io::Result<RawResponse> {
    let mut stream = connect(addr);
    stream.write_all(request)?;
    read_response(&mut BufReader::new(stream))
}

/// A GET request for `path` that keeps the connection open.
pub fn get_request(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nhost: test\r\n\r\n").into_bytes()
}

/// Reads until the peer closes (EOF, or a reset), returning what arrived and how it ended.
pub fn read_until_closed(stream: &mut TcpStream) -> (usize, io::Result<()>) {
    let mut total = 0;
    let mut buf = vec![0; 64 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (total, Ok(())),
            Ok(n) => total += n,
            Err(err) => return (total, Err(err)),
        }
    }
}
