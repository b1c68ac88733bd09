//! `POST /inventorytriggerjob`: start a batch job.

use super::{Action, BASE_PATH, HttpRequest, HttpResponse, Method, read_answer};
use crate::error::{Error, InvalidInput, ResponseError};
use crate::model::{BatchJob, Element, JobDetail};

/// Creates a batch job. The body is written and checked once, in [`CreateJob::new`].
///
/// ```
/// use cos_ci_batch::model::{BatchJob, Input};
/// use cos_ci_batch::ops::{Action, CreateJob};
///
/// let job = BatchJob::workflow("demo", "w7476ff3564ee45b7b490d64bccaba6cc", Input::prefix("input"));
/// let request = CreateJob::new(&job)?.request();
/// assert_eq!(request.header("content-type"), Some("application/xml"));
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug)]
pub struct CreateJob {
    body: String,
}

impl CreateJob {
    /// Writes `job`'s body, with the checks of [`BatchJob::to_xml`].
    pub fn new(job: &BatchJob) -> Result<Self, InvalidInput> {
        Ok(CreateJob {
            body: job.to_xml()?,
        })
    }

    /// The body, as it is sent.
    pub fn body(&self) -> &str {
        &self.body
    }
}

/// The answer to a create: the job as the service stored it.
///
/// ```
/// use cos_ci_batch::model::JobState;
/// use cos_ci_batch::ops::{Action, CreateJob, HttpResponse};
/// use cos_ci_batch::model::{BatchJob, Input};
///
/// let create = CreateJob::new(&BatchJob::workflow("demo", "w1", Input::prefix("v/")))?;
/// let body = b"<Response><JobsDetail><JobId>b1</JobId><State>Submitted</State></JobsDetail></Response>";
/// let created = create.parse(&HttpResponse::new(200, body).with_header("x-ci-request-id", "r1"))?;
/// assert_eq!((created.job.job_id.as_str(), created.request_id.as_deref()), ("b1", Some("r1")));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateJobResponse {
    /// The request id; `None` when the service gave none, or when the client found the job
    /// by searching after an answer was lost ([`crate::Client::create`]).
    pub request_id: Option<String>,
    /// The job created.
    pub job: JobDetail,
    /// Children of `<Response>` this crate does not name.
    pub extra: Vec<Element>,
}

impl CreateJobResponse {
    pub(crate) fn found(job: JobDetail) -> Self {
        CreateJobResponse {
            request_id: None,
            job,
            extra: Vec::new(),
        }
    }
}

impl Action for CreateJob {
    type Response = CreateJobResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Post, BASE_PATH.to_owned())
            .with_body("application/xml", self.body.clone().into_bytes())
    }

    fn parse(&self, response: &HttpResponse) -> Result<CreateJobResponse, Error> {
        read_answer(response, |answer| {
            let detail = answer
                .root
                .child("JobsDetail")
                .ok_or(ResponseError::MissingElement("JobsDetail"))?;
            Ok(CreateJobResponse {
                job: JobDetail::read(&detail)?,
                extra: answer.extra(&["JobsDetail"]),
                request_id: answer.request_id,
            })
        })
    }
}
