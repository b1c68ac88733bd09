//! A byte relay in front of the HTTP server, so that a fault can close a client's connection
//! at any point (tiny_http keeps keep-alive connections open whatever a handler does).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::lock;
use std::thread::{self, JoinHandle};

/// Client-facing sockets by the address the HTTP server sees as the peer.
type Connections = Arc<Mutex<HashMap<SocketAddr, TcpStream>>>;

pub(crate) struct Gate {
    addr: SocketAddr,
    connections: Connections,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Gate {
    /// Listens on loopback `port` (0: a free one) and relays every connection to `upstream`.
    pub(crate) fn start(upstream: SocketAddr, port: u16) -> io::Result<Gate> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let connections: Connections = Arc::default();
        let stopping = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let connections = connections.clone();
            let stopping = stopping.clone();
            thread::Builder::new()
                .name("emulator-gate".into())
                .spawn(move || accept_loop(listener, upstream, connections, stopping))?
        };
        Ok(Gate {
            addr,
            connections,
            stopping,
            acceptor: Some(acceptor),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Closes the client connection whose relayed side has `peer` as its address.
    pub(crate) fn close(&self, peer: SocketAddr) {
        if let Some(stream) = lock(&self.connections).remove(&peer) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the acceptor.
        let _ = TcpStream::connect(self.addr);
        if let Some(handle) = self.acceptor.take() {
            let _ = handle.join();
        }
        for (_, stream) in lock(&self.connections).drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    upstream: SocketAddr,
    connections: Connections,
    stopping: Arc<AtomicBool>,
) {
    for client in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(client) = client else { continue };
        let _ = relay(client, upstream, &connections);
    }
}

fn relay(client: TcpStream, upstream: SocketAddr, connections: &Connections) -> io::Result<()> {
    let server = TcpStream::connect(upstream)?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let peer = server.local_addr()?;
    lock(connections).insert(peer, client.try_clone()?);
    let (client_read, server_write) = (client.try_clone()?, server.try_clone()?);
    let connections = connections.clone();
    thread::Builder::new()
        .name("emulator-relay-up".into())
        .spawn(move || pump(client_read, server_write))?;
    thread::Builder::new()
        .name("emulator-relay-down".into())
        .spawn(move || {
            pump(server, client);
            lock(&connections).remove(&peer);
        })?;
    Ok(())
}

/// Copies until either side closes, then closes both.
fn pump(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}
