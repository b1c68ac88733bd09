//! `POST /inventorytriggerjob`: start a batch job.

use super::{BASE_PATH, HttpRequest, Method, Operation, parse_response_document};
use crate::error::{Error, InvalidInput, ResponseError};
use crate::model::{BatchJob, JobDetail};

/// Creates a batch job. The body is built and checked once, in [`CreateJob::new`].
///
/// ```
/// use cos_ci_batch::model::{BatchJob, Input};
/// use cos_ci_batch::ops::{CreateJob, Operation};
///
/// let job = BatchJob::workflow("demo", "w7476ff3564ee45b7b490d64bccaba6cc", Input::prefix("input"));
/// let request = CreateJob::new(&job)?.request();
/// assert_eq!(request.header("content-type"), Some("application/xml"));
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug)]
pub struct CreateJob {
    name: String,
    body: String,
}

impl CreateJob {
    /// Validates `job` and serialises it.
    pub fn new(job: &BatchJob) -> Result<Self, InvalidInput> {
        Ok(CreateJob {
            name: job.name.clone(),
            body: job.to_xml()?,
        })
    }

    /// The job name (what reconciliation lists by).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Operation for CreateJob {
    type Output = JobDetail;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Post, BASE_PATH.to_owned())
            .with_body("application/xml", self.body.clone().into_bytes())
    }

    fn parse(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<JobDetail, Error> {
        parse_response_document(status, headers, body, |root, _| {
            let detail = root
                .child("JobsDetail")
                .ok_or(ResponseError::MissingElement("JobsDetail"))?;
            JobDetail::read(&detail)
        })
    }
}
