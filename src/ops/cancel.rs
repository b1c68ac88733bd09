//! `PUT /inventorytriggerjob/<id>?cancel`: cancel a batch job.

use super::{
    Action, BASE_PATH, HttpRequest, HttpResponse, Method, read_empty_answer, validate_job_id,
};
use crate::error::{Error, InvalidInput};

/// Cancels a batch job. `cancel` is signed as a parameter with an empty value.
///
/// ```
/// use cos_ci_batch::ops::{Action, CancelJob};
///
/// let request = CancelJob::new("b3deffea2f84911ec9cb15254008618d9")?.request();
/// assert_eq!(request.path_and_query(), "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9?cancel");
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug)]
pub struct CancelJob {
    job_id: String,
}

impl CancelJob {
    /// Refuses the ids [`super::DescribeJob::new`] refuses.
    pub fn new(job_id: &str) -> Result<Self, InvalidInput> {
        validate_job_id(job_id)?;
        Ok(CancelJob {
            job_id: job_id.to_owned(),
        })
    }
}

/// The answer to a cancel: an empty `200`.
///
/// ```
/// use cos_ci_batch::ops::{Action, CancelJob, HttpResponse};
///
/// let done = CancelJob::new("b1")?.parse(&HttpResponse::new(200, b"").with_header("x-ci-request-id", "r9"))?;
/// assert_eq!(done.request_id.as_deref(), Some("r9"));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancelJobResponse {
    /// The request id.
    pub request_id: Option<String>,
}

impl Action for CancelJob {
    type Response = CancelJobResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Put, format!("{BASE_PATH}/{}", self.job_id))
            .with_query("cancel", "")
    }

    fn parse(&self, response: &HttpResponse) -> Result<CancelJobResponse, Error> {
        Ok(CancelJobResponse {
            request_id: read_empty_answer(response)?,
        })
    }
}
