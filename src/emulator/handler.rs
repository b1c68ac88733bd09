//! The server side of the emulator: the handler threads, and how each request is read,
//! checked, processed, and answered or failed.

use std::io::{self, Read};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use super::fault::{self, FaultKind, FaultRule};
use super::gate::Gate;
use super::lock;
use super::service::{self, Answer, ReceivedRequest};
use super::state::State;
use crate::unix_time;

/// Request bodies above this are refused: no create body comes close.
const MAX_REQUEST_BODY: u64 = 1 << 20;

/// What the handler threads share with the [`super::Emulator`] handle.
pub(super) struct Shared {
    pub(super) server: tiny_http::Server,
    /// Where clients connect: the relay when connection faults are on, else the server.
    pub(super) addr: SocketAddr,
    pub(super) gate: Option<Gate>,
    pub(super) secret_id: String,
    pub(super) secret_key: String,
    pub(super) state: Mutex<State>,
    pub(super) faults: Mutex<Vec<FaultRule>>,
    pub(super) received: Mutex<Vec<ReceivedRequest>>,
    pub(super) stopping: AtomicBool,
    pub(super) request_counter: AtomicU64,
}

impl Shared {
    /// Sleeps, waking early when the emulator stops.
    fn sleep(&self, duration: Duration) {
        let until = Instant::now() + duration;
        while !self.stopping.load(Ordering::SeqCst) {
            let now = Instant::now();
            if now >= until {
                return;
            }
            thread::sleep((until - now).min(Duration::from_millis(20)));
        }
    }

    fn next_request_id(&self) -> String {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed);
        format!("RU1VLXtest{n:010}")
    }
}

pub(super) fn serve(shared: &Shared) {
    while !shared.stopping.load(Ordering::SeqCst) {
        match shared.server.recv() {
            Ok(request) => handle(shared, request),
            Err(_) => return,
        }
    }
}

fn handle(shared: &Shared, mut request: tiny_http::Request) {
    let peer = request.remote_addr().copied();
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(MAX_REQUEST_BODY + 1)
        .read_to_end(&mut body);
    let (path, query) = service::split_target(request.url());
    let mut received = ReceivedRequest {
        method: request.method().as_str().to_owned(),
        raw_url: request.url().to_owned(),
        path,
        query,
        headers: request
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_ascii_lowercase(),
                    h.value.as_str().to_owned(),
                )
            })
            .collect(),
        body,
        signature_valid: false,
    };
    let now_unix = unix_time::unix_seconds(SystemTime::now());
    let auth = service::authenticate(&received, &shared.secret_id, &shared.secret_key, now_unix);
    received.signature_valid = auth.is_ok();
    lock(&shared.received).push(received.clone());
    let request_id = shared.next_request_id();
    // The Date header follows the emulator's clock, like the job stamps it writes, so that a
    // client can tell the service's time from any answer. (Signatures are checked against
    // the machine's clock, which a test does not move.)
    let service_now = lock(&shared.state).clock.now().unix_timestamp();
    let date = unix_time::format_http_date(service_now);
    let fault = fault::take(&mut lock(&shared.faults), received.route());

    // The work of the request, done unless a fault stands in for it.
    let answer = || {
        if read.is_err() || received.body.len() as u64 > MAX_REQUEST_BODY {
            let message = "the request body is too large or unreadable";
            return service::error_answer(400, "InvalidArgument", message, &request_id);
        }
        match &auth {
            Err((status, code, message)) => {
                service::error_answer(*status, code, message, &request_id)
            }
            Ok(()) => service::process(&mut lock(&shared.state), &received, &request_id),
        }
    };
    let Some(fault) = fault else {
        return respond(request, answer(), &request_id, &date);
    };
    let processed = fault.process_first.then(answer);
    let answer = || processed.unwrap_or_else(answer);
    let close = || {
        if let (Some(gate), Some(peer)) = (&shared.gate, peer) {
            gate.close(peer);
        }
    };
    match fault.kind {
        FaultKind::Close => close(),
        FaultKind::Silence(d) => {
            shared.sleep(d);
            close();
        }
        FaultKind::Status { status, code } => {
            let answer = service::error_answer(status, &code, "injected fault", &request_id);
            respond(request, answer, &request_id, &date);
        }
        FaultKind::Redirect(location) => {
            let answer = service::error_answer(307, "TemporaryRedirect", "moved", &request_id);
            let response = tiny_http::Response::from_data(answer.body)
                .with_status_code(307)
                .with_header(header("Location", &location));
            let _ = request.respond(response);
        }
        FaultKind::Delay(d) => {
            let answer = answer();
            shared.sleep(d);
            respond(request, answer, &request_id, &date);
        }
        FaultKind::SlowProcessing(d) => {
            shared.sleep(d);
            respond(request, answer(), &request_id, &date);
        }
        FaultKind::Body { status, body } => {
            respond(request, Answer { status, body }, &request_id, &date)
        }
        FaultKind::Truncated => {
            let mut answer = answer();
            answer.body.truncate(answer.body.len() / 2);
            respond(request, answer, &request_id, &date);
        }
        FaultKind::DateHeader(date) => respond(request, answer(), &request_id, &date),
        FaultKind::DateOffset(secs) => {
            respond(
                request,
                answer(),
                &request_id,
                &unix_time::format_http_date(service_now + secs),
            );
        }
        FaultKind::Oversized(bytes) => {
            let reader = io::Cursor::new(b"<Response>".to_vec())
                .chain(io::repeat(b' ').take(bytes.saturating_sub(10)));
            let declared = usize::try_from(bytes).ok();
            let status = tiny_http::StatusCode(200);
            let response = tiny_http::Response::new(
                status,
                headers(&request_id, &date),
                reader,
                declared,
                None,
            );
            let _ = request.respond(response);
            close();
        }
        FaultKind::Stall(d) => {
            let answer = answer();
            let declared = answer.body.len();
            let reader = StallingReader {
                head: io::Cursor::new(answer.body[..declared / 2].to_vec()),
                stall: Some(d),
                shared,
            };
            let status = tiny_http::StatusCode(answer.status);
            let response = tiny_http::Response::new(
                status,
                headers(&request_id, &date),
                reader,
                Some(declared),
                None,
            );
            let _ = request.respond(response);
            close();
        }
    }
}

/// Yields the start of a body, then stalls, then fails.
struct StallingReader<'a> {
    head: io::Cursor<Vec<u8>>,
    stall: Option<Duration>,
    shared: &'a Shared,
}

impl Read for StallingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.head.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        if let Some(d) = self.stall.take() {
            self.shared.sleep(d);
        }
        Err(io::Error::other("stalled body ends here"))
    }
}

fn headers(request_id: &str, date: &str) -> Vec<tiny_http::Header> {
    vec![
        header("Content-Type", "application/xml"),
        header("Server", "tencent-ci"),
        header("x-ci-request-id", request_id),
        header("Date", date),
    ]
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    // Names are constants and values are ASCII built here or given by a test.
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        tiny_http::Header::from_bytes(name.as_bytes(), &b"-"[..]).expect("a constant header")
    })
}

fn respond(request: tiny_http::Request, answer: Answer, request_id: &str, date: &str) {
    let mut response = tiny_http::Response::from_data(answer.body).with_status_code(answer.status);
    for h in headers(request_id, date) {
        response.add_header(h);
    }
    let _ = request.respond(response);
}
