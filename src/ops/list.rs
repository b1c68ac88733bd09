//! `GET /inventorytriggerjob`: one page of batch jobs, filtered.

use super::TypeFilter;
use super::filters::{filter_setters, push_set};
use super::{Action, BASE_PATH, HttpRequest, HttpResponse, ListFilters, Method, read_answer};
use crate::error::{Error, InvalidInput};
use crate::model::{Element, JobDetail};

/// The filters of a list of batch jobs. Only the filters that are set are sent.
///
/// ```
/// use cos_ci_batch::ops::{Action, ListJobs, ListQuery, StateFilter, TypeFilter};
///
/// let query = ListQuery::new()
///     .job_type(TypeFilter::Job)
///     .states([StateFilter::Running, StateFilter::Failed])
///     .size(50);
/// let request = ListJobs::new(&query)?.request();
/// assert_eq!(request.path_and_query(), "/inventorytriggerjob?type=Job&states=Running%2CFailed&size=50");
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListQuery {
    /// `type`: Workflow or Job batch jobs.
    pub job_type: Option<TypeFilter>,
    /// `workflowId`.
    pub workflow_id: Option<String>,
    /// `jobId`.
    pub job_id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// Order, states, creation time, page size and paging token.
    pub filters: ListFilters,
}

impl ListQuery {
    /// No filter: the service's defaults.
    pub fn new() -> Self {
        ListQuery::default()
    }

    /// Only jobs of this type.
    pub fn job_type(mut self, job_type: TypeFilter) -> Self {
        self.job_type = Some(job_type);
        self
    }

    /// Only jobs of this workflow.
    pub fn workflow_id(mut self, id: impl Into<String>) -> Self {
        self.workflow_id = Some(id.into());
        self
    }

    /// Only the job with this id.
    pub fn job_id(mut self, id: impl Into<String>) -> Self {
        self.job_id = Some(id.into());
        self
    }

    /// Only jobs with this name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    filter_setters!();
}

/// One page of batch jobs.
///
/// ```
/// use cos_ci_batch::ops::{Action, HttpResponse, ListJobs, ListQuery};
///
/// let body = b"<Response><JobsDetail><JobId>b1</JobId></JobsDetail><NextToken>1</NextToken></Response>";
/// let page = ListJobs::new(&ListQuery::new().size(1))?.parse(&HttpResponse::new(200, body))?;
/// assert_eq!(page.jobs[0].job_id, "b1");
/// assert_eq!(page.next_token.as_deref(), Some("1"));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListJobsResponse {
    /// The request id (headers first, then the body's `RequestId`).
    pub request_id: Option<String>,
    /// The jobs, in the service's order.
    pub jobs: Vec<JobDetail>,
    /// `NextToken`: `None` on the last page (absent or empty).
    pub next_token: Option<String>,
    /// Children of `<Response>` this crate does not name.
    pub extra: Vec<Element>,
}

/// Lists one page of batch jobs.
///
/// ```
/// use cos_ci_batch::ops::{Action, ListJobs, ListQuery};
///
/// assert!(ListJobs::new(&ListQuery::new().size(0)).is_err());
/// let request = ListJobs::new(&ListQuery::new().next_token("25"))?.request();
/// assert_eq!(request.path_and_query(), "/inventorytriggerjob?nextToken=25");
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug)]
pub struct ListJobs {
    query: Vec<(&'static str, String)>,
}

impl ListJobs {
    /// Refuses what [`ListFilters`] refuses: a page size outside `1..=100`, a creation time
    /// the service's format cannot carry.
    pub fn new(query: &ListQuery) -> Result<Self, InvalidInput> {
        let mut params = Vec::new();
        let job_type = query.job_type.map(|t| t.as_str().to_owned());
        push_set(&mut params, "type", job_type);
        push_set(&mut params, "workflowId", query.workflow_id.clone());
        push_set(&mut params, "jobId", query.job_id.clone());
        push_set(&mut params, "name", query.name.clone());
        query.filters.push_params(&mut params)?;
        Ok(ListJobs { query: params })
    }
}

impl Action for ListJobs {
    type Response = ListJobsResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Get, BASE_PATH.to_owned()).with_queries(&self.query)
    }

    fn parse(&self, response: &HttpResponse) -> Result<ListJobsResponse, Error> {
        read_answer(response, |answer| {
            let jobs = answer
                .entries("JobsDetail")
                .map(|d| JobDetail::read(&d))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ListJobsResponse {
                jobs,
                next_token: answer.next_token(),
                extra: answer.extra(&["JobsDetail", "NextToken"]),
                request_id: answer.request_id,
            })
        })
    }
}
