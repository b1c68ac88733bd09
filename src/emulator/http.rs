//! The emulator's HTTP/1.1 server, on std sockets: small, bounded, and in control of every
//! byte it writes, which is what lets a fault drop a connection, stall a body or go silent.
//!
//! One bad client must not take the emulator (or the test binary it lives in) down, so:
//! - a request head is at most [`MAX_HEAD`] bytes (`431` beyond), a body at most
//!   [`MAX_BODY`] bytes (`413` beyond, before a byte of it is read, `Expect: 100-continue`
//!   included), and only `Content-Length` bodies are read (`501` for other framings);
//! - at most [`MAX_HEADERS`] header fields (`431`); a header line with spaces around its name,
//!   an empty name or a folded line, and two differing `Content-Length`s, are `400`, so that
//!   where a body ends has one reading;
//! - every read has a timeout and a whole request a deadline, so a client that stops
//!   sending holds only its own connection, and only for a while; a new connection waits
//!   for its first request only as long as one read ([`READ_TIMEOUT`]), an idle kept one
//!   longer;
//! - at most [`MAX_CONNECTIONS`] connections are served at once (the next ones get `503`);
//! - a failed `accept` (out of file descriptors, say) is waited out, never fatal;
//! - a panic while handling one request answers `500` and ends that connection only.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::lock;

/// The longest request head (request line and headers) read.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// The largest request body read; no create body comes close.
pub(crate) const MAX_BODY: u64 = 1 << 20;
/// The most header fields a request may have.
pub(crate) const MAX_HEADERS: usize = 1000;
/// Connections served at once.
pub(crate) const MAX_CONNECTIONS: usize = 128;
/// The longest wait for one read from a client.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest time one request may take to arrive, once its first byte has.
const REQUEST_DEADLINE: Duration = Duration::from_secs(15);
/// How long an idle keep-alive connection is kept.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The pause after a failed `accept`, so that a lack of descriptors is waited out.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(20);

/// A request as read from the wire.
pub(crate) struct Request {
    pub(crate) method: String,
    /// The request target as sent (encoded).
    pub(crate) target: String,
    /// Header names lowercased, in order.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// Whether the client may send another request on the connection: HTTP/1.1 unless it
    /// said `Connection: close`, HTTP/1.0 only if it said `Connection: keep-alive`.
    keep_alive: bool,
    /// An HTTP/1.0 request: no `100 Continue`, and a kept connection is said to be kept.
    http10: bool,
}

/// A complete answer.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// What the server does with a connection after a request.
pub(crate) enum Reply {
    /// Answer and keep the connection.
    Respond(Response),
    /// Close without answering.
    Close,
    /// Send the head and the first `sent` bytes of the body (declaring all of it), say
    /// nothing for `stall`, then close.
    Cut {
        response: Response,
        sent: usize,
        stall: Duration,
    },
    /// Send a head declaring `length` bytes and then that many bytes of `<Response>` and
    /// spaces, then close.
    Endless { response: Response, length: u64 },
}

pub(crate) type Handler = dyn Fn(Request, &dyn Fn(Duration)) -> Reply + Send + Sync;

struct Shared {
    handler: Box<Handler>,
    /// The largest body read.
    max_body: u64,
    stopping: AtomicBool,
    /// Open connections, so that a stop closes them all.
    connections: Mutex<HashMap<u64, TcpStream>>,
}

impl Shared {
    /// Sleeps, waking early when the server stops.
    fn sleep(&self, duration: Duration) {
        let until = Instant::now().checked_add(duration);
        while !self.stopping.load(Ordering::SeqCst) {
            let left = until.map_or(Duration::from_millis(20), |until| {
                until.saturating_duration_since(Instant::now())
            });
            if left.is_zero() {
                return;
            }
            thread::sleep(left.min(Duration::from_millis(20)));
        }
    }
}

/// A running server; it stops, closing every connection, when dropped.
pub(crate) struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `handler` on loopback `port` (0: a free one), taking bodies of at most
    /// `max_body` bytes.
    pub(crate) fn start(port: u16, max_body: u64, handler: Box<Handler>) -> io::Result<Server> {
        Server::start_on(SocketAddr::from(([127, 0, 0, 1], port)), max_body, handler)
    }

    /// Serves `handler` on `addr`, taking bodies of at most `max_body` bytes.
    pub(crate) fn start_on(
        addr: SocketAddr,
        max_body: u64,
        handler: Box<Handler>,
    ) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            handler,
            max_body,
            stopping: AtomicBool::new(false),
            connections: Mutex::new(HashMap::new()),
        });
        let acceptor = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("emulator-accept".into())
                .spawn(move || accept_loop(&listener, &shared))?
        };
        Ok(Server {
            addr,
            shared,
            acceptor: Some(acceptor),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the acceptor with a connection of our own. Out of descriptors, that can fail
        // for a while; then the acceptor is left to end on the next connection it accepts
        // rather than the drop waiting forever.
        let woken = (0..50).any(|_| {
            TcpStream::connect(self.addr)
                .map_err(|_| thread::sleep(ACCEPT_BACKOFF))
                .is_ok()
        });
        if let Some(handle) = self.acceptor.take().filter(|_| woken) {
            let _ = handle.join();
        }
        for (_, stream) in lock(&self.shared.connections).drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut next_id = 0u64;
    while !shared.stopping.load(Ordering::SeqCst) {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of descriptors or memory, a connection reset before accept: none of
                // these is the listener's end.
                thread::sleep(ACCEPT_BACKOFF);
                continue;
            }
        };
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let id = next_id;
        next_id += 1;
        if lock(&shared.connections).len() >= MAX_CONNECTIONS {
            refuse_busy(stream);
            continue;
        }
        // The registry's handle needs a descriptor too: wait a shortage out, briefly.
        let Some(handle) = (0..50).find_map(|_| {
            stream
                .try_clone()
                .map_err(|_| thread::sleep(ACCEPT_BACKOFF))
                .ok()
        }) else {
            refuse_busy(stream);
            continue;
        };
        lock(&shared.connections).insert(id, handle);
        let shared_for_thread = shared.clone();
        let spawned = thread::Builder::new()
            .name("emulator-conn".into())
            .spawn(move || {
                serve_connection(stream, &shared_for_thread);
                lock(&shared_for_thread.connections).remove(&id);
            });
        if spawned.is_err() {
            if let Some(stream) = lock(&shared.connections).remove(&id) {
                refuse_busy(stream);
            }
        }
    }
}

fn refuse_busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    let _ = stream.shutdown(Shutdown::Both);
}

/// Why a request could not be read.
enum ReadFailure {
    /// The client went away, went quiet, or sent something unframeable: close.
    Gone,
    /// Answer this status and close.
    Refuse(u16, &'static str),
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(REQUEST_DEADLINE));
    let mut writer = &stream;
    let mut reader = BufReader::new(&stream);
    let mut served = 0u64;
    while !shared.stopping.load(Ordering::SeqCst) {
        // A connection that has not sent its first request is held only as long as one
        // read may take: 128 silent sockets must not lock clients out for long.
        let wait = if served == 0 {
            READ_TIMEOUT
        } else {
            IDLE_TIMEOUT
        };
        served += 1;
        let request = match read_request(&mut reader, &mut writer, wait, shared.max_body) {
            Ok(Some(request)) => request,
            Ok(None) | Err(ReadFailure::Gone) => break,
            Err(ReadFailure::Refuse(status, reason)) => {
                let response = Response {
                    status,
                    headers: vec![("Connection".into(), "close".into())],
                    body: reason.as_bytes().to_vec(),
                };
                let _ = write_response(&mut writer, &response);
                break;
            }
        };
        // A HEAD answer has the GET answer's head and no body.
        let head_only = request.method == "HEAD";
        let (keep_alive, http10) = (request.keep_alive, request.http10);
        let sleep = |d: Duration| shared.sleep(d);
        let reply = catch_unwind(AssertUnwindSafe(|| (shared.handler)(request, &sleep)))
            .unwrap_or_else(|_| {
                Reply::Respond(Response {
                    status: 500,
                    headers: vec![("Connection".into(), "close".into())],
                    body: b"the emulator failed on this request".to_vec(),
                })
            });
        let keep = match reply {
            // Whatever the fault, a HEAD answer is a head alone: body bytes after it would
            // be read as the next answer.
            Reply::Respond(response) | Reply::Cut { response, .. } if head_only => {
                head_alone(&mut writer, &response, response.body.len() as u64)
            }
            Reply::Endless { response, length } if head_only => {
                head_alone(&mut writer, &response, length)
            }
            Reply::Respond(mut response) => {
                if http10 && keep_alive {
                    response
                        .headers
                        .push(("Connection".into(), "keep-alive".into()));
                }
                write_response(&mut writer, &response).is_ok() && response.status != 500
            }
            Reply::Close => false,
            Reply::Cut {
                response,
                sent,
                stall,
            } => {
                let _ = write_head(&mut writer, &response, response.body.len() as u64)
                    .and_then(|()| {
                        writer.write_all(&response.body[..sent.min(response.body.len())])
                    })
                    .and_then(|()| writer.flush());
                shared.sleep(stall);
                false
            }
            Reply::Endless { response, length } => {
                let _ = write_head(&mut writer, &response, length).and_then(|()| {
                    let body = io::Cursor::new(&b"<Response>"[..])
                        .chain(io::repeat(b' '))
                        .take(length);
                    io::copy(&mut BufReader::new(body), &mut writer).map(|_| ())
                });
                false
            }
        };
        if !keep || !keep_alive {
            break;
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// Reads one request; `Ok(None)` when the client closed an idle connection.
fn read_request(
    reader: &mut BufReader<&TcpStream>,
    writer: &mut impl Write,
    wait: Duration,
    max_body: u64,
) -> Result<Option<Request>, ReadFailure> {
    let stream = reader.get_ref();
    let _ = stream.set_read_timeout(Some(wait));
    // Wait for the first byte of a request with the idle timeout, then hold the whole
    // request to its deadline.
    match reader.fill_buf() {
        Ok([]) => return Ok(None),
        Ok(_) => {}
        Err(_) => return Err(ReadFailure::Gone),
    }
    let deadline = Instant::now() + REQUEST_DEADLINE;
    let head = read_head(reader, deadline)?;
    let text = std::str::from_utf8(&head).map_err(|_| ReadFailure::Refuse(400, "bad head"))?;
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadFailure::Refuse(400, "bad request line"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
        return Err(ReadFailure::Refuse(400, "bad request line"));
    }
    let http10 = version == "HTTP/1.0";
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        // A name with spaces around it, or a folded line, is read differently by different
        // servers: where a body ends must not be open to two readings (RFC 9112, 5.1 and 5.2).
        let Some((name, value)) = line.split_once(':').filter(|(name, _)| {
            !name.is_empty() && !name.starts_with([' ', '\t']) && !name.ends_with([' ', '\t'])
        }) else {
            return Err(ReadFailure::Refuse(400, "bad header line"));
        };
        if headers.len() == MAX_HEADERS {
            return Err(ReadFailure::Refuse(431, "too many header fields"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    // Two lengths that differ leave the body's end ambiguous: the request smuggling case.
    let mut lengths = headers.iter().filter(|(n, _)| n == "content-length");
    if lengths
        .next()
        .is_some_and(|(_, first)| lengths.any(|(_, v)| v != first))
    {
        return Err(ReadFailure::Refuse(400, "conflicting Content-Length"));
    }
    let connection = |token: &str| {
        headers.iter().any(|(n, v)| {
            n == "connection" && v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token))
        })
    };
    let keep_alive = if http10 {
        connection("keep-alive")
    } else {
        !connection("close")
    };
    if header("transfer-encoding").is_some() {
        return Err(ReadFailure::Refuse(
            501,
            "only Content-Length bodies are read",
        ));
    }
    let length = match header("content-length") {
        None => 0,
        Some(text) => match text.parse::<u64>() {
            Ok(length) if text.bytes().all(|b| b.is_ascii_digit()) => length,
            _ => return Err(ReadFailure::Refuse(400, "bad Content-Length")),
        },
    };
    if length > max_body {
        return Err(ReadFailure::Refuse(413, "the body is too large"));
    }
    let expects_continue = header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
    if expects_continue && length > 0 && !http10 {
        writer
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .map_err(|_| ReadFailure::Gone)?;
    }
    let mut body = Vec::with_capacity(length as usize);
    while (body.len() as u64) < length {
        set_timeout_until(reader.get_ref(), deadline)?;
        let chunk = reader.fill_buf().map_err(|_| ReadFailure::Gone)?;
        if chunk.is_empty() {
            return Err(ReadFailure::Gone);
        }
        let take = chunk.len().min((length - body.len() as u64) as usize);
        body.extend_from_slice(&chunk[..take]);
        reader.consume(take);
    }
    Ok(Some(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body,
        keep_alive,
        http10,
    }))
}

/// Reads up to the blank line that ends a head, without the blank line.
fn read_head(
    reader: &mut BufReader<&TcpStream>,
    deadline: Instant,
) -> Result<Vec<u8>, ReadFailure> {
    let mut head = Vec::with_capacity(1024);
    loop {
        set_timeout_until(reader.get_ref(), deadline)?;
        let chunk = reader.fill_buf().map_err(|_| ReadFailure::Gone)?;
        if chunk.is_empty() {
            return Err(ReadFailure::Gone);
        }
        // A TLS handshake record (a ClientHello: content type 22) sent to this plain-HTTP
        // port is refused at once, as an HTTP server refuses a request line it cannot read,
        // rather than waited on for a blank line that never comes.
        if head.is_empty() && chunk[0] == 0x16 {
            return Err(ReadFailure::Refuse(
                400,
                "a TLS handshake was sent to a plain-HTTP port",
            ));
        }
        // The blank line may straddle two reads: look back three bytes.
        let searched_from = head.len().saturating_sub(3);
        let take = chunk.len().min(MAX_HEAD + 4 - head.len());
        head.extend_from_slice(&chunk[..take]);
        if let Some(end) = head[searched_from..]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
        {
            let end = searched_from + end;
            // Give back what belongs to the body.
            let used = take - (head.len() - (end + 4));
            reader.consume(used);
            head.truncate(end);
            return Ok(head);
        }
        reader.consume(take);
        if head.len() > MAX_HEAD {
            return Err(ReadFailure::Refuse(431, "the request head is too large"));
        }
    }
}

fn set_timeout_until(stream: &TcpStream, deadline: Instant) -> Result<(), ReadFailure> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(ReadFailure::Gone);
    }
    stream
        .set_read_timeout(Some(left.min(READ_TIMEOUT)))
        .map_err(|_| ReadFailure::Gone)
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        404 => "Not Found",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

fn write_head(out: &mut impl Write, response: &Response, length: u64) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        // Values come from the emulator or a test; a line break would split the head.
        if !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!("Content-Length: {length}\r\n\r\n"));
    out.write_all(head.as_bytes())
}

/// Writes the head of a HEAD answer; whether the connection may go on.
fn head_alone(out: &mut impl Write, response: &Response, length: u64) -> bool {
    write_head(out, response, length)
        .and_then(|()| out.flush())
        .is_ok()
        && response.status != 500
}

fn write_response(out: &mut impl Write, response: &Response) -> io::Result<()> {
    write_head(out, response, response.body.len() as u64)?;
    out.write_all(&response.body)?;
    out.flush()
}
