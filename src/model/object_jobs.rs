//! What the service says about the work done on each object of a batch job: the media jobs
//! a `Type=Job` batch job starts, and the workflow executions a `Type=Workflow` one starts.
//! Read leniently, like [`super::JobDetail`]: text kept, unknown elements kept, only an
//! entry without its id refused.

use super::element::Element;
use super::time::ServiceTime;
use super::wire::{ReadField, container, required_id};
use super::{JobState, Tag};
use crate::error::ResponseError;
use crate::xml::Node;

/// One media job (`JobsDetail` of `GET /jobs`): the work a `Type=Job` batch job did on one
/// object.
///
/// ```
/// use cos_ci_batch::model::JobState;
/// use cos_ci_batch::ops::{Action, DescribeMediaJob, HttpResponse};
///
/// let body = b"<Response><JobsDetail><JobId>j1</JobId><Tag>Transcode</Tag><State>Failed</State>\
///     <Code>InvalidInput</Code><Message>not a video</Message>\
///     <Input><BucketId>b-1250000000</BucketId><Object>in/a.txt</Object></Input></JobsDetail></Response>";
/// let job = DescribeMediaJob::new("j1")?.parse(&HttpResponse::new(200, body))?.job;
/// assert_eq!(job.state, JobState::Failed);
/// assert_eq!(job.object(), Some("in/a.txt"));
/// assert_eq!(job.code.as_deref(), Some("InvalidInput"));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaJobDetail {
    /// `JobId`, such as `j8d121820f5e411ec926ef19d53ba9c6f`.
    pub job_id: String,
    /// `Tag`.
    pub tag: Option<Tag>,
    /// `State`; `Unknown("")` when the service sent none.
    pub state: JobState,
    /// `Code`: meaningful when the state is `Failed` (`Success` otherwise, even while running).
    pub code: Option<String>,
    /// `Message`: meaningful when the state is `Failed`.
    pub message: Option<String>,
    /// `Progress`, in percent, as sent.
    pub progress: Option<String>,
    /// `CreationTime`.
    pub creation_time: Option<ServiceTime>,
    /// `StartTime`; `None` while the service writes `-`.
    pub start_time: Option<ServiceTime>,
    /// `EndTime`; `None` while the service writes `-`.
    pub end_time: Option<ServiceTime>,
    /// `QueueId`.
    pub queue_id: Option<String>,
    /// `Input`: the object processed.
    pub input: Option<MediaJobInput>,
    /// `Operation`: the parameters, and the results once done (`MediaResult`, ...).
    pub operation: Option<Element>,
    /// `Workflow`, when a workflow started the job.
    pub workflow: Option<Element>,
    /// Elements the model does not name, kept as sent.
    pub extra: Vec<Element>,
}

impl MediaJobDetail {
    /// The key of the object processed (`Input.Object`).
    pub fn object(&self) -> Option<&str> {
        self.input.as_ref()?.object.as_deref()
    }

    /// The keys of the objects produced (`Operation.MediaResult.OutputFile.ObjectName`).
    pub fn output_objects(&self) -> Vec<&str> {
        let Some(output) = self
            .operation
            .as_ref()
            .and_then(|op| op.child("MediaResult"))
            .and_then(|result| result.child("OutputFile"))
        else {
            return Vec::new();
        };
        output
            .children
            .iter()
            .filter(|c| c.name == "ObjectName")
            .map(|c| c.text.as_str())
            .collect()
    }

    pub(crate) fn read(node: &Node<'_, '_>) -> Result<Self, ResponseError> {
        let raw = RawMediaJob::read_field(node);
        Ok(MediaJobDetail {
            job_id: required_id(raw.job_id, "JobId")?,
            tag: raw.tag,
            state: raw.state.unwrap_or(JobState::Unknown(String::new())),
            code: raw.code,
            message: raw.message,
            progress: raw.progress,
            creation_time: raw.creation_time,
            start_time: raw.start_time,
            end_time: raw.end_time,
            queue_id: raw.queue_id,
            input: raw.input,
            operation: raw.operation,
            workflow: raw.workflow,
            extra: raw.extra,
        })
    }
}

container! {
    readable
    /// A media job's `JobsDetail` as read, before its id is checked.
    pub struct RawMediaJob {
        one job_id: String = "JobId",
        one tag: Tag = "Tag",
        one state: JobState = "State",
        one code: String = "Code",
        one message: String = "Message",
        one progress: String = "Progress",
        one creation_time: ServiceTime = "CreationTime",
        one start_time: ServiceTime = "StartTime",
        one end_time: ServiceTime = "EndTime",
        one queue_id: String = "QueueId",
        one input: MediaJobInput = "Input",
        one operation: Element = "Operation",
        one workflow: Element = "Workflow",
    }
}

container! {
    readable
    /// `JobsDetail.Input` of a media job. The samples write `BucketId`, the tables `Bucket`;
    /// both are read.
    ///
    /// ```
    /// let none = cos_ci_batch::model::MediaJobInput::default();
    /// assert!(none.object.is_none());
    /// ```
    pub struct MediaJobInput {
        one bucket_id: String = "BucketId",
        one bucket: String = "Bucket",
        one region: String = "Region",
        one object: String = "Object",
    }
}

/// One entry of `GET /workflowexecution`: the workflow run a `Type=Workflow` batch job started
/// for one object.
///
/// ```
/// use cos_ci_batch::ops::{Action, HttpResponse, ListWorkflowExecutions, ExecutionQuery};
///
/// let body = b"<Response><WorkflowExecutionList><RunId>i1</RunId><WorkflowId>w1</WorkflowId>\
///     <Object>in/a.mp4</Object><CreateTime>2022-08-09T14:54:17+08:00</CreateTime><State>Success</State>\
///     </WorkflowExecutionList></Response>";
/// let list = ListWorkflowExecutions::new(&ExecutionQuery::new("w1"))?;
/// let page = list.parse(&HttpResponse::new(200, body))?;
/// assert_eq!(page.executions[0].object.as_deref(), Some("in/a.mp4"));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExecutionSummary {
    /// `RunId`, such as `i166ee19017b011eda8a5525400c540df`.
    pub run_id: String,
    /// `WorkflowId`.
    pub workflow_id: Option<String>,
    /// `State`.
    pub state: JobState,
    /// `CreateTime`.
    pub create_time: Option<ServiceTime>,
    /// `Object`: the object processed.
    pub object: Option<String>,
    /// Elements the model does not name, kept as sent.
    pub extra: Vec<Element>,
}

impl ExecutionSummary {
    pub(crate) fn read(node: &Node<'_, '_>) -> Result<Self, ResponseError> {
        let raw = RawExecutionSummary::read_field(node);
        Ok(ExecutionSummary {
            run_id: required_id(raw.run_id, "RunId")?,
            workflow_id: raw.workflow_id,
            state: raw.state.unwrap_or(JobState::Unknown(String::new())),
            create_time: raw.create_time,
            object: raw.object,
            extra: raw.extra,
        })
    }
}

container! {
    readable
    /// A `WorkflowExecutionList` entry as read, before its id is checked.
    pub struct RawExecutionSummary {
        one run_id: String = "RunId",
        one workflow_id: String = "WorkflowId",
        one state: JobState = "State",
        one create_time: ServiceTime = "CreateTime",
        one object: String = "Object",
    }
}

/// `GET /workflowexecution/<runId>`: one workflow run with the tasks its nodes ran.
///
/// ```
/// use cos_ci_batch::model::JobState;
/// use cos_ci_batch::ops::{Action, DescribeWorkflowExecution, HttpResponse};
///
/// let body = b"<Response><WorkflowExecution><RunId>i1</RunId><Name>flow</Name><State>Failed</State>\
///     <Tasks><Type>Transcode</Type><State>Failed</State><Code>DecodeError</Code>\
///     <Message>bad stream</Message><JobId>j1</JobId></Tasks></WorkflowExecution></Response>";
/// let run = DescribeWorkflowExecution::new("i1")?.parse(&HttpResponse::new(200, body))?.execution;
/// assert_eq!(run.workflow_name.as_deref(), Some("flow"));
/// let failed = run.first_failed_task().unwrap();
/// assert_eq!((failed.code.as_deref(), failed.job_id.as_deref()), (Some("DecodeError"), Some("j1")));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkflowExecution {
    /// `RunId`.
    pub run_id: String,
    /// `WorkflowId`.
    pub workflow_id: Option<String>,
    /// `WorkflowName`, or `Name` as the samples write it.
    pub workflow_name: Option<String>,
    /// `State`.
    pub state: JobState,
    /// `CreateTime`.
    pub create_time: Option<ServiceTime>,
    /// `Object`: the object processed.
    pub object: Option<String>,
    /// `Topology`: the workflow's nodes, named after themselves, as a generic tree.
    pub topology: Option<Element>,
    /// `Tasks`: one per node that ran.
    pub tasks: Vec<WorkflowTask>,
    /// Elements the model does not name, kept as sent.
    pub extra: Vec<Element>,
}

impl WorkflowExecution {
    /// The first task that did not succeed, for the run's failure code and message.
    pub fn first_failed_task(&self) -> Option<&WorkflowTask> {
        self.tasks
            .iter()
            .find(|t| t.state == Some(JobState::Failed))
            .or_else(|| {
                self.tasks
                    .iter()
                    .find(|t| t.code.as_deref().is_some_and(|c| c != "Success"))
            })
    }

    pub(crate) fn read(node: &Node<'_, '_>) -> Result<Self, ResponseError> {
        let raw = RawWorkflowExecution::read_field(node);
        let mut extra = raw.extra;
        // `WorkflowName` is preferred; a `Name` beside it is kept as sent.
        let workflow_name = match (raw.workflow_name, raw.name) {
            (Some(workflow_name), Some(name)) => {
                extra.push(Element::text("Name", name));
                Some(workflow_name)
            }
            (workflow_name, name) => workflow_name.or(name),
        };
        Ok(WorkflowExecution {
            run_id: required_id(raw.run_id, "RunId")?,
            workflow_id: raw.workflow_id,
            workflow_name,
            state: raw.state.unwrap_or(JobState::Unknown(String::new())),
            create_time: raw.create_time,
            object: raw.object,
            topology: raw.topology,
            tasks: raw.tasks,
            extra,
        })
    }
}

container! {
    readable
    /// A `WorkflowExecution` as read, before its id is checked.
    pub struct RawWorkflowExecution {
        one run_id: String = "RunId",
        one workflow_id: String = "WorkflowId",
        one workflow_name: String = "WorkflowName",
        one name: String = "Name",
        one state: JobState = "State",
        one create_time: ServiceTime = "CreateTime",
        one object: String = "Object",
        one topology: Element = "Topology",
        many tasks: WorkflowTask = "Tasks",
    }
}

container! {
    readable
    /// One `Tasks` entry of a workflow run: what one node did.
    ///
    /// ```
    /// let task = cos_ci_batch::model::WorkflowTask::default();
    /// assert!(task.job_id.is_none());
    /// ```
    pub struct WorkflowTask {
        one kind: String = "Type",
        one state: JobState = "State",
        one job_id: String = "JobId",
        one name: String = "Name",
        one code: String = "Code",
        one message: String = "Message",
        one create_time: ServiceTime = "CreateTime",
        one start_time: ServiceTime = "StartTime",
        one end_time: ServiceTime = "EndTime",
        one result_info: Element = "ResultInfo",
    }
}
