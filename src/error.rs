//! Errors: bad input caught before sending, service errors, unreadable responses, transport
//! failures, and what the retry, reconcile and wait logic adds to them.
//!
//! No error carries a secret: not the SecretKey, the session token, the Authorization value or
//! the derived sign key. Service messages are kept as the service sent them.

use std::fmt;

use crate::model::JobState;

/// Any failure of this crate.
///
/// ```
/// use cos_ci_batch::Error;
/// use cos_ci_batch::ops::{DescribeJob, Operation};
///
/// let describe = DescribeJob::new("b1")?;
/// let body = b"<Error><Code>AccessDenied</Code><Message>no permission</Message></Error>";
/// match describe.parse(403, &[("x-ci-request-id", "NjJi")], body) {
///     Err(Error::Service(e)) => {
///         assert_eq!((e.status, e.code.as_str()), (403, "AccessDenied"));
///         assert_eq!(e.request_id.as_deref(), Some("NjJi"));
///     }
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused locally, before anything was sent.
    InvalidInput(InvalidInput),
    /// The service answered with an `<Error>` body (on any status, 2xx included).
    Service(ServiceError),
    /// The service answered something this crate cannot read as the expected response.
    Response {
        /// HTTP status of the response.
        status: u16,
        /// The `x-ci-request-id` header, when present.
        request_id: Option<String>,
        /// What was wrong with it.
        problem: ResponseError,
    },
    /// The request did not complete at the transport level.
    Transport(TransportError),
    /// No credentials to sign with: the provider failed, or gave credentials that had
    /// expired. Nothing was sent.
    Credentials(crate::credentials::ProvideError),
    /// Describe found no such job (the service listed it in `NonExistJobIds`, or sent no job).
    JobNotFound {
        /// The job id asked for.
        job_id: String,
    },
    /// A retried call failed on every attempt; `last` is the final failure.
    RetriesExhausted {
        /// How many attempts were made.
        attempts: u32,
        /// The error of the last attempt.
        last: Box<Error>,
    },
    /// A create may or may not have started a job, and reconciliation could not tell (or was
    /// turned off). List jobs by `name` before creating again.
    CreateOutcomeUnknown {
        /// The batch job name that was submitted.
        name: String,
        /// How many create attempts were sent.
        attempts: u32,
        /// The failure that left the outcome unknown.
        last: Box<Error>,
    },
    /// Waiting for a job ended at its deadline before the job reached a final state.
    WaitDeadline {
        /// The job waited for.
        job_id: String,
        /// The last state seen, if any describe succeeded.
        last_state: Option<JobState>,
    },
    /// Listing stopped because the service returned a paging token it had returned before.
    PagingLoop {
        /// The repeated `NextToken`.
        token: String,
    },
    /// Listing stopped after this many pages in a row held no job but pointed to another.
    EmptyPages {
        /// How many empty pages were read.
        pages: u32,
    },
}

impl Error {
    /// The service error behind this error, looking through retries and unknown outcomes.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            Error::RetriesExhausted { last, .. } | Error::CreateOutcomeUnknown { last, .. } => {
                last.service_error()
            }
            _ => None,
        }
    }

    /// How many attempts produced this error (1 unless retries were made).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::RetriesExhausted { attempts, .. }
            | Error::CreateOutcomeUnknown { attempts, .. } => *attempts,
            _ => 1,
        }
    }

    /// The transport error behind this error, looking through retries and unknown outcomes.
    pub fn transport_error(&self) -> Option<&TransportError> {
        match self {
            Error::Transport(e) => Some(e),
            Error::RetriesExhausted { last, .. } | Error::CreateOutcomeUnknown { last, .. } => {
                last.transport_error()
            }
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput(e) => write!(f, "invalid input: {e}"),
            Error::Service(e) => e.fmt(f),
            Error::Response {
                status,
                request_id,
                problem,
            } => {
                write!(f, "unreadable response (HTTP {status}")?;
                if let Some(id) = request_id {
                    write!(f, ", request id {id}")?;
                }
                write!(f, "): {problem}")
            }
            Error::Transport(e) => e.fmt(f),
            Error::Credentials(e) => write!(f, "no credentials to sign with: {e}"),
            Error::JobNotFound { job_id } => write!(f, "batch job {job_id} does not exist"),
            Error::RetriesExhausted { attempts, last } => {
                write!(f, "failed after {attempts} attempts: {last}")
            }
            Error::CreateOutcomeUnknown {
                name,
                attempts,
                last,
            } => write!(
                f,
                "batch job {name:?} may or may not have been created ({attempts} attempts; list jobs by name before retrying): {last}"
            ),
            Error::WaitDeadline { job_id, last_state } => match last_state {
                Some(state) => write!(
                    f,
                    "batch job {job_id} was still {state} when the wait deadline passed"
                ),
                None => write!(
                    f,
                    "the wait deadline for batch job {job_id} passed before any state was read"
                ),
            },
            Error::PagingLoop { token } => {
                write!(f, "the service repeated the paging token {token:?}")
            }
            Error::EmptyPages { pages } => write!(
                f,
                "the service returned {pages} pages in a row with no job and another NextToken"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidInput(e) => Some(e),
            Error::Service(e) => Some(e),
            Error::Response { problem, .. } => Some(problem),
            Error::Transport(e) => Some(e),
            Error::Credentials(e) => Some(e.as_ref()),
            Error::RetriesExhausted { last, .. } | Error::CreateOutcomeUnknown { last, .. } => {
                Some(last.as_ref())
            }
            _ => None,
        }
    }
}

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Error::InvalidInput(e)
    }
}

/// Input refused before anything is sent.
///
/// ```
/// use cos_ci_batch::error::InvalidInput;
/// use cos_ci_batch::model::{BatchJob, Input};
///
/// let job = BatchJob::workflow("nightly run", "w1", Input::prefix("v/"));
/// assert_eq!(job.validate(), Err(InvalidInput::NameCharacter(' ')));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidInput {
    /// The batch job name is empty.
    EmptyName,
    /// The batch job name has more than 128 characters.
    NameTooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// The batch job name holds a character other than a letter, a digit, `-` or `_`.
    NameCharacter(char),
    /// None of Prefix, Object, Manifest and UrlFile is set.
    NoInput,
    /// More than one of Prefix, Object, Manifest and UrlFile is set.
    SeveralInputs(Vec<&'static str>),
    /// An input selector (Prefix, Object, Manifest or UrlFile) is the empty string.
    EmptyInput(&'static str),
    /// A TimeInterval is set, but the input is not a Prefix (the service ignores it then).
    TimeIntervalNeedsPrefix,
    /// The TimeInterval starts after it ends.
    TimeIntervalReversed,
    /// A `Workflow` job has no WorkflowIds.
    MissingWorkflowIds,
    /// A `Job` job has no Tag.
    MissingTag,
    /// The job type is not `Workflow` or `Job`.
    UnsupportedJobType(String),
    /// JobLevel is outside `0..=2`.
    JobLevelOutOfRange(u8),
    /// A list page size is outside `1..=100`.
    PageSizeOutOfRange(u32),
    /// A job id is empty or holds a character that could change the request path.
    BadJobId {
        /// The id given.
        id: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A text value holds a character XML 1.0 cannot carry (a control character).
    UnrepresentableText {
        /// The element whose text it is.
        element: String,
    },
    /// A time the service's format cannot carry: a year outside `0..=9999`, or an offset
    /// with seconds.
    UnrepresentableTime(time::OffsetDateTime),
    /// An element name of a generic [`crate::model::Element`] is not a valid XML name.
    BadElementName(String),
    /// The client was built without credentials or a credentials provider.
    NoCredentials,
    /// A timeout of the client is zero (the name of the setting).
    ZeroTimeout(&'static str),
    /// A credential value is empty.
    EmptyCredential(&'static str),
    /// A credential value has surrounding whitespace or control characters.
    PaddedCredential(&'static str),
    /// A required environment variable is not set.
    MissingEnv(&'static str),
    /// The endpoint URL cannot be used.
    BadEndpoint(String),
    /// The endpoint is `http://`, which needs [`crate::ClientBuilder::allow_http`].
    InsecureEndpoint,
    /// A bucket or region is empty or holds characters a host name cannot carry.
    BadBucketOrRegion(String),
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidInput::EmptyName => f.write_str("the batch job Name is empty"),
            InvalidInput::NameTooLong { chars } => write!(
                f,
                "the batch job Name has {chars} characters; at most 128 are allowed"
            ),
            InvalidInput::NameCharacter(c) => write!(
                f,
                "the batch job Name holds {c:?}; only letters, digits, '-' and '_' are allowed"
            ),
            InvalidInput::NoInput => {
                f.write_str("Input needs one of Prefix, Object, Manifest or UrlFile")
            }
            InvalidInput::SeveralInputs(names) => write!(
                f,
                "Input sets {}; exactly one of Prefix, Object, Manifest or UrlFile is allowed",
                names.join(" and ")
            ),
            InvalidInput::EmptyInput(name) => write!(f, "Input.{name} is empty"),
            InvalidInput::TimeIntervalNeedsPrefix => {
                f.write_str("TimeInterval only takes effect with an Input.Prefix")
            }
            InvalidInput::TimeIntervalReversed => {
                f.write_str("TimeInterval.Start is later than TimeInterval.End")
            }
            InvalidInput::MissingWorkflowIds => {
                f.write_str("a Workflow batch job needs Operation.WorkflowIds")
            }
            InvalidInput::MissingTag => f.write_str("a Job batch job needs Operation.Tag"),
            InvalidInput::UnsupportedJobType(t) => {
                write!(f, "Type {t:?} is not Workflow or Job")
            }
            InvalidInput::JobLevelOutOfRange(level) => {
                write!(f, "JobLevel {level} is outside 0..=2")
            }
            InvalidInput::PageSizeOutOfRange(size) => {
                write!(f, "page size {size} is outside 1..=100")
            }
            InvalidInput::BadJobId { id, reason } => write!(f, "job id {id:?} {reason}"),
            InvalidInput::UnrepresentableText { element } => write!(
                f,
                "the text of <{element}> holds a character XML 1.0 cannot carry"
            ),
            InvalidInput::UnrepresentableTime(t) => write!(
                f,
                "the time {t} cannot be written as YYYY-MM-DDTHH:MM:SS+HHMM (a year outside 0..=9999 or an offset with seconds)"
            ),
            InvalidInput::BadElementName(name) => {
                write!(f, "{name:?} is not a valid XML element name")
            }
            InvalidInput::NoCredentials => f.write_str("no credentials were given"),
            InvalidInput::ZeroTimeout(name) => {
                write!(f, "the {name} is zero; nothing could ever be sent")
            }
            InvalidInput::EmptyCredential(field) => write!(f, "the {field} is empty"),
            InvalidInput::PaddedCredential(field) => write!(
                f,
                "the {field} has surrounding whitespace or control characters"
            ),
            InvalidInput::MissingEnv(name) => {
                write!(f, "the environment variable {name} is not set")
            }
            InvalidInput::BadEndpoint(why) => write!(f, "bad endpoint: {why}"),
            InvalidInput::InsecureEndpoint => f.write_str(
                "the endpoint is plain http://; call ClientBuilder::allow_http to use it",
            ),
            InvalidInput::BadBucketOrRegion(value) => {
                write!(f, "{value:?} is not a valid bucket or region")
            }
        }
    }
}

impl std::error::Error for InvalidInput {}

/// An `<Error>` answer of the service.
///
/// ```
/// use cos_ci_batch::ops::{CancelJob, Operation};
///
/// let cancel = CancelJob::new("b1")?;
/// let body = b"<Error><Code>InvalidArgument</Code><Message>job b1 has ended</Message>\
///              <RequestId>r1</RequestId><TraceId>t1</TraceId></Error>";
/// let error = cancel.parse(400, &[], body).unwrap_err();
/// let service = error.service_error().unwrap();
/// assert_eq!(service.code, "InvalidArgument");
/// assert_eq!(service.trace_id.as_deref(), Some("t1"));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceError {
    /// HTTP status.
    pub status: u16,
    /// `Code`, such as `InvalidArgument` or `SignatureExpired`; empty if the body had none.
    pub code: String,
    /// `Message`.
    pub message: String,
    /// The `x-ci-request-id` header, else the body's `RequestId`.
    pub request_id: Option<String>,
    /// `TraceId`.
    pub trace_id: Option<String>,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "service error {} (HTTP {})", self.code, self.status)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// Why a response body could not be read as the expected document.
///
/// ```
/// use cos_ci_batch::Error;
/// use cos_ci_batch::error::ResponseError;
/// use cos_ci_batch::ops::{DescribeJob, Operation};
///
/// let describe = DescribeJob::new("b1")?;
/// let err = describe.parse(200, &[], b"<html>gateway</html>").unwrap_err();
/// assert!(matches!(
///     err,
///     Error::Response { problem: ResponseError::UnexpectedRoot { expected: "Response", .. }, .. }
/// ));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// The body is not UTF-8.
    NotUtf8,
    /// The body is not well-formed XML (truncated, HTML, empty, ...).
    Malformed {
        /// The document that was expected, such as `Response`.
        expected: &'static str,
        /// What the XML reader found wrong.
        detail: String,
    },
    /// The body declares a DTD, which is refused (no entity expansion, ever).
    DtdRefused,
    /// The body nests elements deeper than this crate reads.
    TooDeep,
    /// The root element is not the expected one.
    UnexpectedRoot {
        /// The root that was expected.
        expected: &'static str,
        /// The root that was found.
        found: String,
    },
    /// A required element is missing.
    MissingElement(&'static str),
    /// An element holds a value that cannot be read.
    BadValue {
        /// The element.
        element: &'static str,
        /// Its text.
        value: String,
    },
    /// A non-success status with a body that is not an `<Error>` document.
    UnexpectedStatus,
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::NotUtf8 => f.write_str("the body is not UTF-8"),
            ResponseError::Malformed { expected, detail } => write!(
                f,
                "expected a <{expected}> document, but the body is not well-formed XML: {detail}"
            ),
            ResponseError::DtdRefused => f.write_str("the body declares a DTD, which is refused"),
            ResponseError::TooDeep => f.write_str("the body nests elements too deeply"),
            ResponseError::UnexpectedRoot { expected, found } => {
                write!(f, "expected a <{expected}> document, found <{found}>")
            }
            ResponseError::MissingElement(name) => write!(f, "the element <{name}> is missing"),
            ResponseError::BadValue { element, value } => {
                write!(f, "<{element}> holds an unreadable value {value:?}")
            }
            ResponseError::UnexpectedStatus => {
                f.write_str("an error status without an <Error> body")
            }
        }
    }
}

impl std::error::Error for ResponseError {}

/// A failure below HTTP: connecting, timing out, a dropped connection, an oversized body.
///
/// ```
/// use cos_ci_batch::error::TransportErrorKind;
/// use cos_ci_batch::ops::ListQuery;
/// use cos_ci_batch::sign::Credentials;
/// use cos_ci_batch::{Client, RetryPolicy};
///
/// // Nothing listens on port 1: the connection is refused, so the request was never sent.
/// let client = Client::builder("b-1250000000", "ap-guangzhou")
///     .endpoint("http://127.0.0.1:1")
///     .allow_http()
///     .credentials(Credentials::new("AKIDexample", "secret"))
///     .retry_policy(RetryPolicy::none())
///     .build()?;
/// let err = client.list(&ListQuery::new()).unwrap_err();
/// let transport = err.transport_error().unwrap();
/// assert_eq!(transport.kind, TransportErrorKind::Connect);
/// assert!(transport.request_never_sent());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// A description from the HTTP stack (never holds request headers).
    pub message: String,
    pub(crate) never_sent: bool,
}

impl TransportError {
    /// Whether the request certainly never reached the server, so that even a create may be
    /// sent again safely: the name did not resolve, no connection or TLS session could be
    /// set up, or the request could not be sent whole.
    ///
    /// This is read from where the failure happened, not guessed from its kind: a timeout
    /// while connecting was never sent, a timeout while waiting for the answer may have been
    /// processed.
    pub fn request_never_sent(&self) -> bool {
        self.never_sent
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for TransportError {}

/// The kinds of [`TransportError`].
///
/// ```
/// use cos_ci_batch::error::TransportErrorKind;
///
/// let kind = TransportErrorKind::BodyTooLarge { limit: 4 << 20 };
/// assert_eq!(kind.to_string(), "response body larger than 4194304 bytes");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The host name did not resolve.
    Dns,
    /// No connection could be made (refused, unreachable, connect timeout).
    Connect,
    /// A timeout after the connection was made.
    Timeout,
    /// The connection failed or closed while the request or response was in flight.
    Io,
    /// The peer spoke something that is not HTTP/1.1.
    Protocol,
    /// TLS failed (certificate verification included).
    Tls,
    /// The response body exceeded the configured cap.
    BodyTooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportErrorKind::Dns => f.write_str("host not found"),
            TransportErrorKind::Connect => f.write_str("could not connect"),
            TransportErrorKind::Timeout => f.write_str("timed out"),
            TransportErrorKind::Io => f.write_str("connection failed"),
            TransportErrorKind::Protocol => f.write_str("HTTP protocol error"),
            TransportErrorKind::Tls => f.write_str("TLS error"),
            TransportErrorKind::BodyTooLarge { limit } => {
                write!(f, "response body larger than {limit} bytes")
            }
        }
    }
}
