//! What the service says about a job: `JobsDetail`, read leniently. One value this crate
//! cannot type never fails an answer: it is kept as text where the caller can see it, and
//! every element the model does not name is kept in `extra`, at every level.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use super::element::Element;
use super::time::ServiceTime;
use super::wire::{ReadField, WriteField, container, open_wire_enum, required_id};
use super::{CallbackFormat, CallbackType, JobLevel, MqMode, QueueType, Tag};
use crate::error::ResponseError;
use crate::xml::Node;

/// A value of a fixed set as the service wrote it: the text, kept whatever it holds, and the
/// typed value when the text is one of the set.
///
/// ```
/// use cos_ci_batch::model::{JobLevel, Reported};
///
/// let odd: Reported<JobLevel> = Reported::new("3x");
/// assert_eq!((odd.text(), odd.value()), ("3x", None));
/// assert_eq!(Reported::<JobLevel>::new(" 2 ").value(), Some(JobLevel::Level2));
/// ```
pub struct Reported<T> {
    text: String,
    of: PhantomData<fn() -> T>,
}

impl<T: FromStr> Reported<T> {
    /// The value `text` reports.
    pub fn new(text: impl Into<String>) -> Self {
        Reported {
            text: text.into(),
            of: PhantomData,
        }
    }

    /// The text as sent.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The typed value, when the text (trimmed) is one.
    pub fn value(&self) -> Option<T> {
        self.text.trim().parse().ok()
    }
}

impl<T> Clone for Reported<T> {
    fn clone(&self) -> Self {
        Reported {
            text: self.text.clone(),
            of: PhantomData,
        }
    }
}

impl<T> PartialEq for Reported<T> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<T> Eq for Reported<T> {}

impl<T> fmt::Debug for Reported<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Reported").field(&self.text).finish()
    }
}

impl<T: FromStr> ReadField for Reported<T> {
    fn read_field(node: &Node<'_, '_>) -> Self {
        Reported::new(node.text())
    }
}

impl<T> WriteField for Reported<T> {
    fn write_field(
        &self,
        w: &mut crate::xml::Writer,
        name: &str,
    ) -> Result<(), crate::error::InvalidInput> {
        w.text(name, &self.text)
    }
}

open_wire_enum! {
    /// The kind of batch job (`Type`). Unknown values are kept.
    ///
    /// ```
    /// use cos_ci_batch::model::JobType;
    ///
    /// assert_eq!("Workflow".parse::<JobType>(), Ok(JobType::Workflow));
    /// assert_eq!(JobType::Job.to_string(), "Job");
    /// ```
    pub enum JobType {
        /// Triggers a workflow on each object.
        Workflow = "Workflow",
        /// Runs one media job (transcode, snapshot, ...) on each object.
        Job = "Job",
    }
    else
    /// A type this crate does not know, as the service wrote it.
    Unknown(String)
}

open_wire_enum! {
    /// The state of a batch job, a media job or a workflow run. Unknown states are kept, not
    /// refused, so a new state on the service side breaks nothing.
    ///
    /// ```
    /// use cos_ci_batch::model::JobState;
    ///
    /// assert!("Failed".parse::<JobState>().unwrap().is_final());
    /// assert!(!JobState::Pause.is_final());
    /// assert_eq!("Hibernating".parse::<JobState>(), Ok(JobState::Unknown("Hibernating".into())));
    /// ```
    pub enum JobState {
        /// Accepted, not started.
        Submitted = "Submitted",
        /// Selecting objects and starting their media jobs.
        Running = "Running",
        /// Finished.
        Success = "Success",
        /// Finished with an error; see [`JobDetail::code`] and [`JobDetail::message`].
        Failed = "Failed",
        /// Held because its queue is paused. Not final.
        Pause = "Pause",
        /// Cancelled.
        Cancel = "Cancel",
    }
    else
    /// A state this crate does not know, as the service wrote it. Not final.
    Unknown(String)
}

impl JobState {
    /// Whether the job can change no more: `Success`, `Failed` or `Cancel`.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            JobState::Success | JobState::Failed | JobState::Cancel
        )
    }
}

/// One `JobsDetail`: a batch job as the service reports it. Only `JobId` is required; every
/// other element may be missing, and none is refused for its content.
///
/// ```
/// use cos_ci_batch::model::JobState;
/// use cos_ci_batch::ops::{Action, DescribeJob, HttpResponse};
///
/// let body = b"<Response><JobsDetail><JobId>b1</JobId><State>Failed</State>\
///              <Code>WorkflowNotExist</Code><CreationTime>2022-06-27T15:23:10+0800</CreationTime>\
///              <StartTime>-</StartTime><Progress>10%</Progress></JobsDetail></Response>";
/// let job = DescribeJob::new("b1")?.parse(&HttpResponse::new(200, body.to_vec()))?.job;
/// assert_eq!(job.state, JobState::Failed);
/// assert_eq!(job.code.as_deref(), Some("WorkflowNotExist"));
/// assert_eq!(job.creation_time.unwrap().text(), "2022-06-27T15:23:10+0800");
/// assert_eq!(job.start_time, None);
/// assert_eq!(job.extra[0].name, "Progress");
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobDetail {
    /// `JobId`, such as `b3deffea2f84911ec9cb15254008618d9`.
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
    pub creation_time: Option<ServiceTime>,
    /// `StartTime`; `None` while the service writes `-`.
    pub start_time: Option<ServiceTime>,
    /// `EndTime`; `None` while the service writes `-`.
    pub end_time: Option<ServiceTime>,
    /// `Input`, as the service echoes it.
    pub input: Option<ReportedInput>,
    /// `Operation`, as the service echoes it.
    pub operation: Option<ReportedOperation>,
    /// Elements the model does not name (`Progress`, `Tag`, ...), and second copies of
    /// those it does, kept as sent.
    pub extra: Vec<Element>,
}

container! {
    readable
    /// A `JobsDetail` as read, before the required parts are checked.
    pub struct RawJobDetail {
        one job_id: String = "JobId",
        one name: String = "Name",
        one job_type: JobType = "Type",
        one state: JobState = "State",
        one code: String = "Code",
        one message: String = "Message",
        one creation_time: ServiceTime = "CreationTime",
        one start_time: ServiceTime = "StartTime",
        one end_time: ServiceTime = "EndTime",
        one input: ReportedInput = "Input",
        one operation: ReportedOperation = "Operation",
    }
}

impl JobDetail {
    /// Reads a `JobsDetail`; only a missing or blank `JobId` makes it unusable.
    pub(crate) fn read(node: &Node<'_, '_>) -> Result<Self, ResponseError> {
        let raw = RawJobDetail::read_field(node);
        Ok(JobDetail {
            job_id: required_id(raw.job_id, "JobId")?,
            name: raw.name,
            job_type: raw.job_type,
            state: raw.state.unwrap_or(JobState::Unknown(String::new())),
            code: raw.code,
            message: raw.message,
            creation_time: raw.creation_time,
            start_time: raw.start_time,
            end_time: raw.end_time,
            input: raw.input,
            operation: raw.operation,
            extra: raw.extra,
        })
    }
}

container! {
    readable
    /// `Input` as the service echoes it: every selector it sent, as text.
    ///
    /// ```
    /// use cos_ci_batch::ops::{Action, DescribeJob, HttpResponse};
    ///
    /// let body = b"<Response><JobsDetail><JobId>b1</JobId><Input><Prefix>v/</Prefix></Input></JobsDetail></Response>";
    /// let job = DescribeJob::new("b1")?.parse(&HttpResponse::new(200, body.to_vec()))?.job;
    /// assert_eq!(job.input.unwrap().prefix.as_deref(), Some("v/"));
    /// # Ok::<(), cos_ci_batch::Error>(())
    /// ```
    pub struct ReportedInput {
        one prefix: String = "Prefix",
        one object: String = "Object",
        one manifest: String = "Manifest",
        one url_file: String = "UrlFile",
    }
}

container! {
    readable
    /// `Operation.TimeInterval` as the service echoes it.
    ///
    /// ```
    /// let open = cos_ci_batch::model::ReportedTimeInterval::default();
    /// assert!(open.start.is_none());
    /// ```
    pub struct ReportedTimeInterval {
        one start: ServiceTime = "Start",
        one end: ServiceTime = "End",
    }
}

container! {
    readable
    /// `CallBackMqConfig` as the service echoes it.
    ///
    /// ```
    /// let none = cos_ci_batch::model::ReportedMqConfig::default();
    /// assert!(none.mq_name.is_none());
    /// ```
    pub struct ReportedMqConfig {
        one mq_region: String = "MqRegion",
        one mq_mode: Reported<MqMode> = "MqMode",
        one mq_name: String = "MqName",
    }
}

container! {
    readable
    /// `Operation` as the service echoes it. Values of the fixed sets are [`Reported`]: the
    /// text as sent, and the typed value when it is one (a `JobLevel` of `3x` is kept, and has
    /// no value). `JobParam` and `Output` are kept as generic trees.
    ///
    /// ```
    /// use cos_ci_batch::model::{JobLevel, Tag};
    /// use cos_ci_batch::ops::{Action, DescribeJob, HttpResponse};
    ///
    /// let body = b"<Response><JobsDetail><JobId>b1</JobId><Operation><Tag>Transcode</Tag>\
    ///              <JobLevel>3x</JobLevel></Operation></JobsDetail></Response>";
    /// let op = DescribeJob::new("b1")?.parse(&HttpResponse::new(200, body))?.job.operation.unwrap();
    /// let level = op.job_level.unwrap();
    /// assert_eq!((level.text(), level.value()), ("3x", None));
    /// assert_eq!(op.tag.unwrap().value(), Some(Tag::Transcode));
    /// # Ok::<(), cos_ci_batch::Error>(())
    /// ```
    pub struct ReportedOperation {
        one time_interval: ReportedTimeInterval = "TimeInterval",
        one workflow_ids: String = "WorkflowIds",
        one queue_id: String = "QueueId",
        one queue_type: Reported<QueueType> = "QueueType",
        one user_data: String = "UserData",
        one job_level: Reported<JobLevel> = "JobLevel",
        one callback_format: Reported<CallbackFormat> = "CallBackFormat",
        one callback_type: Reported<CallbackType> = "CallBackType",
        one callback: String = "CallBack",
        one callback_mq_config: ReportedMqConfig = "CallBackMqConfig",
        one tag: Reported<Tag> = "Tag",
        one job_param: Element = "JobParam",
        one output: Element = "Output",
    }
}
