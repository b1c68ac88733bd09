//! What the service says about a job: `JobsDetail`.

use std::fmt;

use time::OffsetDateTime;

use super::element::Element;
use super::job::{Input, Operation};
use super::time::parse_time;
use crate::error::ResponseError;
use crate::xml::Node;

/// The kind of batch job (`Type`).
///
/// ```
/// use cos_ci_batch::model::JobType;
///
/// assert_eq!(JobType::Workflow.as_str(), "Workflow");
/// assert_eq!(JobType::Job.to_string(), "Job");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum JobType {
    /// Triggers a workflow on each object.
    Workflow,
    /// Runs one media job (transcode, snapshot, ...) on each object.
    Job,
    /// A type this crate does not know, kept as the service sent it (never sent by it).
    Unknown(String),
}

impl JobType {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            JobType::Workflow => "Workflow",
            JobType::Job => "Job",
            JobType::Unknown(other) => other,
        }
    }

    pub(crate) fn from_text(text: &str) -> Self {
        match text {
            "Workflow" => JobType::Workflow,
            "Job" => JobType::Job,
            other => JobType::Unknown(other.to_owned()),
        }
    }
}

impl fmt::Display for JobType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of a batch job. Unknown states are kept, not refused, so a new state on the
/// service side breaks nothing.
///
/// ```
/// use cos_ci_batch::model::JobState;
///
/// assert!(JobState::from_text("Failed").is_final());
/// assert!(!JobState::from_text("Pause").is_final());
/// assert_eq!(JobState::from_text("Hibernating"), JobState::Unknown("Hibernating".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Accepted, not started.
    Submitted,
    /// Selecting objects and starting their media jobs.
    Running,
    /// Finished.
    Success,
    /// Finished with an error; see [`JobDetail::code`] and [`JobDetail::message`].
    Failed,
    /// Held because its queue is paused. Not final.
    Pause,
    /// Cancelled.
    Cancel,
    /// A state this crate does not know, as the service wrote it. Not final.
    Unknown(String),
}

impl JobState {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            JobState::Submitted => "Submitted",
            JobState::Running => "Running",
            JobState::Success => "Success",
            JobState::Failed => "Failed",
            JobState::Pause => "Pause",
            JobState::Cancel => "Cancel",
            JobState::Unknown(other) => other,
        }
    }

    /// Reads a wire name; any other text becomes [`JobState::Unknown`].
    pub fn from_text(text: &str) -> Self {
        match text {
            "Submitted" => JobState::Submitted,
            "Running" => JobState::Running,
            "Success" => JobState::Success,
            "Failed" => JobState::Failed,
            "Pause" => JobState::Pause,
            "Cancel" => JobState::Cancel,
            other => JobState::Unknown(other.to_owned()),
        }
    }

    /// Whether the job can change no more: `Success`, `Failed` or `Cancel`.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            JobState::Success | JobState::Failed | JobState::Cancel
        )
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `JobsDetail`: a batch job as the service reports it.
///
/// ```
/// use cos_ci_batch::model::{JobState, parse_time};
/// use cos_ci_batch::ops::{DescribeJob, Operation};
///
/// let body = b"<Response><JobsDetail><JobId>b1</JobId><State>Failed</State>\
///              <Code>WorkflowNotExist</Code><CreationTime>2022-06-27T15:23:10+0800</CreationTime>\
///              <StartTime>-</StartTime><Progress>10%</Progress></JobsDetail></Response>";
/// let job = DescribeJob::new("b1")?.parse(200, &[], body)?.job.unwrap();
/// assert_eq!(job.state, JobState::Failed);
/// assert_eq!(job.code.as_deref(), Some("WorkflowNotExist"));
/// assert_eq!(job.creation_time, parse_time("2022-06-27T15:23:10+0800"));
/// assert_eq!(job.start_time, None);
/// assert_eq!(job.extra[0].name, "Progress");
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobDetail {
    /// `JobId`, such as `b3deffea2f84911ec9cb15254008618d9`. Always present: a detail without
    /// one is refused as unreadable.
    pub job_id: String,
    /// `Name`.
    pub name: Option<String>,
    /// `Type`.
    pub job_type: Option<JobType>,
    /// `State`; `Unknown("")` when the service sent none.
    pub state: JobState,
    /// `Code`: meaningful when the state is `Failed` (otherwise usually `Success`).
    pub code: Option<String>,
    /// `Message`: meaningful when the state is `Failed`.
    pub message: Option<String>,
    /// `CreationTime`.
    pub creation_time: Option<OffsetDateTime>,
    /// `StartTime`; `None` while the service writes `-`.
    pub start_time: Option<OffsetDateTime>,
    /// `EndTime`; `None` while the service writes `-`.
    pub end_time: Option<OffsetDateTime>,
    /// `Input`, as submitted.
    pub input: Option<Input>,
    /// `Operation`, as submitted.
    pub operation: Option<Operation>,
    /// Elements the model does not name (`Progress`, `Tag`, ...), kept as sent.
    pub extra: Vec<Element>,
}

impl JobDetail {
    pub(crate) fn read(node: &Node<'_, '_>) -> Result<Self, ResponseError> {
        let mut job_id = None;
        let mut detail = JobDetail {
            job_id: String::new(),
            name: None,
            job_type: None,
            state: JobState::Unknown(String::new()),
            code: None,
            message: None,
            creation_time: None,
            start_time: None,
            end_time: None,
            input: None,
            operation: None,
            extra: Vec::new(),
        };
        for child in node.children() {
            match child.name() {
                "JobId" => job_id = Some(child.text()),
                "Name" => detail.name = Some(child.text()),
                "Type" => detail.job_type = Some(JobType::from_text(child.text().trim())),
                "State" => detail.state = JobState::from_text(child.text().trim()),
                "Code" => detail.code = Some(child.text()),
                "Message" => detail.message = Some(child.text()),
                "CreationTime" => detail.creation_time = read_time(&child, "CreationTime")?,
                "StartTime" => detail.start_time = read_time(&child, "StartTime")?,
                "EndTime" => detail.end_time = read_time(&child, "EndTime")?,
                "Input" => detail.input = Some(Input::read(&child)),
                "Operation" => detail.operation = Some(Operation::read(&child)?),
                _ => detail.extra.push(child.to_element()),
            }
        }
        detail.job_id = job_id
            .filter(|id| !id.trim().is_empty())
            .ok_or(ResponseError::MissingElement("JobId"))?;
        Ok(detail)
    }
}

fn read_time(
    node: &Node<'_, '_>,
    element: &'static str,
) -> Result<Option<OffsetDateTime>, ResponseError> {
    let text = node.text();
    match text.trim() {
        "" | "-" => Ok(None),
        t => parse_time(t).map(Some).ok_or(ResponseError::BadValue {
            element,
            value: text,
        }),
    }
}
