//! Sockets as leaf futures: TCP, UDP and Unix-domain, each on [`Async`](crate::Async).

mod delegate;
mod split;
mod tcp_listener;
mod tcp_stream;
mod udp;
mod unix_datagram;
mod unix_stream;

pub use split::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub use tcp_listener::{Accept, Incoming, TcpListener};
pub use tcp_stream::TcpStream;
pub use udp::UdpSocket;
pub use unix_datagram::UnixDatagram;
pub use unix_stream::{UnixIncoming, UnixListener, UnixStream};
