//! The create request: `<Request>` with Name, Type, Input and Operation.

use time::OffsetDateTime;

use super::element::Element;
use super::media::MediaJob;
use super::time::format_time;
use super::wire::WriteField;
use crate::error::InvalidInput;
use crate::xml::Writer;

/// A batch job to create: its name, which objects (`input`) and what to run on each of them
/// (`kind`).
///
/// What the types cannot say is checked once, when the request body is written
/// ([`BatchJob::to_xml`], which [`crate::ops::CreateJob::new`] and [`crate::Client::create`]
/// call): the name has 1 to 128 characters, each a letter of any script, a digit, `-` or
/// `_`; neither the input selector, the `WorkflowIds` nor the `Tag` is empty; and no text
/// holds a character XML 1.0 cannot carry.
///
/// ```
/// use cos_ci_batch::model::{BatchJob, Input};
///
/// let job = BatchJob::workflow("nightly", "w7476ff3564ee45b7b490d64bccaba6cc", Input::prefix("input/"));
/// assert_eq!(
///     job.to_xml()?,
///     "<Request><Name>nightly</Name><Type>Workflow</Type><Input><Prefix>input/</Prefix></Input>\
///      <Operation><WorkflowIds>w7476ff3564ee45b7b490d64bccaba6cc</WorkflowIds></Operation></Request>"
/// );
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchJob {
    /// `Name`.
    pub name: String,
    /// `Input`: which objects.
    pub input: Input,
    /// `Type` and `Operation`: what to do with each object.
    pub kind: JobKind,
}

/// What a batch job runs on each object: a workflow (`Type=Workflow`) or one media job
/// (`Type=Job`).
///
/// ```
/// use cos_ci_batch::model::{JobKind, JobType, MediaJob, Tag, Workflow};
///
/// let kinds = [JobKind::Workflow(Workflow::new("w1")), JobKind::Job(Box::new(MediaJob::new(Tag::Snapshot)))];
/// assert_eq!(kinds.map(|k| k.job_type()), [JobType::Workflow, JobType::Job]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobKind {
    /// `Type=Workflow`: trigger a workflow on each object.
    Workflow(Workflow),
    /// `Type=Job`: run one media job (transcode, snapshot, ...) on each object.
    Job(Box<MediaJob>),
}

impl JobKind {
    /// The `Type` this kind is sent as.
    pub fn job_type(&self) -> super::JobType {
        match self {
            JobKind::Workflow(_) => super::JobType::Workflow,
            JobKind::Job(_) => super::JobType::Job,
        }
    }
}

/// The Operation of a `Type=Workflow` batch job.
///
/// ```
/// use cos_ci_batch::model::Workflow;
///
/// let workflow = Workflow::new("w7476ff3564ee45b7b490d64bccaba6cc");
/// assert_eq!(workflow.workflow_ids, "w7476ff3564ee45b7b490d64bccaba6cc");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Workflow {
    /// `WorkflowIds`: the workflow to trigger.
    pub workflow_ids: String,
    /// Operation elements this crate does not name, written last.
    pub extra: Vec<Element>,
}

impl Workflow {
    /// Triggers workflow `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Workflow {
            workflow_ids: id.into(),
            extra: Vec::new(),
        }
    }

    /// Appends an Operation element this crate does not name.
    pub fn with_extra(mut self, element: Element) -> Self {
        self.extra.push(element);
        self
    }
}

impl BatchJob {
    /// A batch job of any kind.
    pub fn new(name: impl Into<String>, input: Input, kind: JobKind) -> Self {
        BatchJob {
            name: name.into(),
            input,
            kind,
        }
    }

    /// A `Type=Workflow` job that triggers `workflow_id` on every selected object.
    pub fn workflow(name: impl Into<String>, workflow_id: impl Into<String>, input: Input) -> Self {
        BatchJob::new(name, input, JobKind::Workflow(Workflow::new(workflow_id)))
    }

    /// A `Type=Job` job that runs `job` on every selected object.
    ///
    /// ```
    /// use cos_ci_batch::model::{BatchJob, Input, MediaJob, Output, Tag};
    ///
    /// let job = BatchJob::media(
    ///     "transcode-all",
    ///     MediaJob::new(Tag::Transcode)
    ///         .template_id("t0123")
    ///         .output(Output::new("ap-guangzhou", "out-1250000000").object("hd/${InputName}.mp4")),
    ///     Input::manifest("inventory/manifest.json"),
    /// );
    /// assert!(job.to_xml()?.contains("<Tag>Transcode</Tag><JobParam><TemplateId>t0123</TemplateId></JobParam>"));
    /// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
    /// ```
    pub fn media(name: impl Into<String>, job: MediaJob, input: Input) -> Self {
        BatchJob::new(name, input, JobKind::Job(Box::new(job)))
    }

    /// The `Type` this job is sent as.
    pub fn job_type(&self) -> super::JobType {
        self.kind.job_type()
    }

    /// The compact `<Request>` body, after the checks listed on [`BatchJob`].
    pub fn to_xml(&self) -> Result<String, InvalidInput> {
        check_name(&self.name)?;
        let mut w = Writer::new();
        w.open("Request");
        w.text("Name", &self.name)?;
        w.text("Type", self.job_type().as_str())?;
        self.input.write(&mut w)?;
        self.write_operation(&mut w)?;
        w.close("Request");
        Ok(w.finish())
    }

    fn write_operation(&self, w: &mut Writer) -> Result<(), InvalidInput> {
        w.open("Operation");
        if let Some(interval) = self.input.uploaded() {
            interval.write_field(w, "TimeInterval")?;
        }
        match &self.kind {
            JobKind::Workflow(workflow) => {
                if workflow.workflow_ids.is_empty() {
                    return Err(InvalidInput::Empty("WorkflowIds"));
                }
                w.text("WorkflowIds", &workflow.workflow_ids)?;
                for element in &workflow.extra {
                    w.element(element)?;
                }
            }
            JobKind::Job(job) => job.write_operation_fields(w)?,
        }
        w.close("Operation");
        Ok(())
    }
}

/// Checks a batch job name: 1 to 128 letters (any script), digits, `-` and `_`.
fn check_name(name: &str) -> Result<(), InvalidInput> {
    if name.is_empty() {
        return Err(InvalidInput::Empty("Name"));
    }
    if let Some(c) = name
        .chars()
        .find(|&c| !(c.is_alphabetic() || c.is_ascii_digit() || c == '-' || c == '_'))
    {
        return Err(InvalidInput::NameCharacter(c));
    }
    let chars = name.chars().count();
    if chars > 128 {
        return Err(InvalidInput::NameTooLong { chars });
    }
    Ok(())
}

/// `Input`: which objects a batch job covers, exactly one selector.
///
/// ```
/// use cos_ci_batch::model::{Input, TimeInterval, parse_time};
///
/// let recent = TimeInterval::since(parse_time("2024-01-01T00:00:00+0800").unwrap())?;
/// let by_prefix = Input::prefix_uploaded("videos/", recent);
/// let one = Input::object("videos/a.mp4");
/// let listed = Input::manifest("inventory/manifest.json");
/// let by_url = Input::url_file("lists/urls.txt");
/// assert_eq!(by_prefix.uploaded(), Some(&recent));
/// # let _ = (one, listed, by_url);
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input {
    /// `Prefix`: every object whose key starts with `prefix`, optionally only those uploaded
    /// within `uploaded` (sent as `Operation.TimeInterval`, which only a prefix input obeys).
    Prefix {
        /// The key prefix.
        prefix: String,
        /// The upload-time filter.
        uploaded: Option<TimeInterval>,
    },
    /// `Object`: one object key.
    Object(String),
    /// `Manifest`: the objects a COS inventory `manifest.json` lists.
    Manifest(String),
    /// `UrlFile`: the objects a text file lists, one URL per line.
    UrlFile(String),
}

impl Input {
    /// Objects whose key starts with `prefix`.
    pub fn prefix(prefix: impl Into<String>) -> Self {
        Input::Prefix {
            prefix: prefix.into(),
            uploaded: None,
        }
    }

    /// Objects whose key starts with `prefix` and that were uploaded within `uploaded`.
    pub fn prefix_uploaded(prefix: impl Into<String>, uploaded: TimeInterval) -> Self {
        Input::Prefix {
            prefix: prefix.into(),
            uploaded: Some(uploaded),
        }
    }

    /// One object.
    pub fn object(key: impl Into<String>) -> Self {
        Input::Object(key.into())
    }

    /// The objects listed by a COS inventory manifest.
    pub fn manifest(manifest: impl Into<String>) -> Self {
        Input::Manifest(manifest.into())
    }

    /// The objects listed, one URL per line, in a text file.
    pub fn url_file(url_file: impl Into<String>) -> Self {
        Input::UrlFile(url_file.into())
    }

    /// The upload-time filter, for a prefix input that has one.
    pub fn uploaded(&self) -> Option<&TimeInterval> {
        match self {
            Input::Prefix { uploaded, .. } => uploaded.as_ref(),
            _ => None,
        }
    }

    /// The element name and value of the selector.
    pub fn selector(&self) -> (&'static str, &str) {
        match self {
            Input::Prefix { prefix, .. } => ("Prefix", prefix),
            Input::Object(key) => ("Object", key),
            Input::Manifest(manifest) => ("Manifest", manifest),
            Input::UrlFile(url_file) => ("UrlFile", url_file),
        }
    }

    fn write(&self, w: &mut Writer) -> Result<(), InvalidInput> {
        let (name, value) = self.selector();
        if value.is_empty() {
            return Err(InvalidInput::Empty(name));
        }
        w.open("Input");
        w.text(name, value)?;
        w.close("Input");
        Ok(())
    }
}

/// An upload-time filter: objects uploaded from `start` to `end`, both included. Either may
/// be left open (the service then starts at the epoch or ends now).
///
/// Built only in order, and only from times the service's format can carry (a year in
/// `0..=9999`, an offset in whole minutes); see [`super::format_time`].
///
/// ```
/// use cos_ci_batch::error::InvalidInput;
/// use cos_ci_batch::model::{TimeInterval, parse_time};
///
/// let (a, b) = (parse_time("2024-01-01T00:00:00+0800").unwrap(), parse_time("2024-07-01T00:00:00+0800").unwrap());
/// assert!(TimeInterval::between(a, b).is_ok());
/// assert_eq!(TimeInterval::between(b, a), Err(InvalidInput::TimeIntervalReversed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeInterval {
    start: Option<OffsetDateTime>,
    end: Option<OffsetDateTime>,
}

impl TimeInterval {
    /// From `start` to `end`, both included.
    pub fn between(start: OffsetDateTime, end: OffsetDateTime) -> Result<Self, InvalidInput> {
        if start > end {
            return Err(InvalidInput::TimeIntervalReversed);
        }
        TimeInterval::checked(Some(start), Some(end))
    }

    /// From `start` on.
    pub fn since(start: OffsetDateTime) -> Result<Self, InvalidInput> {
        TimeInterval::checked(Some(start), None)
    }

    /// Up to `end`, included.
    pub fn until(end: OffsetDateTime) -> Result<Self, InvalidInput> {
        TimeInterval::checked(None, Some(end))
    }

    fn checked(
        start: Option<OffsetDateTime>,
        end: Option<OffsetDateTime>,
    ) -> Result<Self, InvalidInput> {
        for time in start.into_iter().chain(end) {
            format_time(time)?;
        }
        Ok(TimeInterval { start, end })
    }

    /// `Start`, if set.
    pub fn start(&self) -> Option<OffsetDateTime> {
        self.start
    }

    /// `End`, if set.
    pub fn end(&self) -> Option<OffsetDateTime> {
        self.end
    }
}

impl WriteField for TimeInterval {
    fn write_field(&self, w: &mut Writer, name: &str) -> Result<(), InvalidInput> {
        w.open(name);
        for (element, time) in [("Start", self.start), ("End", self.end)] {
            if let Some(time) = time {
                w.text(element, &format_time(time)?)?;
            }
        }
        w.close(name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_by_character_and_length() {
        assert_eq!(check_name("夜间-转码_2"), Ok(()));
        assert_eq!(check_name(""), Err(InvalidInput::Empty("Name")));
        assert_eq!(check_name("a b"), Err(InvalidInput::NameCharacter(' ')));
        assert_eq!(check_name("a.b"), Err(InvalidInput::NameCharacter('.')));
        assert_eq!(check_name(&"名".repeat(128)), Ok(()));
        assert_eq!(
            check_name(&"名".repeat(129)),
            Err(InvalidInput::NameTooLong { chars: 129 })
        );
    }

    #[test]
    fn an_empty_selector_is_refused() {
        for input in [
            Input::prefix(""),
            Input::object(""),
            Input::manifest(""),
            Input::url_file(""),
        ] {
            let (name, _) = input.selector();
            let job = BatchJob::workflow("n", "w1", input);
            assert_eq!(job.to_xml(), Err(InvalidInput::Empty(name)));
        }
    }

    #[test]
    fn the_upload_filter_is_written_in_the_operation() {
        let t = |s| crate::model::parse_time(s).unwrap();
        let interval =
            TimeInterval::between(t("2022-02-01T12:00:00+0800"), t("2022-05-01T12:00:00+0800"))
                .unwrap();
        let job = BatchJob::workflow("demo", "w1", Input::prefix_uploaded("input", interval));
        assert_eq!(
            job.to_xml().unwrap(),
            "<Request><Name>demo</Name><Type>Workflow</Type><Input><Prefix>input</Prefix></Input>\
             <Operation><TimeInterval><Start>2022-02-01T12:00:00+0800</Start><End>2022-05-01T12:00:00+0800</End></TimeInterval>\
             <WorkflowIds>w1</WorkflowIds></Operation></Request>"
        );
        let open_ended = TimeInterval::until(t("2022-05-01T12:00:00+0800")).unwrap();
        let job = BatchJob::workflow("demo", "w1", Input::prefix_uploaded("input", open_ended));
        assert!(
            job.to_xml()
                .unwrap()
                .contains("<TimeInterval><End>2022-05-01T12:00:00+0800</End></TimeInterval>")
        );
    }
}
