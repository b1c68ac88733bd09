//! Errors: one flat [`Error`] for everything a call can end with, and the types it carries.
//!
//! The variant says what happened, whatever the retry policy did before: a `400` that
//! follows two `503`s is [`Error::Service`] with that `400`, and [`Error::attempts`] says
//! three attempts were made. Configuration mistakes, found when a client is built, are
//! [`ConfigError`]s; request values refused before sending are [`InvalidInput`]s.
//!
//! No error carries a secret: not the SecretKey, the session token, the Authorization value,
//! the derived sign key, or a password in an endpoint URL. Service messages are kept as the
//! service sent them.

use std::fmt;

use crate::credentials::ProvideError;
use crate::model::JobState;

/// Any failure of this crate.
///
/// ```
/// use cos_ci_batch::Error;
/// use cos_ci_batch::ops::{Action, DescribeJob, HttpResponse};
///
/// let describe = DescribeJob::new("b1")?;
/// let body = b"<Error><Code>AccessDenied</Code><Message>no permission</Message></Error>";
/// let answer = HttpResponse::new(403, body).with_header("x-ci-request-id", "NjJi");
/// match describe.parse(&answer) {
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
    /// A request value was refused before anything was sent.
    InvalidInput(InvalidInput),
    /// The client's configuration cannot work. [`crate::ClientBuilder::build`] returns the
    /// [`ConfigError`] itself; this variant lets `?` carry one into an `Error`.
    Config(ConfigError),
    /// No credentials to sign with: the provider failed, or gave credentials that had
    /// expired. Nothing was sent.
    Credentials(ProvideError),
    /// The service answered with an `<Error>` body (on any status, 2xx included).
    Service(ServiceError),
    /// The service answered something this crate cannot read as the expected response.
    Response(UnreadableResponse),
    /// The request did not complete at the transport level.
    Transport(TransportError),
    /// Describe found no such job (the service listed it in `NonExistJobIds`, or sent no job).
    JobNotFound {
        /// The id asked for.
        job_id: String,
        /// The request id of the answer.
        request_id: Option<String>,
        /// How many attempts the call made.
        attempts: u32,
    },
    /// A create may or may not have started a job: the service may have processed the
    /// request, and searching did not find the job (or reconciliation was off). It was not
    /// sent again. List jobs by `name` before creating again.
    CreateOutcomeUnknown {
        /// The batch job name that was submitted.
        name: String,
        /// How many create requests were sent.
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
    /// Waiting for the work on the objects of a batch job ([`crate::Client::wait_for_objects`])
    /// ended at its deadline with some of it not ended.
    ObjectWorkDeadline {
        /// The batch job.
        batch_job_id: String,
        /// How many objects' work had not ended at the last look, if one was made.
        unfinished: Option<u64>,
    },
    /// Listing stopped because the service returned a paging token it had returned before.
    PagingLoop {
        /// The repeated `NextToken`.
        token: String,
    },
    /// The outcomes of a batch job cannot be listed: the batch job does not say something the
    /// listing needs, and [`crate::OutcomeOptions`] does not supply it either.
    OutcomeSourceUnknown {
        /// The batch job.
        batch_job_id: String,
        /// What is missing, such as `Tag` or `WorkflowIds`.
        missing: &'static str,
    },
    /// Only a workflow can be triggered again on an object
    /// ([`crate::RerunMethod::Triggers`]), and this batch job ran media jobs (`Type=Job`).
    NotAWorkflow {
        /// The batch job.
        batch_job_id: String,
    },
    /// A re-run was asked of a batch job that has not ended ([`crate::Client::rerun_failed`]):
    /// its failures are not known yet.
    NotEnded {
        /// The batch job.
        batch_job_id: String,
        /// Its state.
        state: crate::model::JobState,
    },
    /// A re-run found a re-run job of the same batch job over other failures (they changed
    /// since, as work still running ended), and started nothing rather than run its
    /// objects again ([`crate::Client::rerun_failed`]).
    EarlierRerun {
        /// The batch job.
        batch_job_id: String,
        /// The re-run job found.
        rerun_job_id: String,
    },
    /// A re-run read [`crate::LOOKUP_LIMIT`] batch jobs created since the batch job without
    /// the listing ending: whether an earlier run re-ran it cannot be told, so nothing was
    /// sent.
    RerunLookupLimit {
        /// The batch job.
        batch_job_id: String,
        /// The jobs read.
        limit: usize,
    },
    /// Listing stopped after this many pages in a row held no job but pointed to another.
    EmptyPages {
        /// How many empty pages were read.
        pages: u32,
    },
}

impl Error {
    /// The service error behind this error, looking through an unknown create outcome.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            Error::CreateOutcomeUnknown { last, .. } => last.service_error(),
            _ => None,
        }
    }

    /// The transport error behind this error, looking through an unknown create outcome.
    pub fn transport_error(&self) -> Option<&TransportError> {
        match self {
            Error::Transport(e) => Some(e),
            Error::CreateOutcomeUnknown { last, .. } => last.transport_error(),
            _ => None,
        }
    }

    /// The request id of the answer this error came from, looking through an unknown create
    /// outcome: what to quote to Tencent Cloud support.
    ///
    /// ```
    /// use cos_ci_batch::ops::{Action, DescribeJob, HttpResponse};
    ///
    /// let body = b"<Error><Code>AccessDenied</Code><RequestId>NjQ1</RequestId></Error>".to_vec();
    /// let err = DescribeJob::new("b1")?.parse(&HttpResponse::new(403, body)).unwrap_err();
    /// assert_eq!((err.request_id(), err.http_status()), (Some("NjQ1"), Some(403)));
    /// # Ok::<(), cos_ci_batch::Error>(())
    /// ```
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.request_id.as_deref(),
            Error::Response(e) => e.request_id.as_deref(),
            Error::JobNotFound { request_id, .. } => request_id.as_deref(),
            Error::CreateOutcomeUnknown { last, .. } => last.request_id(),
            _ => None,
        }
    }

    /// The HTTP status of the answer this error came from, looking through an unknown create
    /// outcome; `None` when no answer was read. Example: [`Error::request_id`].
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Response(e) => Some(e.status),
            Error::CreateOutcomeUnknown { last, .. } => last.http_status(),
            _ => None,
        }
    }

    /// How many attempts the call made before it failed (0 when it failed before trying:
    /// bad input, configuration, credentials). Attempts that failed before anything was
    /// sent count too.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Service(e) => e.attempts,
            Error::Response(e) => e.attempts,
            Error::Transport(e) => e.attempts,
            Error::CreateOutcomeUnknown { attempts, .. } => *attempts,
            Error::JobNotFound { attempts, .. } => *attempts,
            _ => 0,
        }
    }

    /// This error with the secret key and session token of `credentials` taken out of the
    /// text the service sent (a service that echoes them would otherwise put them in every
    /// log the error reaches), whichever source the credentials came from.
    pub(crate) fn without_secrets(mut self, credentials: &crate::Credentials) -> Self {
        if let Error::Service(e) = &mut self {
            let secrets = [Some(credentials.secret_key()), credentials.session_token()];
            for secret in secrets.into_iter().flatten().filter(|s| !s.is_empty()) {
                for text in [&mut e.code, &mut e.message]
                    .into_iter()
                    .chain(e.trace_id.as_mut())
                    .chain(e.request_id.as_mut())
                {
                    if text.contains(secret) {
                        *text = text.replace(secret, "[redacted]");
                    }
                }
            }
        }
        self
    }

    /// Records that this failure ended a call of `attempts` requests.
    pub(crate) fn after_attempts(mut self, attempts: u32) -> Self {
        match &mut self {
            Error::Service(ServiceError { attempts: a, .. })
            | Error::Response(UnreadableResponse { attempts: a, .. })
            | Error::Transport(TransportError { attempts: a, .. })
            | Error::JobNotFound { attempts: a, .. } => *a = attempts,
            _ => {}
        }
        self
    }
}

/// `" (N attempts)"` when there were several.
struct Attempts(u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 1 {
            write!(f, " ({} attempts)", self.0)?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput(e) => write!(f, "invalid input: {e}"),
            Error::Config(e) => write!(f, "bad client configuration: {e}"),
            Error::Credentials(e) => write!(f, "no credentials to sign with: {e}"),
            Error::Service(e) => e.fmt(f),
            Error::Response(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::JobNotFound { job_id, .. } => write!(f, "batch job {job_id} does not exist"),
            Error::CreateOutcomeUnknown {
                name,
                attempts,
                last,
            } => write!(
                f,
                "batch job {name:?} may or may not have been created ({attempts} sent, not sent again; list jobs by name before retrying): {last}"
            ),
            Error::ObjectWorkDeadline {
                batch_job_id,
                unfinished,
            } => match unfinished {
                Some(n) => write!(
                    f,
                    "batch job {batch_job_id} succeeded, but the work on {n} of its objects had \
                     not ended when the wait deadline passed"
                ),
                None => write!(
                    f,
                    "batch job {batch_job_id} succeeded, but its objects could not be listed \
                     before the wait deadline passed"
                ),
            },
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
            Error::OutcomeSourceUnknown {
                batch_job_id,
                missing,
            } => write!(
                f,
                "the outcomes of batch job {batch_job_id} cannot be listed: it does not say its {missing}, and OutcomeOptions does not give it"
            ),
            Error::NotAWorkflow { batch_job_id } => write!(
                f,
                "batch job {batch_job_id} ran media jobs (Type=Job); only workflow runs can be triggered again"
            ),
            Error::NotEnded {
                batch_job_id,
                state,
            } => write!(
                f,
                "batch job {batch_job_id} is {state}, not ended: its failures are not known yet"
            ),
            Error::EarlierRerun {
                batch_job_id,
                rerun_job_id,
            } => write!(
                f,
                "batch job {batch_job_id} was re-run by job {rerun_job_id} over other failures; nothing was started: follow {rerun_job_id}, and re-run its own failures by its id"
            ),
            Error::RerunLookupLimit {
                batch_job_id,
                limit,
            } => write!(
                f,
                "more than {limit} batch jobs were created since batch job {batch_job_id}: whether an earlier run re-ran it cannot be told, and nothing was sent"
            ),
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
            Error::Config(e) => Some(e),
            Error::Credentials(e) => Some(e.as_ref()),
            Error::Service(e) => Some(e),
            Error::Response(e) => Some(&e.problem),
            Error::Transport(e) => Some(e),
            Error::CreateOutcomeUnknown { last, .. } => Some(last.as_ref()),
            _ => None,
        }
    }
}

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Error::InvalidInput(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

/// A request value refused before anything is sent.
///
/// ```
/// use cos_ci_batch::error::InvalidInput;
/// use cos_ci_batch::model::{BatchJob, Input};
///
/// let job = BatchJob::workflow("nightly run", "w1", Input::prefix("v/"));
/// assert_eq!(job.to_xml(), Err(InvalidInput::NameCharacter(' ')));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidInput {
    /// The batch job name has more than 128 characters.
    NameTooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// The batch job name holds a character other than a letter, a digit, `-` or `_`.
    NameCharacter(char),
    /// A value that must not be empty is (the element, such as `Name` or `Prefix`).
    Empty(&'static str),
    /// The upload-time filter starts after it ends.
    TimeIntervalReversed,
    /// A list page size is outside `1..=100`.
    PageSizeOutOfRange(u32),
    /// A describe of several media jobs asks for none, or for more than 10.
    JobIdCount(usize),
    /// A job id is empty or holds a character that could change the request path.
    BadJobId {
        /// The id given.
        id: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// An object key cannot be written as given ([`crate::ops::PutObject::new`]).
    BadObjectKey {
        /// The key given.
        key: String,
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
    /// A generic [`crate::model::Element`] tree nests deeper than 32 levels.
    ElementTooDeep {
        /// The element at which the limit was passed.
        element: String,
    },
    /// XML given to [`crate::model::Element::from_xml`] cannot be read as an element tree:
    /// why.
    UnreadableXml(String),
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidInput::NameTooLong { chars } => write!(
                f,
                "the batch job Name has {chars} characters; at most 128 are allowed"
            ),
            InvalidInput::NameCharacter(c) => write!(
                f,
                "the batch job Name holds {c:?}; only letters, digits, '-' and '_' are allowed"
            ),
            InvalidInput::Empty(element) => write!(f, "{element} is empty"),
            InvalidInput::TimeIntervalReversed => {
                f.write_str("the upload-time filter starts after it ends")
            }
            InvalidInput::PageSizeOutOfRange(size) => {
                write!(f, "page size {size} is outside 1..=100")
            }
            InvalidInput::JobIdCount(count) => {
                write!(f, "{count} job ids asked for; one describe takes 1 to 10")
            }
            InvalidInput::BadJobId { id, reason } => write!(f, "job id {id:?} {reason}"),
            InvalidInput::BadObjectKey { key, reason } => {
                write!(f, "object key {key:?} {reason}")
            }
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
            InvalidInput::ElementTooDeep { element } => {
                write!(
                    f,
                    "the element tree nests deeper than {} levels (at <{element}>)",
                    crate::xml::MAX_ELEMENT_DEPTH
                )
            }
            InvalidInput::UnreadableXml(problem) => {
                write!(f, "the XML cannot be read as an element tree: {problem}")
            }
        }
    }
}

impl std::error::Error for InvalidInput {}

/// A client configuration that cannot work, found before anything is sent.
///
/// ```
/// use cos_ci_batch::Client;
/// use cos_ci_batch::credentials::CredentialChain;
/// use cos_ci_batch::error::ConfigError;
///
/// let nowhere = CredentialChain::new()
///     .env_lookup(|_| None)
///     .profile_files(["/nonexistent/credentials"])
///     .without_instance_role();
/// let err = Client::builder("examplebucket-1250000000", "ap-guangzhou")
///     .credential_chain(nowhere)
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, ConfigError::NoCredentials(_)));
/// assert_eq!(
///     err.to_string(),
///     "no credentials found; tried the environment: TENCENTCLOUD_SECRET_ID and \
///      TENCENTCLOUD_SECRET_KEY are not set (or empty); the profile file: there is no file \
///      at /nonexistent/credentials; the instance role: not asked (turned off)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The client was built without credentials or a provider, and the default credential
    /// chain found none it could use ([`crate::credentials::CredentialChain`]).
    NoCredentials(crate::credentials::ChainError),
    /// A credential value is empty (which one).
    EmptyCredential(&'static str),
    /// A credential value has surrounding whitespace or control characters (which one).
    PaddedCredential(&'static str),
    /// A required environment variable is not set.
    MissingEnv(&'static str),
    /// The endpoint URL cannot be used; the reason never repeats user info.
    BadEndpoint(&'static str),
    /// The COS endpoint ([`crate::ClientBuilder::cos_endpoint`]) cannot be used: why.
    BadCosEndpoint(&'static str),
    /// The endpoint is `http://`, which needs [`crate::ClientBuilder::allow_http`].
    InsecureEndpoint,
    /// The COS endpoint is `http://`, which needs [`crate::ClientBuilder::allow_http`].
    InsecureCosEndpoint,
    /// A bucket or region is empty or holds characters a host name cannot carry.
    BadBucketOrRegion(String),
    /// The bucket is not written `BucketName-APPID` (such as `examplebucket-1250000000`).
    BucketWithoutAppId(String),
    /// A setting that cannot be zero is (its name: `timeout`, `connect_timeout`,
    /// `max_response_body`).
    Zero(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoCredentials(e) => e.fmt(f),
            ConfigError::EmptyCredential(field) => write!(f, "the {field} is empty"),
            ConfigError::PaddedCredential(field) => write!(
                f,
                "the {field} has surrounding whitespace or control characters"
            ),
            ConfigError::MissingEnv(name) => {
                write!(f, "the environment variable {name} is not set")
            }
            ConfigError::BadEndpoint(why) => write!(f, "bad endpoint: {why}"),
            ConfigError::BadCosEndpoint(why) => write!(f, "bad COS endpoint: {why}"),
            ConfigError::InsecureCosEndpoint => f.write_str(
                "the COS endpoint is plain http://; call ClientBuilder::allow_http to use it",
            ),
            ConfigError::InsecureEndpoint => f.write_str(
                "the endpoint is plain http://; call ClientBuilder::allow_http to use it",
            ),
            ConfigError::BadBucketOrRegion(value) => {
                write!(f, "{value:?} is not a valid bucket or region")
            }
            ConfigError::BucketWithoutAppId(bucket) => write!(
                f,
                "the bucket {bucket:?} has no APPID: write it BucketName-APPID, such as \
                 examplebucket-1250000000, as the console shows it"
            ),
            ConfigError::Zero(name) => {
                write!(f, "the {name} is zero; no call could ever succeed")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// A text that is not one of the values of a wire enum (from `FromStr`).
///
/// ```
/// use cos_ci_batch::model::JobLevel;
///
/// let err = "3".parse::<JobLevel>().unwrap_err();
/// assert_eq!(err.to_string(), "\"3\" is not a JobLevel");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownValue {
    /// The type that was asked for.
    pub of: &'static str,
    /// The text given.
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a {}", self.value, self.of)
    }
}

impl std::error::Error for UnknownValue {}

/// An `<Error>` answer of the service.
///
/// ```
/// use cos_ci_batch::ops::{Action, CancelJob, HttpResponse};
///
/// let body = b"<Error><Code>InvalidArgument</Code><Message>job b1 has ended</Message>\
///              <RequestId>r1</RequestId><TraceId>t1</TraceId></Error>";
/// let error = CancelJob::new("b1")?.parse(&HttpResponse::new(400, body)).unwrap_err();
/// let service = error.service_error().unwrap();
/// assert_eq!(service.code, "InvalidArgument");
/// assert_eq!(service.trace_id.as_deref(), Some("t1"));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status.
    pub status: u16,
    /// `Code`, such as `InvalidArgument` or `SignatureExpired`; empty if the body had none.
    pub code: String,
    /// `Message`.
    pub message: String,
    /// The `x-ci-request-id` header, else `x-cos-request-id`, else the body's `RequestId`.
    pub request_id: Option<String>,
    /// `TraceId`.
    pub trace_id: Option<String>,
    /// How many requests the call sent, this one included.
    pub attempts: u32,
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
        Attempts(self.attempts).fmt(f)
    }
}

impl std::error::Error for ServiceError {}

/// An answer that could not be read as the expected document.
///
/// ```
/// use cos_ci_batch::Error;
/// use cos_ci_batch::error::ResponseError;
/// use cos_ci_batch::ops::{Action, DescribeJob, HttpResponse};
///
/// let err = DescribeJob::new("b1")?.parse(&HttpResponse::new(200, b"<html>gateway</html>")).unwrap_err();
/// let Error::Response(failure) = err else { panic!("{err:?}") };
/// assert_eq!(failure.problem, ResponseError::UnexpectedRoot { expected: "Response", found: "html".into() });
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnreadableResponse {
    /// HTTP status of the answer.
    pub status: u16,
    /// Its request id, when its headers had one.
    pub request_id: Option<String>,
    /// What was wrong with it.
    pub problem: ResponseError,
    /// How many requests the call sent, this one included.
    pub attempts: u32,
}

impl fmt::Display for UnreadableResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unreadable response (HTTP {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        write!(f, "): {}{}", self.problem, Attempts(self.attempts))
    }
}

/// Why a response body could not be read as the expected document. Only what makes a
/// document unusable is an error: values are read leniently.
///
/// ```
/// use cos_ci_batch::error::ResponseError;
///
/// assert_eq!(ResponseError::MissingElement("JobId").to_string(), "the element <JobId> is missing");
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
    /// A required element is missing (a job without a `JobId`).
    MissingElement(&'static str),
    /// The answer is about something else than what was asked (a describe of one job
    /// answered with another): the element that says so.
    Mismatch(&'static str),
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
            ResponseError::Mismatch(name) => {
                write!(f, "the answer's <{name}> is not about what was asked")
            }
            ResponseError::UnexpectedStatus => {
                f.write_str("an error status without an <Error> body")
            }
        }
    }
}

impl std::error::Error for ResponseError {}

/// A failure below HTTP: resolving, connecting, timing out, a dropped connection, an
/// oversized body.
///
/// ```
/// use cos_ci_batch::error::TransportErrorKind;
/// use cos_ci_batch::ops::ListQuery;
/// use cos_ci_batch::{Client, Credentials, RetryPolicy};
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
#[non_exhaustive]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// A description from the HTTP stack (never holds request headers).
    pub message: String,
    /// How many requests the call sent, this one included.
    pub attempts: u32,
    pub(crate) never_sent: bool,
}

impl TransportError {
    pub(crate) fn new(kind: TransportErrorKind, message: String, never_sent: bool) -> Self {
        TransportError {
            kind,
            message,
            attempts: 1,
            never_sent,
        }
    }

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
        write!(
            f,
            "{}: {}{}",
            self.kind,
            self.message,
            Attempts(self.attempts)
        )
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
    /// A timeout after the connection was made, or the call's deadline.
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
