//! A hostile HTTP server on loopback, written on raw sockets: each request gets whatever
//! bytes a test's function returns (or silence, or a closed connection), so tests can play
//! a service that lies, stalls or loops.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// One request as received.
#[derive(Clone, Debug)]
pub struct RawRequest {
    /// `GET /inventorytriggerjob?size=10`, say.
    pub line: String,
    /// The whole head, request line and headers.
    pub head: String,
}

/// What to do with one request.
pub enum Reply {
    /// Send these bytes (a whole response) and keep the connection.
    Bytes(Vec<u8>),
    /// Say nothing for this long, then close.
    Silence(Duration),
    /// Close at once.
    Close,
}

type Handler = dyn Fn(usize, &RawRequest) -> Reply + Send + Sync;

pub struct RawServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    count: Arc<AtomicUsize>,
    acceptor: Option<JoinHandle<()>>,
}

impl RawServer {
    /// Serves on a free loopback port; `handler` gets the request's number (from 0).
    pub fn start(handler: impl Fn(usize, &RawRequest) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let acceptor = {
            let (stop, count) = (stop.clone(), count.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    let (stop, count, handler) = (stop.clone(), count.clone(), handler.clone());
                    thread::spawn(move || serve(stream, &stop, &count, &*handler));
                }
            })
        };
        RawServer {
            addr,
            stop,
            count,
            acceptor: Some(acceptor),
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(handle) = self.acceptor.take() {
            let _ = handle.join();
        }
    }
}

fn serve(mut stream: TcpStream, stop: &AtomicBool, count: &AtomicUsize, handler: &Handler) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    while !stop.load(Ordering::SeqCst) {
        let Some(request) = read_request(&mut stream) else {
            return;
        };
        let n = count.fetch_add(1, Ordering::SeqCst);
        match handler(n, &request) {
            Reply::Bytes(bytes) => {
                if stream.write_all(&bytes).is_err() {
                    return;
                }
            }
            Reply::Silence(duration) => {
                thread::sleep(duration);
                return;
            }
            Reply::Close => return,
        }
    }
}

/// Reads a head and a `Content-Length` body; `None` when the client is gone.
fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<u64>().ok())?
        })
        .unwrap_or(0);
    std::io::copy(&mut stream.take(length), &mut std::io::sink()).ok()?;
    Some(RawRequest {
        line: head.lines().next().unwrap_or_default().to_owned(),
        head,
    })
}

/// A whole response with this status and XML body.
pub fn response(status: u16, body: &str) -> Reply {
    response_with(status, &[], body)
}

/// A whole response with extra header lines (`"Date: ..."`).
pub fn response_with(status: u16, headers: &[&str], body: &str) -> Reply {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n",
        body.len()
    );
    for header in headers {
        out.push_str(header);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(body);
    Reply::Bytes(out.into_bytes())
}

/// An HTTP `Date` for `t`.
pub fn http_date(t: std::time::SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[t.month() as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
