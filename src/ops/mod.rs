//! The four actions as plain data: a request to send and a pure parse of the answer.
//!
//! Nothing here does IO. Each action builds an unsigned [`HttpRequest`]; [`HttpRequest::sign`]
//! adds the `Authorization`; the caller sends it with any HTTP stack (to
//! `https://<host><path_and_query>`, with `Host: <host>` and exactly the listed headers) and
//! hands what came back, as an [`HttpResponse`], to [`Action::parse`].
//!
//! ```
//! use cos_ci_batch::model::JobState;
//! use cos_ci_batch::ops::{Action, DescribeJob, HttpResponse};
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
//! let answer = HttpResponse::new(200, body).with_header("x-ci-request-id", "abc");
//! let described = describe.parse(&answer)?;
//! assert_eq!(described.job.state, JobState::Running);
//! assert_eq!(described.request_id.as_deref(), Some("abc"));
//! # Ok::<(), cos_ci_batch::Error>(())
//! ```

mod cancel;
mod create;
mod describe;
mod executions;
mod filters;
mod http;
mod list;
mod media_jobs;
mod put_object;
mod trigger;

pub use cancel::{CancelJob, CancelJobResponse};
pub use create::{CreateJob, CreateJobResponse};
pub use describe::{DescribeJob, DescribeJobResponse};
pub use executions::{
    DescribeWorkflowExecution, DescribeWorkflowExecutionResponse, EXECUTIONS_PATH, ExecutionQuery,
    ListWorkflowExecutions, ListWorkflowExecutionsResponse,
};
pub use filters::{ListFilters, Order, StateFilter, TypeFilter};
pub use http::{HttpRequest, HttpResponse, Method, Service};
pub use list::{ListJobs, ListJobsResponse, ListQuery};
pub use media_jobs::{
    DescribeMediaJob, DescribeMediaJobResponse, DescribeMediaJobs, DescribeMediaJobsResponse,
    ListMediaJobs, ListMediaJobsResponse, MEDIA_JOBS_PATH, MediaJobQuery,
};
pub use put_object::{MAX_OBJECT_KEY_BYTES, PutObject, PutObjectResponse};
pub(crate) use put_object::{validate_key, validate_key_path};
pub use trigger::{TRIGGER_PATH, TriggerWorkflow, TriggerWorkflowResponse};

use http::non_blank;
#[cfg(feature = "emulator")]
pub(crate) use http::{RedactedHeaders, find_header};

use crate::error::{Error, InvalidInput, ResponseError, ServiceError, UnreadableResponse};
use crate::model::Element;
use crate::xml::{Document, Node};

/// The path of the batch-job actions.
pub const BASE_PATH: &str = "/inventorytriggerjob";

/// The header carrying an STS session token on CI hosts (signed).
pub const SECURITY_TOKEN_HEADER: &str = "x-ci-security-token";

/// The header carrying an STS session token on COS hosts ([`PutObject`]; signed).
pub const COS_SECURITY_TOKEN_HEADER: &str = "x-cos-security-token";

/// The response headers that carry the service's request id, in the order they are read.
pub const REQUEST_ID_HEADERS: [&str; 2] = ["x-ci-request-id", "x-cos-request-id"];

/// One batch-job API call, without IO: the request to send, and what its answer means.
///
/// ```
/// use cos_ci_batch::ops::{Action, CancelJob, Method};
///
/// // Generic code over the four actions, for another HTTP stack.
/// fn request_line(action: &impl Action) -> String {
///     let request = action.request();
///     format!("{} {}", request.method().as_str(), request.path_and_query())
/// }
/// assert_eq!(request_line(&CancelJob::new("b1")?), "PUT /inventorytriggerjob/b1?cancel");
/// assert_eq!(CancelJob::new("b1")?.request().method(), Method::Put);
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
pub trait Action {
    /// What a successful answer holds.
    type Response;

    /// The unsigned request.
    fn request(&self) -> HttpRequest;

    /// Reads an answer. An `<Error>` body is [`Error::Service`] whatever the status; a body
    /// that is not the expected document is [`Error::Response`].
    fn parse(&self, response: &HttpResponse) -> Result<Self::Response, Error>;
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

/// The `<Response>` of a successful answer: its request id (headers first, then the body's
/// `RequestId`), and the children the caller does not read, for its `extra`.
pub(crate) struct Answer<'a, 'input> {
    pub(crate) root: Node<'a, 'input>,
    pub(crate) request_id: Option<String>,
}

impl<'a, 'input> Answer<'a, 'input> {
    /// The root's children called `name` that hold anything: an empty one
    /// (`<JobsDetail/>`) is how the service may write an empty list, and is skipped; one
    /// with content is an entry, and its reader requires its id. One rule for every action.
    pub(crate) fn entries(
        &self,
        name: &'static str,
    ) -> impl Iterator<Item = Node<'a, 'input>> + use<'a, 'input> {
        self.root
            .children()
            .filter(move |c| c.name() == name && c.children().next().is_some())
    }

    /// `NextToken`, unless absent or blank (the last page).
    pub(crate) fn next_token(&self) -> Option<String> {
        non_blank(self.root.child_text("NextToken").as_deref()).map(str::to_owned)
    }

    /// The root's children other than `RequestId` and `known`, in order.
    pub(crate) fn extra(&self, known: &[&str]) -> Vec<Element> {
        self.root
            .children()
            .filter(|c| c.name() != "RequestId" && !known.contains(&c.name()))
            .map(|c| c.to_element())
            .collect()
    }
}

/// Reads a `<Response>` answer: an `<Error>` document becomes [`Error::Service`] whatever the
/// status; a non-2xx status without one, or a 2xx without a `<Response>`, is unreadable.
pub(crate) fn read_answer<T>(
    response: &HttpResponse,
    read: impl FnOnce(Answer<'_, '_>) -> Result<T, ResponseError>,
) -> Result<T, Error> {
    let status = response.status;
    let header_request_id = response.request_id().map(str::to_owned);
    let unreadable = |problem| {
        Error::Response(UnreadableResponse {
            status,
            request_id: header_request_id.clone(),
            problem,
            attempts: 1,
        })
    };
    let doc = match Document::parse(&response.body, "Response") {
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
    let request_id = header_request_id.clone().or_else(|| body_request_id(&root));
    read(Answer { root, request_id }).map_err(unreadable)
}

/// What a describe read: its one entry, the other children of the answer, its request id.
pub(crate) struct Described<T> {
    pub(crate) entry: T,
    pub(crate) extra: Vec<Element>,
    pub(crate) request_id: Option<String>,
}

/// Reads a describe's answer: the first `entry` child, read by `read`, which must be about
/// the id `asked` (its `id_element`, as `id_of` returns it). No entry is
/// [`Error::JobNotFound`]; an entry about another id is [`ResponseError::Mismatch`].
/// `known` lists the children read, the entry's own name included, for `extra`.
pub(crate) fn read_described<T>(
    response: &HttpResponse,
    asked: &str,
    (entry, id_element): (&'static str, &'static str),
    known: &[&str],
    read: impl Fn(&Node<'_, '_>) -> Result<T, ResponseError>,
    id_of: impl Fn(&T) -> &str,
) -> Result<Described<T>, Error> {
    let (found, extra, request_id) = read_answer(response, |answer| {
        let found = answer.entries(entry).next().map(|e| read(&e)).transpose()?;
        Ok((found, answer.extra(known), answer.request_id))
    })?;
    let Some(found) = found else {
        return Err(Error::JobNotFound {
            job_id: asked.to_owned(),
            request_id,
            attempts: 1,
        });
    };
    if id_of(&found) != asked {
        return Err(Error::Response(UnreadableResponse {
            status: response.status,
            request_id,
            problem: ResponseError::Mismatch(id_element),
            attempts: 1,
        }));
    }
    Ok(Described {
        entry: found,
        extra,
        request_id,
    })
}

/// Reads an answer that carries no document on success (cancel): its request id.
pub(crate) fn read_empty_answer(response: &HttpResponse) -> Result<Option<String>, Error> {
    let is_blank = response.body.iter().all(u8::is_ascii_whitespace);
    if (200..300).contains(&response.status) && is_blank {
        return Ok(response.request_id().map(str::to_owned));
    }
    // A 2xx with a `<Response>` body is a success too.
    read_answer(response, |answer| Ok(answer.request_id))
}

/// The body's `RequestId`, under the rule of [`HttpResponse::request_id`].
fn body_request_id(root: &Node<'_, '_>) -> Option<String> {
    non_blank(root.child_text("RequestId").as_deref()).map(str::to_owned)
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
        request_id: request_id.or_else(|| body_request_id(root)),
        trace_id: root.child_text("TraceId"),
        attempts: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_that_could_change_the_path_are_refused() {
        for id in [
            "",
            "a/b",
            "a?b",
            "a#b",
            "a%2Fb",
            "a b",
            "a\tb",
            "a\r\nx-cos-acl: public",
            "..",
            ".",
            "a\\b",
        ] {
            assert!(
                matches!(validate_job_id(id), Err(InvalidInput::BadJobId { id: got, .. }) if got == id),
                "{id:?}"
            );
        }
        assert!(validate_job_id(&"b".repeat(257)).is_err());
        for id in [
            "b3deffea2f84911ec9cb15254008618d9",
            "b-xxx-xxx",
            "b.1",
            &"b".repeat(256),
        ] {
            assert_eq!(validate_job_id(id), Ok(()), "{id}");
        }
    }
}
