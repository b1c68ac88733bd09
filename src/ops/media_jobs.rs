//! `GET /jobs` and `GET /jobs/<id>`: the media jobs a `Type=Job` batch job started, one per
//! object.

use super::filters::{filter_setters, push_set};
use super::{
    Action, HttpRequest, HttpResponse, ListFilters, Method, read_answer, read_described,
    validate_job_id,
};
use crate::error::{Error, InvalidInput, ResponseError};
use crate::model::{Element, MediaJobDetail, Tag};

/// The path of the media-job actions.
pub const MEDIA_JOBS_PATH: &str = "/jobs";

/// The filters of a list of media jobs. `tag` is required by the service; the rest are sent
/// only when set.
///
/// ```
/// use cos_ci_batch::model::Tag;
/// use cos_ci_batch::ops::{Action, ListMediaJobs, MediaJobQuery, Order};
///
/// let query = MediaJobQuery::new(Tag::Transcode)
///     .batch_job_id("be8f65004eb8511eaaed4f377124a303c")
///     .order(Order::Asc)
///     .size(100);
/// let request = ListMediaJobs::new(&query)?.request();
/// assert_eq!(
///     request.path_and_query(),
///     "/jobs?tag=Transcode&inventoryTriggerJobId=be8f65004eb8511eaaed4f377124a303c&orderByTime=Asc&size=100"
/// );
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaJobQuery {
    /// `tag`: the kind of media job.
    pub tag: Tag,
    /// `queueId`.
    pub queue_id: Option<String>,
    /// `workflowId`: only jobs a workflow started.
    pub workflow_id: Option<String>,
    /// `inventoryTriggerJobId`: only jobs this batch job started.
    pub batch_job_id: Option<String>,
    /// `inputObject`: only jobs on this object (exact key).
    pub input_object: Option<String>,
    /// Order, states, creation time, page size and paging token.
    pub filters: ListFilters,
}

impl MediaJobQuery {
    /// Media jobs of kind `tag`.
    pub fn new(tag: Tag) -> Self {
        MediaJobQuery {
            tag,
            queue_id: None,
            workflow_id: None,
            batch_job_id: None,
            input_object: None,
            filters: ListFilters::default(),
        }
    }

    /// Only jobs in this queue.
    pub fn queue_id(mut self, id: impl Into<String>) -> Self {
        self.queue_id = Some(id.into());
        self
    }

    /// Only jobs this workflow started.
    pub fn workflow_id(mut self, id: impl Into<String>) -> Self {
        self.workflow_id = Some(id.into());
        self
    }

    /// Only jobs this batch job started (`inventoryTriggerJobId`).
    pub fn batch_job_id(mut self, id: impl Into<String>) -> Self {
        self.batch_job_id = Some(id.into());
        self
    }

    /// Only jobs on this object.
    pub fn input_object(mut self, key: impl Into<String>) -> Self {
        self.input_object = Some(key.into());
        self
    }

    filter_setters!();
}

/// Lists one page of media jobs.
///
/// ```
/// use cos_ci_batch::model::Tag;
/// use cos_ci_batch::ops::{ListMediaJobs, MediaJobQuery};
///
/// assert!(ListMediaJobs::new(&MediaJobQuery::new(Tag::Other(String::new()))).is_err());
/// ```
#[derive(Clone, Debug)]
pub struct ListMediaJobs {
    query: Vec<(&'static str, String)>,
}

impl ListMediaJobs {
    /// Refuses an empty tag, and what [`ListFilters`] refuses.
    pub fn new(query: &MediaJobQuery) -> Result<Self, InvalidInput> {
        if query.tag.as_str().is_empty() {
            return Err(InvalidInput::Empty("tag"));
        }
        let mut params = vec![("tag", query.tag.as_str().to_owned())];
        push_set(&mut params, "queueId", query.queue_id.clone());
        push_set(&mut params, "workflowId", query.workflow_id.clone());
        push_set(
            &mut params,
            "inventoryTriggerJobId",
            query.batch_job_id.clone(),
        );
        push_set(&mut params, "inputObject", query.input_object.clone());
        query.filters.push_params(&mut params)?;
        Ok(ListMediaJobs { query: params })
    }
}

/// One page of media jobs.
///
/// ```
/// use cos_ci_batch::model::Tag;
/// use cos_ci_batch::ops::{Action, HttpResponse, ListMediaJobs, MediaJobQuery};
///
/// // An empty `JobsDetail` is how an empty page may look: it is skipped.
/// let body = b"<Response><JobsDetail/><NextToken></NextToken></Response>";
/// let page = ListMediaJobs::new(&MediaJobQuery::new(Tag::Snapshot))?.parse(&HttpResponse::new(200, body))?;
/// assert!(page.jobs.is_empty() && page.next_token.is_none());
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListMediaJobsResponse {
    /// The request id.
    pub request_id: Option<String>,
    /// The jobs, in the service's order.
    pub jobs: Vec<MediaJobDetail>,
    /// `NextToken`: `None` on the last page (absent or empty).
    pub next_token: Option<String>,
    /// Children of `<Response>` this crate does not name.
    pub extra: Vec<Element>,
}

impl Action for ListMediaJobs {
    type Response = ListMediaJobsResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Get, MEDIA_JOBS_PATH.to_owned()).with_queries(&self.query)
    }

    fn parse(&self, response: &HttpResponse) -> Result<ListMediaJobsResponse, Error> {
        read_answer(response, |answer| {
            let jobs = answer
                .entries("JobsDetail")
                .map(|d| MediaJobDetail::read(&d))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ListMediaJobsResponse {
                jobs,
                next_token: answer.next_token(),
                extra: answer.extra(&["JobsDetail", "NextToken"]),
                request_id: answer.request_id,
            })
        })
    }
}

/// Describes one media job.
///
/// ```
/// use cos_ci_batch::ops::{Action, DescribeMediaJob};
///
/// let request = DescribeMediaJob::new("j8d121820f5e411ec926ef19d53ba9c6f")?.request();
/// assert_eq!(request.path(), "/jobs/j8d121820f5e411ec926ef19d53ba9c6f");
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug)]
pub struct DescribeMediaJob {
    job_id: String,
}

impl DescribeMediaJob {
    /// Refuses the ids [`super::DescribeJob::new`] refuses (a `,` is allowed by the service
    /// for several ids, but this action asks for one: it is refused too; see
    /// [`DescribeMediaJobs`]).
    pub fn new(job_id: &str) -> Result<Self, InvalidInput> {
        validate_one_id(job_id)?;
        Ok(DescribeMediaJob {
            job_id: job_id.to_owned(),
        })
    }
}

/// A job id that can stand alone in a path or in a `,`-joined list.
fn validate_one_id(job_id: &str) -> Result<(), InvalidInput> {
    validate_job_id(job_id)?;
    if job_id.contains(',') {
        return Err(InvalidInput::BadJobId {
            id: job_id.to_owned(),
            reason: "holds ',' (one id at a time)",
        });
    }
    Ok(())
}

/// The answer to a media-job describe. A job that does not exist is
/// [`Error::JobNotFound`].
///
/// ```
/// use cos_ci_batch::ops::{Action, DescribeMediaJob, HttpResponse};
///
/// let body = b"<Response><NonExistJobIds>j9</NonExistJobIds></Response>";
/// assert!(DescribeMediaJob::new("j9")?.parse(&HttpResponse::new(200, body)).is_err());
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DescribeMediaJobResponse {
    /// The request id.
    pub request_id: Option<String>,
    /// The job.
    pub job: MediaJobDetail,
    /// Children of `<Response>` this crate does not name.
    pub extra: Vec<Element>,
}

impl Action for DescribeMediaJob {
    type Response = DescribeMediaJobResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Get, format!("{MEDIA_JOBS_PATH}/{}", self.job_id))
    }

    fn parse(&self, response: &HttpResponse) -> Result<DescribeMediaJobResponse, Error> {
        let described = read_described(
            response,
            &self.job_id,
            ("JobsDetail", "JobId"),
            &["JobsDetail", "NonExistJobIds"],
            MediaJobDetail::read,
            |job| &job.job_id,
        )?;
        Ok(DescribeMediaJobResponse {
            request_id: described.request_id,
            job: described.entry,
            extra: described.extra,
        })
    }
}

/// Describes up to [`DescribeMediaJobs::MAX_IDS`] media jobs in one request
/// (`GET /jobs/<id>,<id>,...`, DOC-JOB1): the failures of a batch job in tens rather than one
/// at a time.
///
/// ```
/// use cos_ci_batch::ops::{Action, DescribeMediaJobs, HttpResponse};
///
/// let describe = DescribeMediaJobs::new(["j1", "j2", "j3"])?;
/// assert_eq!(describe.request().path(), "/jobs/j1,j2,j3");
/// let body = b"<Response><JobsDetail><JobId>j2</JobId><State>Failed</State></JobsDetail>\
///              <NonExistJobIds>j1,j3</NonExistJobIds></Response>";
/// let answer = describe.parse(&HttpResponse::new(200, body))?;
/// assert_eq!(answer.jobs[0].job_id, "j2");
/// assert_eq!(answer.missing, ["j1", "j3"]);
/// assert!(DescribeMediaJobs::new(["j1"; 11]).is_err());
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct DescribeMediaJobs {
    job_ids: Vec<String>,
}

impl DescribeMediaJobs {
    /// The most ids one request takes.
    pub const MAX_IDS: usize = 10;

    /// Refuses no ids, more than [`Self::MAX_IDS`], and any id [`DescribeMediaJob::new`]
    /// refuses.
    pub fn new<I, S>(job_ids: I) -> Result<Self, InvalidInput>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut ids = Vec::new();
        for id in job_ids {
            if ids.len() == Self::MAX_IDS {
                return Err(InvalidInput::JobIdCount(Self::MAX_IDS + 1));
            }
            validate_one_id(id.as_ref())?;
            ids.push(id.as_ref().to_owned());
        }
        if ids.is_empty() {
            return Err(InvalidInput::JobIdCount(0));
        }
        Ok(DescribeMediaJobs { job_ids: ids })
    }
}

/// The answer to [`DescribeMediaJobs`]: the jobs that exist, in the service's order, and the
/// ids it says do not. A job about an id not asked for makes the whole answer a
/// [`ResponseError::Mismatch`].
///
/// ```
/// use cos_ci_batch::ops::{Action, DescribeMediaJobs, HttpResponse};
///
/// let describe = DescribeMediaJobs::new(["j1", "j2"])?;
/// // The SDKs disagree on one NonExistJobIds or several: both are read.
/// let body = b"<Response><NonExistJobIds>j1</NonExistJobIds><NonExistJobIds>j2</NonExistJobIds></Response>";
/// let answer = describe.parse(&HttpResponse::new(200, body))?;
/// assert!(answer.jobs.is_empty());
/// assert_eq!(answer.missing, ["j1", "j2"]);
/// let other = b"<Response><JobsDetail><JobId>j9</JobId></JobsDetail></Response>";
/// assert!(describe.parse(&HttpResponse::new(200, other)).is_err());
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DescribeMediaJobsResponse {
    /// The request id.
    pub request_id: Option<String>,
    /// The jobs found; each is one of the ids asked for.
    pub jobs: Vec<MediaJobDetail>,
    /// `NonExistJobIds`, split on `,` (one element or several: the docs and the SDKs differ).
    pub missing: Vec<String>,
    /// Children of `<Response>` this crate does not name.
    pub extra: Vec<Element>,
}

impl Action for DescribeMediaJobs {
    type Response = DescribeMediaJobsResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(
            Method::Get,
            format!("{MEDIA_JOBS_PATH}/{}", self.job_ids.join(",")),
        )
    }

    fn parse(&self, response: &HttpResponse) -> Result<DescribeMediaJobsResponse, Error> {
        read_answer(response, |answer| {
            let jobs = answer
                .entries("JobsDetail")
                .map(|d| MediaJobDetail::read(&d))
                .collect::<Result<Vec<_>, _>>()?;
            if jobs.iter().any(|job| !self.job_ids.contains(&job.job_id)) {
                return Err(ResponseError::Mismatch("JobId"));
            }
            let missing = answer
                .root
                .children()
                .filter(|c| c.name() == "NonExistJobIds")
                .flat_map(|c| {
                    c.text()
                        .split(',')
                        .map(str::trim)
                        .filter(|id| !id.is_empty())
                        .map(str::to_owned)
                        .collect::<Vec<_>>()
                })
                .collect();
            Ok(DescribeMediaJobsResponse {
                jobs,
                missing,
                extra: answer.extra(&["JobsDetail", "NonExistJobIds"]),
                request_id: answer.request_id,
            })
        })
    }
}
