//! Faults the emulator can inject, for reliability tests.

use std::time::Duration;

/// The API routes, for aiming a fault.
///
/// ```
/// use cos_ci_batch::emulator::{Emulator, Fault, Route};
/// use cos_ci_batch::ops::ListQuery;
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// emulator.inject(Route::List, Fault::status(503, "ServiceUnavailable"), 1);
/// client.list(&ListQuery::new())?; // retried once, then served
/// assert_eq!(emulator.received().iter().filter(|r| r.route() == Some(Route::List)).count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Route {
    /// `POST /inventorytriggerjob`.
    Create,
    /// `GET /inventorytriggerjob/<id>`.
    Describe,
    /// `GET /inventorytriggerjob`.
    List,
    /// `PUT /inventorytriggerjob/<id>?cancel`.
    Cancel,
    /// `GET /jobs`.
    MediaJobs,
    /// `GET /jobs/<id>`.
    MediaJob,
    /// `GET /workflowexecution`.
    Executions,
    /// `GET /workflowexecution/<runId>`.
    Execution,
    /// `POST /triggerworkflow`.
    Trigger,
    /// `GET /latest/meta-data/cam/security-credentials/...`: the instance metadata service
    /// ([`super::Emulator::set_instance_role`]).
    InstanceMetadata,
    /// `PUT /<key>` on the COS port ([`super::Emulator::cos_endpoint`]).
    PutObject,
    /// Any request.
    Any,
}

/// Something going wrong with one answer.
///
/// By default a fault replaces the processing of the request (the job is not created, not
/// cancelled); [`Fault::after_processing`] makes the emulator do the work first and then fail
/// the answer, which is how a client learns nothing about a create that did happen.
///
/// ```
/// use std::time::Duration;
/// use cos_ci_batch::emulator::Fault;
///
/// let lost_answer = Fault::close_connection().after_processing();
/// let throttled = Fault::status(503, "ServiceUnavailable");
/// let slow = Fault::delay(Duration::from_millis(200));
/// # let _ = (lost_answer, throttled, slow);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub(crate) kind: FaultKind,
    pub(crate) process_first: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FaultKind {
    Status { status: u16, code: String },
    Close,
    Silence(Duration),
    Delay(Duration),
    SlowProcessing(Duration),
    Stall(Duration),
    Body { status: u16, body: Vec<u8> },
    Truncated,
    Oversized(u64),
    DateHeader(String),
    DateOffset(i64),
    Redirect(String),
}

impl Fault {
    fn new(kind: FaultKind, process_first: bool) -> Self {
        Fault {
            kind,
            process_first,
        }
    }

    /// Answer `status` with an `<Error>` body carrying `code`.
    pub fn status(status: u16, code: impl Into<String>) -> Self {
        Fault::new(
            FaultKind::Status {
                status,
                code: code.into(),
            },
            false,
        )
    }

    /// Read the request, then close the connection without answering.
    pub fn close_connection() -> Self {
        Fault::new(FaultKind::Close, false)
    }

    /// Read the request, say nothing for `duration`, then close the connection.
    pub fn silence(duration: Duration) -> Self {
        Fault::new(FaultKind::Silence(duration), false)
    }

    /// Answer normally, after `duration`.
    pub fn delay(duration: Duration) -> Self {
        Fault::new(FaultKind::Delay(duration), true)
    }

    /// Wait `duration`, then do the work of the request and answer: a service that commits
    /// a create only after the client has given up waiting.
    pub fn slow_processing(duration: Duration) -> Self {
        Fault::new(FaultKind::SlowProcessing(duration), false)
    }

    /// Send the status line, the headers and part of the body, then stall for `duration`
    /// and close the connection.
    pub fn stall_body(duration: Duration) -> Self {
        Fault::new(FaultKind::Stall(duration), true)
    }

    /// Answer `status` with exactly `body` (HTML, a DTD, invalid UTF-8, ...).
    pub fn body(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Fault::new(
            FaultKind::Body {
                status,
                body: body.into(),
            },
            true,
        )
    }

    /// Answer with the real body cut in half (the declared length matches the cut body).
    pub fn truncated_body() -> Self {
        Fault::new(FaultKind::Truncated, true)
    }

    /// Answer 200 with a body of `bytes` bytes, generated as it is sent.
    pub fn oversized_body(bytes: u64) -> Self {
        Fault::new(FaultKind::Oversized(bytes), true)
    }

    /// Answer normally but with this `Date` header value.
    pub fn date_header(value: impl Into<String>) -> Self {
        Fault::new(FaultKind::DateHeader(value.into()), true)
    }

    /// Answer normally but with a `Date` header `seconds` away from the emulator's real time.
    pub fn date_offset(seconds: i64) -> Self {
        Fault::new(FaultKind::DateOffset(seconds), true)
    }

    /// Answer `307 Temporary Redirect` to `location` (a client must not follow it).
    pub fn redirect(location: impl Into<String>) -> Self {
        Fault::new(FaultKind::Redirect(location.into()), false)
    }

    /// Do the work of the request first, then fail the answer.
    pub fn after_processing(mut self) -> Self {
        self.process_first = true;
        self
    }
}

/// A fault waiting for matching requests.
pub(crate) struct FaultRule {
    pub(crate) route: Route,
    pub(crate) fault: Fault,
    pub(crate) remaining: usize,
}

/// Takes the first fault aimed at `route`, if any.
pub(crate) fn take(rules: &mut Vec<FaultRule>, route: Option<Route>) -> Option<Fault> {
    let index = rules
        .iter()
        .position(|r| r.route == Route::Any || Some(r.route) == route)?;
    let rule = &mut rules[index];
    rule.remaining -= 1;
    let fault = rule.fault.clone();
    if rule.remaining == 0 {
        rules.remove(index);
    }
    Some(fault)
}
