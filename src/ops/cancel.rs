//! `PUT /inventorytriggerjob/<id>?cancel`: cancel a batch job.

use super::{BASE_PATH, HttpRequest, Method, Operation, parse_empty_answer, validate_job_id};
use crate::error::{Error, InvalidInput};

/// Cancels a batch job. `cancel` is signed as a parameter with an empty value.
///
/// ```
/// use cos_ci_batch::ops::{CancelJob, Operation};
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
    /// Refuses an empty id or one holding `/`, `?`, `#`, `%`, whitespace or controls.
    pub fn new(job_id: &str) -> Result<Self, InvalidInput> {
        validate_job_id(job_id)?;
        Ok(CancelJob {
            job_id: job_id.to_owned(),
        })
    }
}

impl Operation for CancelJob {
    type Output = ();

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Put, format!("{BASE_PATH}/{}", self.job_id))
            .with_query("cancel", "")
    }

    fn parse(&self, status: u16, headers: &[(&str, &str)], body: &[u8]) -> Result<(), Error> {
        parse_empty_answer(status, headers, body)
    }
}
