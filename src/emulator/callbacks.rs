//! Callbacks, both ways: the emulator POSTs a notification when work with a callback ends,
//! and [`NotificationListener`] receives them, for a receiver tried end to end on loopback.
//!
//! Delivery, as far as the service documents it (see [`crate::notify`]): an HTTP `POST` of
//! the notification, XML or JSON as the job asked. What the documents leave out is the
//! emulator's guess, marked as such: a body is sent as `application/xml` or
//! `application/json`; a delivery is tried at most [`ATTEMPTS`] times, [`RETRY_AFTER`]
//! apart, until the receiver answers 2xx; the JSON is the XML converted as the documented
//! samples show (a repeated element an array, `JobsDetail` always an array, empty
//! elements left out, every value a string). Each delivery runs on a thread of its own, at
//! most [`PARALLEL_DELIVERIES`] at once, so that a receiver that hangs (each attempt is
//! bounded by [`DELIVERY_TIMEOUT`]) holds up only its own notifications; no attempt starts
//! once the emulator is dropped. Only loopback receivers (`127.0.0.1`, `[::1]`,
//! `localhost`) are sent to, so that a job's callback URL cannot make the emulator send
//! requests to other machines; another URL is logged with no attempt.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use super::handler::Shared;
use super::http::{self, Reply, Response};
use super::lock;
use super::object_work::{Due, due_notifications};
use crate::client::endpoint::Endpoint;
use crate::model::Element;
use crate::notify::{self, Notification, NotificationError};
use crate::xml::Document;

/// How many times a delivery is tried (a guess: no document says).
pub const ATTEMPTS: u32 = 3;
/// The pause between two tries of one delivery (a guess).
pub const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How long one try may take.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);
/// How many deliveries run at once; more wait for one to end.
pub const PARALLEL_DELIVERIES: usize = 16;
/// How often the emulator looks for work that has ended.
const LOOK_EVERY: Duration = Duration::from_millis(50);
/// The deliveries [`super::Emulator::callback_deliveries`] keeps, newest.
const KEPT: usize = 10_000;

/// One notification the emulator delivered, or tried to.
///
/// ```
/// let none: Vec<cos_ci_batch::emulator::CallbackDelivery> = Vec::new();
/// assert!(none.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackDelivery {
    /// Where it was sent.
    pub url: String,
    /// `TaskFinish` or `WorkflowFinish`.
    pub event: String,
    /// The status of the last try, when the receiver answered.
    pub status: Option<u16>,
    /// How many tries were made (none for a receiver that is not on loopback).
    pub attempts: u32,
}

/// The deliveries made, newest kept.
#[derive(Default)]
pub(super) struct DeliveryLog(VecDeque<CallbackDelivery>);

impl DeliveryLog {
    fn push(&mut self, delivery: CallbackDelivery) {
        if self.0.len() == KEPT {
            self.0.pop_front();
        }
        self.0.push_back(delivery);
    }

    pub(super) fn all(&self) -> Vec<CallbackDelivery> {
        self.0.iter().cloned().collect()
    }
}

/// Starts the thread that finds the notifications due and starts their deliveries, while
/// the emulator lives.
pub(super) fn start_delivering(shared: Weak<Shared>, log: Arc<Mutex<DeliveryLog>>) {
    let agent = crate::client::local_agent(DELIVERY_TIMEOUT);
    let running = Arc::new(AtomicUsize::new(0));
    let _ = std::thread::Builder::new()
        .name("emulator-callbacks".into())
        .spawn(move || {
            loop {
                std::thread::sleep(LOOK_EVERY);
                let Some(alive) = shared.upgrade() else {
                    return;
                };
                let due = due_notifications(&mut lock(&alive.state));
                drop(alive);
                for delivery in due {
                    while running.load(Ordering::SeqCst) >= PARALLEL_DELIVERIES {
                        std::thread::sleep(LOOK_EVERY);
                    }
                    running.fetch_add(1, Ordering::SeqCst);
                    let (agent, shared, log, count) = (
                        agent.clone(),
                        shared.clone(),
                        Arc::clone(&log),
                        Arc::clone(&running),
                    );
                    let spawned = std::thread::Builder::new()
                        .name("emulator-callback".into())
                        .spawn(move || {
                            // Counted down however the delivery ends, a panic included.
                            let _running = Running(count);
                            let done = deliver(&agent, &delivery, &shared);
                            lock(&log).push(done);
                        });
                    if spawned.is_err() {
                        running.fetch_sub(1, Ordering::SeqCst);
                    }
                }
            }
        });
}

/// One delivery running: counted down when dropped.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn deliver(agent: &ureq::Agent, due: &Due, emulator: &Weak<Shared>) -> CallbackDelivery {
    let (body, content_type) = if due.json {
        (to_json(&due.xml), "application/json")
    } else {
        (due.xml.clone(), "application/xml")
    };
    let mut delivery = CallbackDelivery {
        url: due.url.clone(),
        event: due.event.to_owned(),
        status: None,
        attempts: 0,
    };
    if !is_loopback(&due.url) {
        return delivery;
    }
    while delivery.attempts < ATTEMPTS {
        if delivery.attempts > 0 {
            std::thread::sleep(RETRY_AFTER);
        }
        // No attempt once the emulator is gone: its notifications are not sent after it.
        if emulator.strong_count() == 0 {
            break;
        }
        delivery.attempts += 1;
        let sent = agent
            .post(&due.url)
            .header("Content-Type", content_type)
            .send(body.as_bytes());
        delivery.status = sent.ok().map(|r| r.status().as_u16());
        if delivery.status.is_some_and(|s| (200..300).contains(&s)) {
            break;
        }
    }
    delivery
}

/// Whether `url` is `http://` to a loopback host, by the rules of the client's endpoints.
fn is_loopback(url: &str) -> bool {
    Endpoint::parse_with_path(url)
        .is_ok_and(|(endpoint, _)| !endpoint.https && endpoint.is_loopback())
}

/// The JSON the documented samples show for an XML notification.
fn to_json(xml: &str) -> String {
    let Ok(doc) = Document::parse(xml.as_bytes(), "Response") else {
        return "{}".to_owned();
    };
    let mut out = String::new();
    write_object(&mut out, &doc.root().to_element());
    out
}

fn write_object(out: &mut String, element: &Element) {
    out.push('{');
    let mut first = true;
    let mut names: Vec<&str> = Vec::new();
    for child in &element.children {
        if !names.contains(&child.name.as_str()) {
            names.push(&child.name);
        }
    }
    for name in names {
        let same: Vec<&Element> = element
            .children
            .iter()
            .filter(|c| c.name == name && !(c.children.is_empty() && c.text.is_empty()))
            .collect();
        if same.is_empty() {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        write_string(out, name);
        out.push(':');
        if same.len() == 1 && name != "JobsDetail" {
            write_value(out, same[0]);
        } else {
            out.push('[');
            for (i, e) in same.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, e);
            }
            out.push(']');
        }
    }
    out.push('}');
}

fn write_value(out: &mut String, element: &Element) {
    if element.children.is_empty() {
        write_string(out, &element.text);
    } else {
        write_object(out, element);
    }
}

fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A receiver of notifications on an HTTP port, with the emulator's limits on request size,
/// slow clients and connections (see the [module documentation](super)): an exposed port
/// cannot be used to exhaust the machine. Each `POST` to its path is read with
/// [`notify::parse`] and handed to the callback; it answers `200` when the body is a
/// notification, `400` when not, `404` for another path (compared in constant time: put a
/// secret in it) and `405` for another method.
///
/// ```
/// use std::sync::mpsc;
/// use cos_ci_batch::emulator::NotificationListener;
/// use cos_ci_batch::notify::Notification;
///
/// let (tx, rx) = mpsc::channel();
/// let listener = NotificationListener::start("127.0.0.1:0".parse()?, "/cb/s3cret", move |read| {
///     let _ = tx.send(read);
/// })?;
/// let url = format!("http://{}/cb/s3cret", listener.addr());
/// let body = "<Response><EventName>TaskFinish</EventName><JobsDetail><JobId>j1</JobId></JobsDetail></Response>";
/// let answer = ureq::post(&url).send(body)?;
/// assert_eq!(answer.status(), 200);
/// assert!(matches!(rx.recv()?, Ok(Notification::MediaJobs { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct NotificationListener {
    server: http::Server,
}

impl std::fmt::Debug for NotificationListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationListener")
            .field("addr", &self.server.addr())
            .finish_non_exhaustive()
    }
}

impl NotificationListener {
    /// Listens on `addr` for `POST`s to `path`, and hands each one read to `received`, on
    /// the connection's own thread: it should return quickly, as the connection waits for
    /// it and at most 128 are served at once. Bodies are taken up to 1 MiB (the emulator's
    /// limit; `413` beyond), which no documented notification approaches.
    /// Example: [`NotificationListener`].
    pub fn start(
        addr: SocketAddr,
        path: &str,
        received: impl Fn(Result<Notification, NotificationError>) + Send + Sync + 'static,
    ) -> io::Result<Self> {
        let path = path.to_owned();
        let server = http::Server::start_on(
            addr,
            http::MAX_BODY,
            Box::new(move |request, _sleep| {
                let target = request.target.split('?').next().unwrap_or_default();
                let status = if !notify::secret_matches(target, &path) {
                    404
                } else if request.method != "POST" {
                    405
                } else {
                    let content_type = request
                        .headers
                        .iter()
                        .find(|(n, _)| n == "content-type")
                        .map(|(_, v)| v.as_str());
                    let read = notify::parse(&request.body, content_type);
                    let status = if read.is_ok() { 200 } else { 400 };
                    received(read);
                    status
                };
                Reply::Respond(Response {
                    status,
                    headers: Vec::new(),
                    body: Vec::new(),
                })
            }),
        )?;
        Ok(NotificationListener { server })
    }

    /// The address served (with the port chosen when 0 was asked for). Example:
    /// [`NotificationListener`].
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }
}
