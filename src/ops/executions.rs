//! `GET /workflowexecution` and `GET /workflowexecution/<runId>`: the workflow runs a
//! `Type=Workflow` batch job started, one per object.

use super::filters::{filter_setters, push_set};
use super::{
    Action, HttpRequest, HttpResponse, ListFilters, Method, read_answer, read_described,
    validate_job_id,
};
use crate::error::{Error, InvalidInput};
use crate::model::{Element, ExecutionSummary, WorkflowExecution};

/// The path of the workflow-execution actions.
pub const EXECUTIONS_PATH: &str = "/workflowexecution";

/// The filters of a list of workflow runs. `workflowId` is sent always (most documents mark
/// it required); the rest only when set.
///
/// ```
/// use cos_ci_batch::ops::{Action, ExecutionQuery, ListWorkflowExecutions, Order};
///
/// let query = ExecutionQuery::new("web6ac56c1ef54dbfa44d7f4103203be9")
///     .batch_job_id("b3deffea2f84911ec9cb15254008618d9")
///     .order(Order::Asc)
///     .size(100);
/// let request = ListWorkflowExecutions::new(&query)?.request();
/// assert_eq!(
///     request.path_and_query(),
///     "/workflowexecution?workflowId=web6ac56c1ef54dbfa44d7f4103203be9&jobId=b3deffea2f84911ec9cb15254008618d9&orderByTime=Asc&size=100"
/// );
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExecutionQuery {
    /// `workflowId`.
    pub workflow_id: String,
    /// `name`: only runs on this object.
    pub object: Option<String>,
    /// `jobId`: only runs this batch job started.
    pub batch_job_id: Option<String>,
    /// Order, states, creation time, page size and paging token.
    pub filters: ListFilters,
}

impl ExecutionQuery {
    /// Runs of workflow `workflow_id`.
    pub fn new(workflow_id: impl Into<String>) -> Self {
        ExecutionQuery {
            workflow_id: workflow_id.into(),
            object: None,
            batch_job_id: None,
            filters: ListFilters::default(),
        }
    }

    /// Only runs on this object (`name`).
    pub fn object(mut self, key: impl Into<String>) -> Self {
        self.object = Some(key.into());
        self
    }

    /// Only runs this batch job started (`jobId`).
    pub fn batch_job_id(mut self, id: impl Into<String>) -> Self {
        self.batch_job_id = Some(id.into());
        self
    }

    filter_setters!();
}

/// Lists one page of workflow runs.
///
/// ```
/// use cos_ci_batch::ops::{ExecutionQuery, ListWorkflowExecutions};
///
/// assert!(ListWorkflowExecutions::new(&ExecutionQuery::new("")).is_err());
/// ```
#[derive(Clone, Debug)]
pub struct ListWorkflowExecutions {
    query: Vec<(&'static str, String)>,
}

impl ListWorkflowExecutions {
    /// Refuses an empty workflow id, and what [`ListFilters`] refuses.
    pub fn new(query: &ExecutionQuery) -> Result<Self, InvalidInput> {
        if query.workflow_id.is_empty() {
            return Err(InvalidInput::Empty("workflowId"));
        }
        let mut params = vec![("workflowId", query.workflow_id.clone())];
        push_set(&mut params, "name", query.object.clone());
        push_set(&mut params, "jobId", query.batch_job_id.clone());
        query.filters.push_params(&mut params)?;
        Ok(ListWorkflowExecutions { query: params })
    }
}

/// One page of workflow runs.
///
/// ```
/// use cos_ci_batch::ops::{Action, ExecutionQuery, HttpResponse, ListWorkflowExecutions};
///
/// let body = b"<Response><RequestId>r</RequestId><NextToken>115716</NextToken></Response>";
/// let page = ListWorkflowExecutions::new(&ExecutionQuery::new("w1"))?.parse(&HttpResponse::new(200, body))?;
/// assert_eq!((page.request_id.as_deref(), page.next_token.as_deref()), (Some("r"), Some("115716")));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListWorkflowExecutionsResponse {
    /// The request id.
    pub request_id: Option<String>,
    /// The runs (`WorkflowExecutionList`), in the service's order.
    pub executions: Vec<ExecutionSummary>,
    /// `NextToken`: `None` on the last page (absent or empty).
    pub next_token: Option<String>,
    /// Children of `<Response>` this crate does not name.
    pub extra: Vec<Element>,
}

impl Action for ListWorkflowExecutions {
    type Response = ListWorkflowExecutionsResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Get, EXECUTIONS_PATH.to_owned()).with_queries(&self.query)
    }

    fn parse(&self, response: &HttpResponse) -> Result<ListWorkflowExecutionsResponse, Error> {
        read_answer(response, |answer| {
            let executions = answer
                .entries("WorkflowExecutionList")
                .map(|e| ExecutionSummary::read(&e))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ListWorkflowExecutionsResponse {
                executions,
                next_token: answer.next_token(),
                extra: answer.extra(&["WorkflowExecutionList", "NextToken"]),
                request_id: answer.request_id,
            })
        })
    }
}

/// Describes one workflow run, with its tasks.
///
/// ```
/// use cos_ci_batch::ops::{Action, DescribeWorkflowExecution};
///
/// let request = DescribeWorkflowExecution::new("i166ee19017b011eda8a5525400c540df")?.request();
/// assert_eq!(request.path(), "/workflowexecution/i166ee19017b011eda8a5525400c540df");
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug)]
pub struct DescribeWorkflowExecution {
    run_id: String,
}

impl DescribeWorkflowExecution {
    /// Refuses the ids [`super::DescribeJob::new`] refuses.
    pub fn new(run_id: &str) -> Result<Self, InvalidInput> {
        validate_job_id(run_id)?;
        Ok(DescribeWorkflowExecution {
            run_id: run_id.to_owned(),
        })
    }
}

/// The answer to a workflow-run describe. No run in the answer is [`Error::JobNotFound`].
///
/// ```
/// use cos_ci_batch::ops::{Action, DescribeWorkflowExecution, HttpResponse};
///
/// let body = b"<Response><WorkflowExecution><RunId>i1</RunId><State>Running</State></WorkflowExecution></Response>";
/// let run = DescribeWorkflowExecution::new("i1")?.parse(&HttpResponse::new(200, body))?;
/// assert_eq!(run.execution.run_id, "i1");
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DescribeWorkflowExecutionResponse {
    /// The request id.
    pub request_id: Option<String>,
    /// The run.
    pub execution: WorkflowExecution,
    /// Children of `<Response>` this crate does not name.
    pub extra: Vec<Element>,
}

impl Action for DescribeWorkflowExecution {
    type Response = DescribeWorkflowExecutionResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Get, format!("{EXECUTIONS_PATH}/{}", self.run_id))
    }

    fn parse(&self, response: &HttpResponse) -> Result<DescribeWorkflowExecutionResponse, Error> {
        let described = read_described(
            response,
            &self.run_id,
            ("WorkflowExecution", "RunId"),
            &["WorkflowExecution"],
            WorkflowExecution::read,
            |run| &run.run_id,
        )?;
        Ok(DescribeWorkflowExecutionResponse {
            request_id: described.request_id,
            execution: described.entry,
            extra: described.extra,
        })
    }
}
