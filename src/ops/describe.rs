//! `GET /inventorytriggerjob/<id>`: one batch job.

use super::{
    Action, BASE_PATH, HttpRequest, HttpResponse, Method, read_described, validate_job_id,
};
use crate::error::{Error, InvalidInput};
use crate::model::{Element, JobDetail};

/// Describes one batch job.
///
/// ```
/// use cos_ci_batch::ops::{Action, DescribeJob};
///
/// let request = DescribeJob::new("b3deffea2f84911ec9cb15254008618d9")?.request();
/// assert_eq!(request.path(), "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9");
/// assert!(DescribeJob::new("../jobs").is_err());
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug)]
pub struct DescribeJob {
    job_id: String,
}

impl DescribeJob {
    /// Refuses an empty id, `.` or `..`, more than 256 bytes, or one holding `/`, `?`, `#`,
    /// `%`, `\`, whitespace or controls: anything that could change the path.
    pub fn new(job_id: &str) -> Result<Self, InvalidInput> {
        validate_job_id(job_id)?;
        Ok(DescribeJob {
            job_id: job_id.to_owned(),
        })
    }

    /// The job id asked for.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }
}

/// The answer to a describe. A job that does not exist is [`Error::JobNotFound`].
///
/// ```
/// use cos_ci_batch::Error;
/// use cos_ci_batch::ops::{Action, DescribeJob, HttpResponse};
///
/// let body = b"<Response><RequestId>r</RequestId><NonExistJobIds>b9</NonExistJobIds></Response>";
/// let err = DescribeJob::new("b9")?.parse(&HttpResponse::new(200, body)).unwrap_err();
/// assert!(matches!(err, Error::JobNotFound { ref job_id, .. } if job_id == "b9"));
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DescribeJobResponse {
    /// The request id (headers first, then the body's `RequestId`).
    pub request_id: Option<String>,
    /// The job.
    pub job: JobDetail,
    /// Children of `<Response>` this crate does not name.
    pub extra: Vec<Element>,
}

impl Action for DescribeJob {
    type Response = DescribeJobResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Get, format!("{BASE_PATH}/{}", self.job_id))
    }

    fn parse(&self, response: &HttpResponse) -> Result<DescribeJobResponse, Error> {
        let described = read_described(
            response,
            &self.job_id,
            ("JobsDetail", "JobId"),
            &["JobsDetail", "NonExistJobIds"],
            JobDetail::read,
            |job| &job.job_id,
        )?;
        Ok(DescribeJobResponse {
            request_id: described.request_id,
            job: described.entry,
            extra: described.extra,
        })
    }
}
