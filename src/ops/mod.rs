//! The four operations as plain data: a request to send and a pure parse of the answer.
//!
//! Nothing here does IO. Each operation builds an unsigned [`HttpRequest`]; [`HttpRequest::sign`]
//! adds the `Authorization`; the caller sends it with any HTTP stack (to
//! `https://<host><path_and_query>`, with `Host: <host>` and exactly the listed headers) and
//! hands the status, headers and body to [`Operation::parse`].
//!
//! ```
//! use cos_ci_batch::ops::{DescribeJob, Operation};
//! use cos_ci_batch::sign::{Credentials, KeyTime};
//!
//! let describe = DescribeJob::new("b3deffea2f84911ec9cb15254008618d9")?;
//! let mut request = describe.request();
//! request.sign(
//!     "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com",
//!     &Credentials::new("AKIDexample", "secret"),
//!     KeyTime::new(1_700_000_000, 1_700_000_900),
//! );
//! assert_eq!(request.path_and_query(), "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9");
//! assert!(request.header("authorization").unwrap().contains("q-header-list=host&"));
//!
//! // ... send it, then:
//! let body = br#"<Response><JobsDetail><JobId>b3deffea2f84911ec9cb15254008618d9</JobId>
//!     <State>Running</State></JobsDetail></Response>"#;
//! let described = describe.parse(200, &[("x-ci-request-id", "abc")], body)?;
//! assert_eq!(described.job.unwrap().state, cos_ci_batch::model::JobState::Running);
//! # Ok::<(), cos_ci_batch::Error>(())
//! ```

mod cancel;
mod create;
mod describe;
mod list;

use std::fmt;

pub use cancel::CancelJob;
pub use create::CreateJob;
pub use describe::{DescribeJob, DescribedJob};
pub use list::{JobPage, ListJobs, ListQuery, Order};

use crate::error::{Error, InvalidInput, ResponseError, ServiceError};
use crate::sign::{self, Credentials, KeyTime};
use crate::xml::{Document, Node};

/// The path of every batch-job operation.
pub const BASE_PATH: &str = "/inventorytriggerjob";

/// The header carrying an STS session token on CI hosts (signed).
pub const SECURITY_TOKEN_HEADER: &str = "x-ci-security-token";

/// The response header carrying the service's request id.
pub const REQUEST_ID_HEADER: &str = "x-ci-request-id";

/// One batch-job API call, without IO.
///
/// ```
/// use cos_ci_batch::ops::{CancelJob, Method, Operation};
///
/// // Generic code over the four operations, for another HTTP stack.
/// fn describe_request(op: &impl Operation) -> String {
///     let request = op.request();
///     format!("{} {}", request.method().as_str(), request.path_and_query())
/// }
/// assert_eq!(describe_request(&CancelJob::new("b1")?), "PUT /inventorytriggerjob/b1?cancel");
/// assert_eq!(CancelJob::new("b1")?.request().method(), Method::Put);
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
pub trait Operation {
    /// What a successful answer holds.
    type Output;

    /// The unsigned request.
    fn request(&self) -> HttpRequest;

    /// Reads the answer: `status`, the response `headers` (any case; only
    /// `x-ci-request-id` is read) and the whole `body`.
    fn parse(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Self::Output, Error>;
}

/// The HTTP methods the API uses.
///
/// ```
/// use cos_ci_batch::ops::Method;
///
/// assert_eq!(Method::Post.as_str(), "POST");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: describe and list.
    Get,
    /// `POST`: create.
    Post,
    /// `PUT`: cancel.
    Put,
}

impl Method {
    /// The method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// A request as plain data. Every header listed here is signed by [`HttpRequest::sign`], and
/// must be sent exactly as listed.
///
/// `Debug` redacts the `Authorization` and security-token values.
///
/// ```
/// use cos_ci_batch::ops::{ListJobs, ListQuery, Operation};
/// use cos_ci_batch::sign::{Credentials, KeyTime};
///
/// let mut request = ListJobs::new(&ListQuery::new().name("nightly"))?.request();
/// request.sign("b-1250000000.ci.ap-guangzhou.myqcloud.com", &Credentials::new("AKIDx", "k"), KeyTime::new(1, 901));
/// assert_eq!(request.path_and_query(), "/inventorytriggerjob?name=nightly");
/// assert!(request.header("Authorization").unwrap().contains("&q-url-param-list=name&"));
/// assert!(!format!("{request:?}").contains("q-signature"));
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpRequest {
    pub(crate) fn new(method: Method, path: String) -> Self {
        HttpRequest {
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub(crate) fn with_query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_owned(), value.into()));
        self
    }

    pub(crate) fn with_body(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.headers
            .push(("content-type".to_owned(), content_type.to_owned()));
        self.headers
            .push(("content-length".to_owned(), body.len().to_string()));
        self.body = body;
        self
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The unencoded path, as signed (`/inventorytriggerjob/<id>`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query parameters, unencoded, in the order sent.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The headers to send (names lowercase), `Host` excepted.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body (empty but for create).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The percent-encoded path and query string, as they go on the request line.
    /// A parameter with an empty value is written bare (`?cancel`).
    pub fn path_and_query(&self) -> String {
        let mut out = String::with_capacity(self.path.len() + 16 * self.query.len());
        for (i, segment) in self.path.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            sign::encode_into(&mut out, segment);
        }
        for (i, (name, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            sign::encode_into(&mut out, name);
            if !value.is_empty() {
                out.push('=');
                sign::encode_into(&mut out, value);
            }
        }
        out
    }

    /// Sets a header (replacing one of the same name). Call before [`HttpRequest::sign`].
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let name = name.to_ascii_lowercase();
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.into()));
    }

    /// Signs the request for `host` (the exact `Host` header that will be sent, with a port
    /// when it is not the default): adds the session token header when the credentials have
    /// one, then the `Authorization` over `host`, every listed header and every query
    /// parameter. Signing again replaces the previous signature.
    pub fn sign(&mut self, host: &str, credentials: &Credentials, key_time: KeyTime) {
        self.headers.retain(|(n, _)| n != "authorization");
        if let Some(token) = credentials.session_token() {
            self.set_header(SECURITY_TOKEN_HEADER, token);
        }
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(self.headers.len() + 1);
        headers.push(("host", host));
        headers.extend(self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let value = sign::authorization(
            credentials,
            self.method.as_str(),
            &self.path,
            &query,
            &headers,
            key_time,
        );
        self.headers.push(("authorization".to_owned(), value));
    }
}

/// The value of the first header called `name`, in any case.
pub(crate) fn find_header<'a, S: AsRef<str>>(headers: &'a [(S, S)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

/// Headers as `Debug` shows them: the values of `Authorization` and the security-token
/// headers are redacted.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let is_secret = |name: &str| {
            [
                "authorization",
                SECURITY_TOKEN_HEADER,
                "x-cos-security-token",
            ]
            .iter()
            .any(|secret| name.eq_ignore_ascii_case(secret))
        };
        f.debug_map()
            .entries(self.0.iter().map(|(n, v)| {
                let shown = if is_secret(n) { "<redacted>" } else { v };
                (n, shown)
            }))
            .finish()
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// Checks a job id before it goes into a path: it must be one non-empty path segment that
/// no server or proxy could reinterpret.
pub(crate) fn validate_job_id(id: &str) -> Result<(), InvalidInput> {
    let refuse = |reason| {
        Err(InvalidInput::BadJobId {
            id: id.to_owned(),
            reason,
        })
    };
    if id.is_empty() {
        return refuse("is empty");
    }
    if id == "." || id == ".." {
        return refuse("is a relative path segment");
    }
    if id.len() > 256 {
        return refuse("is longer than 256 bytes");
    }
    if id
        .chars()
        .any(|c| matches!(c, '/' | '?' | '#' | '%' | '\\') || c.is_whitespace() || c.is_control())
    {
        return refuse("holds '/', '?', '#', '%', '\\', whitespace or a control character");
    }
    Ok(())
}

/// The `x-ci-request-id` header, if any.
pub(crate) fn request_id(headers: &[(&str, &str)]) -> Option<String> {
    find_header(headers, REQUEST_ID_HEADER).map(str::to_owned)
}

/// Reads a `<Response>` answer: an `<Error>` document becomes [`Error::Service`] whatever the
/// status; a non-2xx status without one, or a 2xx without a `<Response>`, is unreadable.
pub(crate) fn parse_response_document<T>(
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    read: impl FnOnce(Node<'_, '_>, Option<String>) -> Result<T, ResponseError>,
) -> Result<T, Error> {
    let header_request_id = request_id(headers);
    let unreadable = |problem| Error::Response {
        status,
        request_id: header_request_id.clone(),
        problem,
    };
    let doc = match Document::parse(body, "Response") {
        Ok(doc) => doc,
        Err(problem) if (200..300).contains(&status) => return Err(unreadable(problem)),
        Err(_) => return Err(unreadable(ResponseError::UnexpectedStatus)),
    };
    let root = doc.root();
    if root.name() == "Error" {
        return Err(Error::Service(read_service_error(
            status,
            header_request_id.clone(),
            &root,
        )));
    }
    if !(200..300).contains(&status) {
        return Err(unreadable(ResponseError::UnexpectedStatus));
    }
    let root = doc.expect_root("Response").map_err(unreadable)?;
    let body_request_id = root.child_text("RequestId");
    read(root, header_request_id.clone().or(body_request_id)).map_err(unreadable)
}

/// Checks an answer that carries no document on success (cancel).
pub(crate) fn parse_empty_answer(
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(), Error> {
    let is_blank = body.iter().all(u8::is_ascii_whitespace);
    if (200..300).contains(&status) && is_blank {
        return Ok(());
    }
    // A 2xx with a `<Response>` body is a success too.
    parse_response_document(status, headers, body, |_, _| Ok(()))
}

fn read_service_error(
    status: u16,
    request_id: Option<String>,
    root: &Node<'_, '_>,
) -> ServiceError {
    ServiceError {
        status,
        code: root
            .child_text("Code")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        message: root.child_text("Message").unwrap_or_default(),
        request_id: request_id.or_else(|| root.child_text("RequestId")),
        trace_id: root.child_text("TraceId"),
    }
}
