//! The emulated service: signature checks, the four routes, and their answers.

use time::OffsetDateTime;

use super::create_request::CreateRequest;
use super::fault::Route;
use super::listing::{ListParams, param};
use super::object_work;
use super::state::{Snapshot, State, StoredJob, TemporaryCredentials};
use super::verify;
use crate::model::{JobState, JobType, format_time};
use crate::ops::{
    BASE_PATH, COS_SECURITY_TOKEN_HEADER, EXECUTIONS_PATH, MEDIA_JOBS_PATH, SECURITY_TOKEN_HEADER,
    Service, TRIGGER_PATH,
};
use crate::sign::KeyTime;
use crate::xml::Writer;

/// A request as the emulator received it (decoded path and query).
///
/// ```
/// use cos_ci_batch::emulator::Emulator;
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// client.cancel("b00000000000000000000000000000000").unwrap_err(); // no such job
/// let request = &emulator.received()[0];
/// assert_eq!(request.method, "PUT");
/// assert_eq!(request.query, [("cancel".to_owned(), String::new())]);
/// assert!(request.signature_valid);
/// assert!(format!("{request:?}").contains("<redacted>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The method, such as `POST`.
    pub method: String,
    /// The request target exactly as sent (encoded).
    pub raw_url: String,
    /// The decoded path.
    pub path: String,
    /// The decoded query parameters, in order (a bare name has an empty value).
    pub query: Vec<(String, String)>,
    /// The headers, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Whether its signature verified.
    pub signature_valid: bool,
    /// The host it reached: the emulator's CI port or its COS port.
    pub service: Service,
}

impl ReceivedRequest {
    /// A copy with the body cut to its first `max` bytes.
    pub(crate) fn cut(&self, max: usize) -> ReceivedRequest {
        ReceivedRequest {
            method: self.method.clone(),
            raw_url: self.raw_url.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body[..max.min(self.body.len())].to_vec(),
            signature_valid: self.signature_valid,
            service: self.service,
        }
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::ops::find_header(&self.headers, name)
    }

    /// The route the request addressed, if any.
    pub fn route(&self) -> Option<Route> {
        route_of(self.service, &self.method, &self.path)
    }
}

impl std::fmt::Debug for ReceivedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceivedRequest")
            .field("method", &self.method)
            .field("raw_url", &self.raw_url)
            .field("headers", &crate::ops::RedactedHeaders(&self.headers))
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("signature_valid", &self.signature_valid)
            .finish()
    }
}

pub(crate) fn route_of(service: Service, method: &str, path: &str) -> Option<Route> {
    if service == Service::Cos {
        // Of the COS API, the emulator serves the simple upload alone.
        return (method == "PUT" && path.len() > 1).then_some(Route::PutObject);
    }
    let one = |rest: &str| rest.len() > 1 && rest.starts_with('/') && !rest[1..].contains('/');
    if let Some(rest) = path.strip_prefix(BASE_PATH) {
        return match (method, rest) {
            ("POST", "") => Some(Route::Create),
            ("GET", "") => Some(Route::List),
            ("GET", id) if one(id) => Some(Route::Describe),
            ("PUT", id) if one(id) => Some(Route::Cancel),
            _ => None,
        };
    }
    if let Some(rest) = path.strip_prefix(MEDIA_JOBS_PATH) {
        return match (method, rest) {
            ("GET", "") => Some(Route::MediaJobs),
            ("GET", id) if one(id) => Some(Route::MediaJob),
            _ => None,
        };
    }
    if let Some(rest) = path.strip_prefix(EXECUTIONS_PATH) {
        return match (method, rest) {
            ("GET", "") => Some(Route::Executions),
            ("GET", id) if one(id) => Some(Route::Execution),
            _ => None,
        };
    }
    if method == "GET" && path.starts_with(METADATA_CREDENTIALS_PATH) {
        return Some(Route::InstanceMetadata);
    }
    (method == "POST" && path == TRIGGER_PATH).then_some(Route::Trigger)
}

/// An answer: status and XML body (empty for cancel).
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

pub(crate) fn error_answer(status: u16, code: &str, message: &str, request_id: &str) -> Answer {
    let mut w = Writer::new();
    w.open("Error");
    for (name, text) in [
        ("Code", code),
        ("Message", message),
        ("RequestId", request_id),
        ("TraceId", request_id),
    ] {
        // Cannot fail: the text is made representable first.
        let _ = w.text(name, &representable(text));
    }
    w.close("Error");
    Answer {
        status,
        body: w.finish().into_bytes(),
    }
}

/// `text` with every character XML 1.0 cannot carry replaced by `?`. Messages can quote what a
/// client sent (a job id from the path, say), which may hold anything.
pub(crate) fn representable(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    };
    if text.contains(bad) {
        text.replace(bad, "?").into()
    } else {
        text.into()
    }
}

/// A refusal: status, code and message.
pub(crate) type Refusal = (u16, &'static str, String);

/// Checks a request's signature as the service does, at `now` on the emulator's clock: the
/// SecretId must be the emulator's own or one of the temporary ones it issued (which must
/// come with their unexpired session token), and the key time must be well-formed, ordered
/// and cover `now`.
pub(crate) fn authenticate(
    request: &ReceivedRequest,
    secret_id: &str,
    secret_key: &str,
    temporary: &dyn Fn(&str) -> Option<TemporaryCredentials>,
    now_unix: i64,
) -> Result<(), Refusal> {
    let Some(value) = request.header("authorization") else {
        return Err((
            401,
            "MissingAuthorization",
            "the request is not signed".into(),
        ));
    };
    let Some(parsed) = verify::parse_authorization(value) else {
        return Err((
            401,
            "InvalidAuthorization",
            "the Authorization is malformed".into(),
        ));
    };
    let temporary_key;
    let key = if parsed.secret_id == secret_id {
        secret_key
    } else {
        let Some(temporary) = temporary(parsed.secret_id) else {
            return Err((
                401,
                "SecretidNotExist",
                "the SecretId does not exist".into(),
            ));
        };
        // COS documents its own header alone; which CI takes is not documented, so both.
        let token = match request.service {
            Service::Cos => request.header(COS_SECURITY_TOKEN_HEADER),
            _ => request
                .header(SECURITY_TOKEN_HEADER)
                .or_else(|| request.header(COS_SECURITY_TOKEN_HEADER)),
        };
        if token != Some(temporary.token.as_str()) {
            // A guess: no document names the code of a wrong token.
            return Err((
                403,
                "InvalidToken",
                "the security token is missing or wrong".into(),
            ));
        }
        // COS documents `400 ExpiredToken` for an expired temporary token (error codes,
        // product/436/7730); that CI answers the same is the emulator's guess.
        if temporary.expires.unix_timestamp() <= now_unix {
            return Err((400, "ExpiredToken", "the security token has expired".into()));
        }
        temporary_key = temporary.secret_key;
        temporary_key.as_str()
    };
    let Some(key_time) = KeyTime::parse(parsed.key_time)
        .filter(|k| parsed.sign_time == parsed.key_time && k.start() <= k.end())
    else {
        return Err((
            401,
            "InvalidAuthorization",
            "q-key-time is malformed".into(),
        ));
    };
    let now = u64::try_from(now_unix).unwrap_or(0);
    if key_time.start() > now {
        return Err((
            403,
            "RequestTimeTooSkewed",
            "the difference between the request time and the server's time is too large".into(),
        ));
    }
    if key_time.end() < now {
        return Err((401, "SignatureExpired", "Request has expired".into()));
    }
    let query: Vec<(&str, &str)> = request
        .query
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    if !verify::verify(
        &parsed,
        key,
        &request.method,
        &request.path,
        &query,
        &headers,
    ) {
        return Err((
            403,
            "AccessDenied",
            "the request signature does not match".into(),
        ));
    }
    Ok(())
}

/// Runs an authenticated request against the state.
pub(crate) fn process(state: &mut State, request: &ReceivedRequest, request_id: &str) -> Answer {
    let invalid = |message: &str| error_answer(400, "InvalidArgument", message, request_id);
    match request.route() {
        Some(Route::Create) => {
            if request.body.is_empty() {
                return error_answer(
                    400,
                    "MissingContent",
                    "the request body is empty",
                    request_id,
                );
            }
            let job = match CreateRequest::read(&request.body) {
                Ok(job) => job,
                Err(message) => return invalid(&message),
            };
            let index = state.create(job);
            jobs_answer(state, request_id, &[&state.jobs[index]], None)
        }
        Some(Route::Describe) => {
            let id = &request.path[BASE_PATH.len() + 1..];
            match state.find(id) {
                Some(job) => jobs_answer(state, request_id, &[job], None),
                None => missing_answer(request_id, id),
            }
        }
        Some(Route::List) => list(state, request, request_id),
        Some(Route::Cancel) => {
            if !request.query.iter().any(|(n, _)| n == "cancel") {
                return invalid("PUT on a batch job needs the cancel parameter");
            }
            let id = &request.path[BASE_PATH.len() + 1..];
            match state.cancel(id) {
                Ok(()) => Answer {
                    status: 200,
                    body: Vec::new(),
                },
                Err(message) => invalid(&message),
            }
        }
        Some(Route::MediaJobs) => object_work::list_media_jobs(state, request, request_id),
        Some(Route::MediaJob) => object_work::describe_media_jobs(
            state,
            &request.path[MEDIA_JOBS_PATH.len() + 1..],
            request_id,
        ),
        Some(Route::Executions) => object_work::list_executions(state, request, request_id),
        Some(Route::Execution) => object_work::describe_execution(
            state,
            &request.path[EXECUTIONS_PATH.len() + 1..],
            request_id,
        ),
        Some(Route::Trigger) => object_work::trigger(state, request, request_id),
        Some(Route::InstanceMetadata) => instance_metadata(state, &request.path),
        Some(Route::PutObject) => {
            match state.put_object_body(request.path[1..].to_owned(), request.body.clone()) {
                Ok(()) => Answer {
                    status: 200,
                    body: Vec::new(),
                },
                // The emulator's own limit; COS has none a test could reach.
                Err(message) => error_answer(400, "EntityTooLarge", &message, request_id),
            }
        }
        Some(Route::Any) | None => error_answer(404, "NoSuchResource", "no such API", request_id),
    }
}

/// Where the metadata service of a CVM instance names its role and gives its credentials.
const METADATA_CREDENTIALS_PATH: &str = "/latest/meta-data/cam/security-credentials/";

/// The metadata service: the role's name, or its temporary credentials as the service's JSON
/// (the fields of the CVM metadata documentation), freshly issued on every request; `404`
/// without a role or for another name. It answers without a signature, as the service on
/// the instance does.
pub(crate) fn instance_metadata(state: &mut State, path: &str) -> Answer {
    let not_found = Answer {
        status: 404,
        body: b"Not Found".to_vec(),
    };
    let Some((role, ttl)) = state.instance_role() else {
        return not_found;
    };
    match &path[METADATA_CREDENTIALS_PATH.len()..] {
        "" => Answer {
            status: 200,
            body: role.into_bytes(),
        },
        name if name == role => {
            let expires = super::state::later(state.clock.now(), ttl);
            let (secret_id, secret_key, token) = state.issue_temporary(expires);
            let expiration = crate::model::format_utc(expires).unwrap_or_default();
            // Ids, keys and tokens are letters and digits: nothing to escape.
            let body = format!(
                "{{\n  \"TmpSecretId\": \"{secret_id}\",\n  \"TmpSecretKey\": \"{secret_key}\",\n  \
                 \"ExpiredTime\": {},\n  \"Expiration\": \"{expiration}\",\n  \
                 \"Token\": \"{token}\",\n  \"Code\": \"Success\"\n}}",
                expires.unix_timestamp()
            );
            Answer {
                status: 200,
                body: body.into_bytes(),
            }
        }
        _ => not_found,
    }
}

fn list(state: &State, request: &ReceivedRequest, request_id: &str) -> Answer {
    let invalid = |message: String| error_answer(400, "InvalidArgument", &message, request_id);
    let params = match ListParams::read(&request.query) {
        Ok(params) => params,
        Err(message) => return invalid(message),
    };
    let param = |name: &str| param(&request.query, name);
    let job_type = match param("type") {
        None => None,
        Some("Workflow") => Some(JobType::Workflow),
        Some("Job") => Some(JobType::Job),
        Some(t) => return invalid(format!("type {t:?} is not Workflow or Job")),
    };
    // Read once, not once per job looked at.
    let (workflow_id, job_id, name) = (param("workflowId"), param("jobId"), param("name"));
    let wanted =
        |filter: Option<&str>, value: Option<&str>| filter.is_none_or(|f| Some(f) == value);
    let (taken, token) = params.page(state.jobs.len(), |i| {
        let j = &state.jobs[i];
        job_type.as_ref().is_none_or(|t| *t == j.job.job_type)
            && params.admits(&state.snapshot(j).state, j.creation_stamp())
            && wanted(workflow_id, j.job.workflow_id.as_deref())
            && wanted(job_id, Some(&j.id))
            && wanted(name, Some(&j.job.name))
    });
    let page: Vec<&StoredJob> = taken.into_iter().map(|i| &state.jobs[i]).collect();
    jobs_answer(state, request_id, &page, token.as_deref())
}

fn jobs_answer(
    state: &State,
    request_id: &str,
    jobs: &[&StoredJob],
    token: Option<&str>,
) -> Answer {
    response_answer(request_id, |w| {
        for job in jobs {
            write_detail(w, state, job);
        }
        if let Some(token) = token {
            let _ = w.text("NextToken", token);
        }
    })
}

/// Describe of an unknown id: 200 with `NonExistJobIds`. A guess for every describe: the
/// element is documented, but no source shows the answer to an unknown id (batch-job-api.md
/// 2.2, object-results-api.md 3), and none documents one for a workflow run (7.4).
pub(crate) fn missing_answer(request_id: &str, id: &str) -> Answer {
    response_answer(request_id, |w| {
        let _ = w.text("NonExistJobIds", &representable(id));
    })
}

/// A 200 `<Response>` with its `RequestId`, then what `write_rest` writes.
pub(crate) fn response_answer(request_id: &str, write_rest: impl FnOnce(&mut Writer)) -> Answer {
    bare_response_answer(|w| {
        let _ = w.text("RequestId", request_id);
        write_rest(w);
    })
}

/// A 200 `<Response>` of what `write` writes alone: the media-job samples have no
/// `RequestId` element (the header carries it).
pub(crate) fn bare_response_answer(write: impl FnOnce(&mut Writer)) -> Answer {
    let mut w = Writer::new();
    w.open("Response");
    write(&mut w);
    w.close("Response");
    Answer {
        status: 200,
        body: w.finish().into_bytes(),
    }
}

/// A time as the service writes it. The emulator's clock runs in UTC from today, which the
/// format always carries.
pub(crate) fn time_text(t: OffsetDateTime) -> String {
    format_time(t).unwrap_or_else(|_| "-".to_owned())
}

/// A time, or the service's `-` for one not reached yet.
pub(crate) fn time_or_dash(t: Option<OffsetDateTime>) -> String {
    t.map_or_else(|| "-".to_owned(), time_text)
}

/// `Code` and `Message`: the failure's once failed, `Success` and nothing otherwise.
pub(crate) fn code_and_message<'a>(
    state: &JobState,
    failure: Option<&'a (String, String)>,
) -> (&'a str, &'a str) {
    match (state, failure) {
        (JobState::Failed, Some((code, message))) => (code, message),
        _ => ("Success", ""),
    }
}

/// What every job detail says of its state and times, as text. Each answer writes these
/// in the order its documented sample shows, so they are values, not a writer. Stored text
/// passed the service's checks, so it is representable.
pub(crate) struct StatusText<'a> {
    pub(crate) code: &'a str,
    pub(crate) message: String,
    pub(crate) state: String,
    pub(crate) created: String,
    pub(crate) start: String,
    pub(crate) end: String,
}

impl<'a> StatusText<'a> {
    pub(crate) fn new(
        snapshot: &Snapshot,
        failure: Option<&'a (String, String)>,
        created: OffsetDateTime,
    ) -> Self {
        let (code, message) = code_and_message(&snapshot.state, failure);
        StatusText {
            code,
            message: representable(message).into_owned(),
            state: snapshot.state.as_str().to_owned(),
            created: time_text(created),
            start: time_or_dash(snapshot.start),
            end: time_or_dash(snapshot.end),
        }
    }
}

/// A batch job as the create, describe and list samples show it.
fn write_detail(w: &mut Writer, state: &State, job: &StoredJob) {
    let status = StatusText::new(
        &state.snapshot(job),
        job.failure.as_ref(),
        job.creation_stamp(),
    );
    w.open("JobsDetail");
    let _ = w.text("Code", status.code);
    let _ = w.text("Type", job.job.job_type.as_str());
    let _ = w.text("Message", &status.message);
    let _ = w.text("Name", &job.job.name);
    let _ = w.text("JobId", &job.id);
    let _ = w.text("State", &status.state);
    let _ = w.text("CreationTime", &status.created);
    let _ = w.text("StartTime", &status.start);
    let _ = w.text("EndTime", &status.end);
    let _ = w.element(&job.job.input);
    let _ = w.element(&job.job.operation);
    w.close("JobsDetail");
}

/// Decodes `%XX` escapes; anything else, a malformed escape included, is kept as is.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a request target into its decoded path and query pairs. The absolute form
/// (`http://host/path`, what clients send through an HTTP proxy) is accepted, as HTTP/1.1
/// servers must.
pub(crate) fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let origin_form = ["http://", "https://"]
        .iter()
        .find_map(|scheme| target.strip_prefix(scheme))
        .map_or(target, |rest| rest.find('/').map_or("/", |i| &rest[i..]));
    let (path, query) = origin_form.split_once('?').unwrap_or((origin_form, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(n), percent_decode(v))
        })
        .collect();
    (percent_decode(path), pairs)
}
