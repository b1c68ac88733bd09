//! `GET /inventorytriggerjob/<id>`: one batch job.

use super::{BASE_PATH, HttpRequest, Method, Operation, parse_response_document, validate_job_id};
use crate::error::{Error, InvalidInput};
use crate::model::JobDetail;

/// Describes one batch job.
///
/// ```
/// use cos_ci_batch::ops::{DescribeJob, Operation};
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
    /// Refuses an empty id or one holding `/`, `?`, `#`, `%`, whitespace or controls.
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

/// The answer to a describe.
///
/// ```
/// use cos_ci_batch::ops::{DescribeJob, Operation};
///
/// let body = b"<Response><RequestId>r</RequestId><NonExistJobIds>b9</NonExistJobIds></Response>";
/// let described = DescribeJob::new("b9")?.parse(200, &[], body)?;
/// assert_eq!((described.job, described.non_exist_job_ids), (None, vec!["b9".to_owned()]));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescribedJob {
    /// The request id (header `x-ci-request-id`, else the body's `RequestId`).
    pub request_id: Option<String>,
    /// The job, when it exists.
    pub job: Option<JobDetail>,
    /// `NonExistJobIds`: ids asked for that do not exist.
    pub non_exist_job_ids: Vec<String>,
}

impl Operation for DescribeJob {
    type Output = DescribedJob;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Get, format!("{BASE_PATH}/{}", self.job_id))
    }

    fn parse(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<DescribedJob, Error> {
        parse_response_document(status, headers, body, |root, request_id| {
            let job = root
                .child("JobsDetail")
                .map(|d| JobDetail::read(&d))
                .transpose()?;
            let non_exist_job_ids = root
                .children()
                .filter(|c| c.name() == "NonExistJobIds")
                .flat_map(|c| {
                    c.text()
                        .split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                })
                .collect();
            Ok(DescribedJob {
                request_id,
                job,
                non_exist_job_ids,
            })
        })
    }
}
