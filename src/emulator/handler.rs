//! How each request is checked, processed, and answered or failed.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::ops::Service;
use crate::unix_time::format_http_date;

use super::fault::{self, FaultKind, FaultRule, Route};
use super::http::{Reply, Request, Response};
use super::lock;
use super::service::{self, Answer, ReceivedRequest};
use super::state::State;

/// What the request handler shares with the [`super::Emulator`] handle.
pub(super) struct Shared {
    pub(super) secret_id: String,
    pub(super) secret_key: String,
    pub(super) state: Mutex<State>,
    pub(super) faults: Mutex<Vec<FaultRule>>,
    pub(super) received: Mutex<ReceivedLog>,
    pub(super) request_counter: AtomicU64,
    /// How long every answer waits before it is sent, in milliseconds.
    pub(super) latency_ms: AtomicU64,
}

impl Shared {
    fn next_request_id(&self) -> String {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed);
        format!("RU1VLXtest{n:010}")
    }
}

/// The requests received, newest kept: at most [`ReceivedLog::MAX_REQUESTS`] of them and
/// [`ReceivedLog::MAX_BYTES`] of memory, so that a long run or a
/// client sending megabyte bodies in a loop cannot grow the emulator without bound. The count
/// includes the requests dropped.
#[derive(Default)]
pub(super) struct ReceivedLog {
    requests: VecDeque<(usize, Arc<ReceivedRequest>)>,
    bytes: usize,
    count: usize,
}

impl ReceivedLog {
    pub(super) const MAX_REQUESTS: usize = 10_000;
    pub(super) const MAX_BYTES: usize = 64 << 20;
    /// The most of one body kept.
    pub(super) const MAX_BODY: usize = 1 << 20;

    fn push(&mut self, request: Arc<ReceivedRequest>) {
        // What the entry holds, not what was sent: a head of thousands of short headers
        // costs a `(String, String)` each, and the decoded path and query are kept too.
        let pair = std::mem::size_of::<(String, String)>();
        let pairs = |list: &[(String, String)]| {
            list.iter()
                .map(|(n, v)| pair + n.len() + v.len())
                .sum::<usize>()
        };
        let size = std::mem::size_of::<ReceivedRequest>()
            + request.method.len()
            + request.raw_url.len()
            + request.path.len()
            + pairs(&request.query)
            + pairs(&request.headers)
            + request.body.len();
        self.count += 1;
        self.bytes += size;
        self.requests.push_back((size, request));
        while self.requests.len() > Self::MAX_REQUESTS || self.bytes > Self::MAX_BYTES {
            let Some((dropped, _)) = self.requests.pop_front() else {
                break;
            };
            self.bytes -= dropped;
        }
    }

    pub(super) fn requests(&self) -> Vec<ReceivedRequest> {
        self.requests.iter().map(|(_, r)| (**r).clone()).collect()
    }

    pub(super) fn count(&self) -> usize {
        self.count
    }

    pub(super) fn clear(&mut self) {
        *self = ReceivedLog::default();
    }
}

/// Answers one request that reached `service`'s port; `sleep` waits, waking early when the
/// emulator stops.
pub(super) fn handle(
    shared: &Shared,
    service: Service,
    request: Request,
    sleep: &dyn Fn(Duration),
) -> Reply {
    let (path, query) = service::split_target(&request.target);
    let mut received = ReceivedRequest {
        method: request.method,
        raw_url: request.target,
        path,
        query,
        headers: request.headers,
        body: request.body,
        signature_valid: false,
        service,
    };
    let request_id = shared.next_request_id();
    // One clock for everything the service says about time: the Date header, job stamps,
    // key-time and token checks.
    let service_now = lock(&shared.state).clock.now().unix_timestamp();
    // Verified without holding the state, so that a costly request does not hold up others.
    let temporary = |id: &str| lock(&shared.state).temporary_credentials(id).cloned();
    let auth = service::authenticate(
        &received,
        &shared.secret_id,
        &shared.secret_key,
        &temporary,
        service_now,
    );
    received.signature_valid = auth.is_ok();
    let route = received.route();
    // Shared with the log rather than copied: a body may be a megabyte.
    let received = Arc::new(received);
    // An upload is logged cut to a mebibyte, so that one cannot push every other request
    // out of the log; its whole body is in the bucket.
    let logged = if received.body.len() > ReceivedLog::MAX_BODY {
        Arc::new(received.cut(ReceivedLog::MAX_BODY))
    } else {
        received.clone()
    };
    lock(&shared.received).push(logged);
    let date = format_http_date(service_now);
    let fault = fault::take(&mut lock(&shared.faults), route);
    let latency = shared.latency_ms.load(Ordering::Relaxed);
    if latency > 0 {
        sleep(Duration::from_millis(latency));
    }

    // The work of the request, done unless a fault stands in for it.
    let answer = || match &auth {
        // The metadata service on an instance takes no signature.
        _ if route == Some(Route::InstanceMetadata) => {
            service::instance_metadata(&mut lock(&shared.state), &received.path)
        }
        Err((status, code, message)) => service::error_answer(*status, code, message, &request_id),
        Ok(()) => service::process(&mut lock(&shared.state), &received, &request_id),
    };
    let respond = |answer: Answer, date: &str| {
        let mut response = response(service, answer, &request_id, date);
        if route == Some(Route::PutObject) && response.status == 200 {
            response.headers.push(("ETag".into(), etag(&received.body)));
        }
        Reply::Respond(response)
    };
    let Some(fault) = fault else {
        return respond(answer(), &date);
    };
    let processed = fault.process_first.then(answer);
    let answer = || processed.unwrap_or_else(answer);
    match fault.kind {
        FaultKind::Close => Reply::Close,
        FaultKind::Silence(d) => {
            sleep(d);
            Reply::Close
        }
        FaultKind::Status { status, code } => respond(
            service::error_answer(status, &code, "injected fault", &request_id),
            &date,
        ),
        FaultKind::Redirect(location) => {
            let answer = service::error_answer(307, "TemporaryRedirect", "moved", &request_id);
            let mut response = response(service, answer, &request_id, &date);
            response.headers.push(("Location".into(), location));
            Reply::Respond(response)
        }
        FaultKind::Delay(d) => {
            let answer = answer();
            sleep(d);
            respond(answer, &date)
        }
        FaultKind::SlowProcessing(d) => {
            sleep(d);
            respond(answer(), &date)
        }
        FaultKind::Body { status, body } => respond(Answer { status, body }, &date),
        FaultKind::Truncated => {
            let mut answer = answer();
            answer.body.truncate(answer.body.len() / 2);
            respond(answer, &date)
        }
        FaultKind::DateHeader(date) => respond(answer(), &date),
        FaultKind::DateOffset(secs) => respond(
            answer(),
            &format_http_date(service_now.saturating_add(secs)),
        ),
        FaultKind::Oversized(length) => Reply::Endless {
            response: response(
                service,
                Answer {
                    status: 200,
                    body: Vec::new(),
                },
                &request_id,
                &date,
            ),
            length,
        },
        FaultKind::Stall(d) => {
            let response = response(service, answer(), &request_id, &date);
            let sent = response.body.len() / 2;
            Reply::Cut {
                response,
                sent,
                stall: d,
            }
        }
    }
}

fn response(service: Service, answer: Answer, request_id: &str, date: &str) -> Response {
    let (server, request_id_header) = match service {
        Service::Cos => ("tencent-cos", "x-cos-request-id"),
        _ => ("tencent-ci", "x-ci-request-id"),
    };
    let headers = [
        ("Content-Type", "application/xml"),
        ("Server", server),
        (request_id_header, request_id),
        ("Date", date),
    ];
    Response {
        status: answer.status,
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: answer.body,
    }
}

/// An object's `ETag`: quoted hex, as COS sends it. COS sends the body's MD5; the emulator
/// sends its SHA-1, cut to the same length, as the crate reads an `ETag` as opaque.
fn etag(body: &[u8]) -> String {
    use sha1::Digest;
    let digest: [u8; 20] = sha1::Sha1::digest(body).into();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}
