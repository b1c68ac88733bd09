//! `GET /inventorytriggerjob`: one page of batch jobs, filtered.

use time::OffsetDateTime;

use super::{Action, BASE_PATH, HttpRequest, HttpResponse, Method, read_answer};
use crate::error::{Error, InvalidInput};
use crate::model::wire::wire_enum;
use crate::model::{Element, JobDetail, JobState, JobType, format_time};

wire_enum! {
    /// Sort order by creation time (`orderByTime`).
    ///
    /// ```
    /// use cos_ci_batch::ops::{ListQuery, Order};
    ///
    /// let oldest_first = ListQuery::new().order(Order::Asc);
    /// assert_eq!(oldest_first.order.map(Order::as_str), Some("Asc"));
    /// ```
    pub enum Order {
        /// Newest first (the service's default).
        Desc = "Desc",
        /// Oldest first.
        Asc = "Asc",
    }
}

/// The filters of a list call. Only the filters that are set are sent.
///
/// ```
/// use cos_ci_batch::model::{JobState, JobType};
/// use cos_ci_batch::ops::{Action, ListJobs, ListQuery};
///
/// let query = ListQuery::new()
///     .job_type(JobType::Job)
///     .states([JobState::Running, JobState::Failed])
///     .size(50);
/// let request = ListJobs::new(&query)?.request();
/// assert_eq!(request.path_and_query(), "/inventorytriggerjob?type=Job&states=Running%2CFailed&size=50");
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListQuery {
    /// `type`: Workflow or Job batch jobs.
    pub job_type: Option<JobType>,
    /// `orderByTime`.
    pub order: Option<Order>,
    /// `states`: any of the states (empty: all).
    pub states: Vec<JobState>,
    /// `startCreationTime`: created at or after.
    pub created_after: Option<OffsetDateTime>,
    /// `endCreationTime`: created at or before.
    pub created_before: Option<OffsetDateTime>,
    /// `workflowId`.
    pub workflow_id: Option<String>,
    /// `jobId`.
    pub job_id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `size`: jobs per page, 1 to 100 (the service defaults to 10).
    pub size: Option<u32>,
    /// `nextToken`: the page after the one that returned it.
    pub next_token: Option<String>,
}

impl ListQuery {
    /// No filter: the service's defaults.
    pub fn new() -> Self {
        ListQuery::default()
    }

    /// Only jobs of this type.
    pub fn job_type(mut self, job_type: JobType) -> Self {
        self.job_type = Some(job_type);
        self
    }

    /// Sort order.
    pub fn order(mut self, order: Order) -> Self {
        self.order = Some(order);
        self
    }

    /// Only jobs in one of these states.
    pub fn states(mut self, states: impl IntoIterator<Item = JobState>) -> Self {
        self.states = states.into_iter().collect();
        self
    }

    /// Only jobs created within `[after, before]`.
    pub fn created_between(mut self, after: OffsetDateTime, before: OffsetDateTime) -> Self {
        self.created_after = Some(after);
        self.created_before = Some(before);
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

    /// Jobs per page, 1 to 100.
    pub fn size(mut self, size: u32) -> Self {
        self.size = Some(size);
        self
    }

    /// Continue after the page that returned `token`.
    pub fn next_token(mut self, token: impl Into<String>) -> Self {
        self.next_token = Some(token.into());
        self
    }
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
    /// Refuses a page size outside `1..=100`, and a creation-time filter the service's time
    /// format cannot carry ([`format_time`]).
    pub fn new(query: &ListQuery) -> Result<Self, InvalidInput> {
        if let Some(size) = query.size {
            if !(1..=100).contains(&size) {
                return Err(InvalidInput::PageSizeOutOfRange(size));
            }
        }
        let mut params = Vec::new();
        let mut push = |name: &'static str, value: Option<String>| {
            if let Some(value) = value {
                params.push((name, value));
            }
        };
        push(
            "type",
            query.job_type.as_ref().map(|t| t.as_str().to_owned()),
        );
        push("orderByTime", query.order.map(|o| o.as_str().to_owned()));
        push(
            "states",
            (!query.states.is_empty()).then(|| {
                let names: Vec<&str> = query.states.iter().map(JobState::as_str).collect();
                names.join(",")
            }),
        );
        push(
            "startCreationTime",
            query.created_after.map(format_time).transpose()?,
        );
        push(
            "endCreationTime",
            query.created_before.map(format_time).transpose()?,
        );
        push("workflowId", query.workflow_id.clone());
        push("jobId", query.job_id.clone());
        push("name", query.name.clone());
        push("size", query.size.map(|s| s.to_string()));
        push("nextToken", query.next_token.clone());
        Ok(ListJobs { query: params })
    }
}

impl Action for ListJobs {
    type Response = ListJobsResponse;

    fn request(&self) -> HttpRequest {
        self.query.iter().fold(
            HttpRequest::new(Method::Get, BASE_PATH.to_owned()),
            |r, (n, v)| r.with_query(n, v.clone()),
        )
    }

    fn parse(&self, response: &HttpResponse) -> Result<ListJobsResponse, Error> {
        read_answer(response, |answer| {
            let jobs = answer
                .root
                .children()
                .filter(|c| c.name() == "JobsDetail")
                .map(|d| JobDetail::read(&d))
                .collect::<Result<Vec<_>, _>>()?;
            let next_token = answer
                .root
                .child_text("NextToken")
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty());
            Ok(ListJobsResponse {
                jobs,
                next_token,
                extra: answer.extra(&["JobsDetail", "NextToken"]),
                request_id: answer.request_id,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_outside_1_to_100_are_refused() {
        for size in [0, 101, 1000] {
            assert_eq!(
                ListJobs::new(&ListQuery::new().size(size)).unwrap_err(),
                InvalidInput::PageSizeOutOfRange(size)
            );
        }
        for size in [1, 100] {
            assert!(ListJobs::new(&ListQuery::new().size(size)).is_ok());
        }
    }
}
