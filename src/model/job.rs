//! The create request: `<Request>` with Name, Type, Input and Operation.

use time::OffsetDateTime;

use super::detail::JobType;
use super::element::Element;
use super::time::{format_time, parse_time};
use crate::error::{InvalidInput, ResponseError};
use crate::xml::{Node, Writer};

/// A batch job to create: which objects (`input`) and what to run on them (`operation`).
///
/// ```
/// use cos_ci_batch::model::{BatchJob, Input};
///
/// let job = BatchJob::workflow("nightly", "w7476ff3564ee45b7b490d64bccaba6cc", Input::prefix("input/"));
/// assert_eq!(
///     job.to_xml().unwrap(),
///     "<Request><Name>nightly</Name><Type>Workflow</Type><Input><Prefix>input/</Prefix></Input>\
///      <Operation><WorkflowIds>w7476ff3564ee45b7b490d64bccaba6cc</WorkflowIds></Operation></Request>"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchJob {
    /// `Name`: 1 to 128 letters (Chinese included), digits, `-` and `_`.
    pub name: String,
    /// `Type`: `Workflow` runs a workflow, `Job` runs one media job per object.
    pub job_type: JobType,
    /// `Input`: which objects.
    pub input: Input,
    /// `Operation`: what to do with them.
    pub operation: Operation,
}

impl BatchJob {
    /// A `Type=Workflow` job that triggers `workflow_id` on every selected object.
    pub fn workflow(name: impl Into<String>, workflow_id: impl Into<String>, input: Input) -> Self {
        BatchJob {
            name: name.into(),
            job_type: JobType::Workflow,
            input,
            operation: Operation {
                workflow_ids: Some(workflow_id.into()),
                ..Operation::default()
            },
        }
    }

    /// A `Type=Job` job that runs a media job of kind `tag` (`Transcode`, `Snapshot`, ...) on
    /// every selected object. Set `operation.job_param` and usually `operation.output` next.
    pub fn job(name: impl Into<String>, tag: impl Into<String>, input: Input) -> Self {
        BatchJob {
            name: name.into(),
            job_type: JobType::Job,
            input,
            operation: Operation {
                tag: Some(tag.into()),
                ..Operation::default()
            },
        }
    }

    /// Restricts the job to objects uploaded within `[start, end]` (needs a Prefix input).
    pub fn with_time_interval(mut self, start: OffsetDateTime, end: OffsetDateTime) -> Self {
        self.operation.time_interval = Some(TimeInterval {
            start: Some(start),
            end: Some(end),
        });
        self
    }

    /// Checks everything the service would refuse and that can be known locally.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        validate_name(&self.name)?;
        self.input.validate()?;
        let op = &self.operation;
        if let Some(interval) = &op.time_interval {
            if self.input.prefix.is_none() {
                return Err(InvalidInput::TimeIntervalNeedsPrefix);
            }
            if let (Some(start), Some(end)) = (interval.start, interval.end) {
                if start > end {
                    return Err(InvalidInput::TimeIntervalReversed);
                }
            }
        }
        match &self.job_type {
            JobType::Workflow => {
                if op.workflow_ids.as_deref().is_none_or(str::is_empty) {
                    return Err(InvalidInput::MissingWorkflowIds);
                }
            }
            JobType::Job => {
                if op.tag.as_deref().is_none_or(str::is_empty) {
                    return Err(InvalidInput::MissingTag);
                }
            }
            JobType::Unknown(other) => {
                return Err(InvalidInput::UnsupportedJobType(other.clone()));
            }
        }
        if let Some(level) = op.job_level {
            if level > 2 {
                return Err(InvalidInput::JobLevelOutOfRange(level));
            }
        }
        Ok(())
    }

    /// Validates the job and emits the compact `<Request>` body.
    pub fn to_xml(&self) -> Result<String, InvalidInput> {
        self.validate()?;
        let mut w = Writer::new();
        w.open("Request");
        w.text("Name", &self.name)?;
        w.text("Type", self.job_type.as_str())?;
        self.input.write(&mut w)?;
        self.operation.write(&mut w)?;
        w.close("Request");
        Ok(w.finish())
    }

    /// Reads a `<Request>` body (what the emulator receives).
    pub fn from_xml(body: &[u8]) -> Result<Self, ResponseError> {
        let doc = crate::xml::Document::parse(body, "Request")?;
        let root = doc.expect_root("Request")?;
        let name = root
            .child_text("Name")
            .ok_or(ResponseError::MissingElement("Name"))?;
        // The doc's oldest form had no Type and meant Workflow.
        let job_type = root
            .child_text("Type")
            .map_or(JobType::Workflow, |t| JobType::from_text(&t));
        let input = root
            .child("Input")
            .map(|n| Input::read(&n))
            .ok_or(ResponseError::MissingElement("Input"))?;
        let operation = root
            .child("Operation")
            .map(|n| Operation::read(&n))
            .transpose()?
            .ok_or(ResponseError::MissingElement("Operation"))?;
        Ok(BatchJob {
            name,
            job_type,
            input,
            operation,
        })
    }
}

/// Checks a batch job name: 1 to 128 letters (any script), digits, `-` and `_`.
fn validate_name(name: &str) -> Result<(), InvalidInput> {
    if name.is_empty() {
        return Err(InvalidInput::EmptyName);
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

/// `Input`: exactly one of the four selectors must be set in a request.
///
/// ```
/// use cos_ci_batch::error::InvalidInput;
/// use cos_ci_batch::model::Input;
///
/// assert_eq!(Input::manifest("inventory/manifest.json").validate(), Ok(()));
/// let both = Input { object: Some("a.mp4".into()), ..Input::prefix("v/") };
/// assert_eq!(both.validate(), Err(InvalidInput::SeveralInputs(vec!["Prefix", "Object"])));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Input {
    /// `Prefix`: every object whose key starts with it.
    pub prefix: Option<String>,
    /// `Object`: one object key.
    pub object: Option<String>,
    /// `Manifest`: a COS inventory `manifest.json`.
    pub manifest: Option<String>,
    /// `UrlFile`: a text file with one object URL per line.
    pub url_file: Option<String>,
    /// Elements the model does not name.
    pub extra: Vec<Element>,
}

impl Input {
    /// Objects whose key starts with `prefix`.
    pub fn prefix(prefix: impl Into<String>) -> Self {
        Input {
            prefix: Some(prefix.into()),
            ..Input::default()
        }
    }

    /// One object.
    pub fn object(key: impl Into<String>) -> Self {
        Input {
            object: Some(key.into()),
            ..Input::default()
        }
    }

    /// The objects listed by a COS inventory manifest.
    pub fn manifest(manifest: impl Into<String>) -> Self {
        Input {
            manifest: Some(manifest.into()),
            ..Input::default()
        }
    }

    /// The objects listed, one URL per line, in a text file.
    pub fn url_file(url_file: impl Into<String>) -> Self {
        Input {
            url_file: Some(url_file.into()),
            ..Input::default()
        }
    }

    fn selectors(&self) -> [(&'static str, Option<&str>); 4] {
        [
            ("Prefix", self.prefix.as_deref()),
            ("Object", self.object.as_deref()),
            ("Manifest", self.manifest.as_deref()),
            ("UrlFile", self.url_file.as_deref()),
        ]
    }

    /// Exactly one selector, and not an empty one.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        let set: Vec<(&'static str, &str)> = self
            .selectors()
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| (name, v)))
            .collect();
        match set.as_slice() {
            [] => Err(InvalidInput::NoInput),
            [(name, "")] => Err(InvalidInput::EmptyInput(name)),
            [_] => Ok(()),
            several => Err(InvalidInput::SeveralInputs(
                several.iter().map(|(name, _)| *name).collect(),
            )),
        }
    }

    pub(crate) fn write(&self, w: &mut Writer) -> Result<(), InvalidInput> {
        w.open("Input");
        for (name, value) in self.selectors() {
            w.opt_text(name, value)?;
        }
        write_extra(w, &self.extra)?;
        w.close("Input");
        Ok(())
    }

    pub(crate) fn read(node: &Node<'_, '_>) -> Self {
        let mut input = Input::default();
        for child in node.children() {
            let slot = match child.name() {
                "Prefix" => &mut input.prefix,
                "Object" => &mut input.object,
                "Manifest" => &mut input.manifest,
                "UrlFile" => &mut input.url_file,
                _ => {
                    input.extra.push(child.to_element());
                    continue;
                }
            };
            *slot = Some(child.text());
        }
        input
    }
}

/// `Operation.TimeInterval`: only objects uploaded within `[start, end]`.
///
/// ```
/// use cos_ci_batch::model::{BatchJob, Input, TimeInterval, parse_time};
///
/// let mut job = BatchJob::workflow("recent", "w1", Input::prefix("v/"));
/// job.operation.time_interval = Some(TimeInterval {
///     start: parse_time("2024-01-01T00:00:00+0800"),
///     end: None, // up to now
/// });
/// assert!(job.to_xml()?.contains("<TimeInterval><Start>2024-01-01T00:00:00+0800</Start></TimeInterval>"));
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeInterval {
    /// `Start`; the service defaults it to the epoch.
    pub start: Option<OffsetDateTime>,
    /// `End`; the service defaults it to now.
    pub end: Option<OffsetDateTime>,
}

/// `Operation`: for `Workflow` jobs, WorkflowIds; for `Job` jobs, Tag, JobParam, Output and
/// the queue and callback settings.
///
/// ```
/// use cos_ci_batch::model::{BatchJob, Input, JobParam, Output};
///
/// let mut job = BatchJob::job("transcode-all", "Transcode", Input::prefix("raw/"));
/// let op = &mut job.operation;
/// op.job_param = Some(JobParam { template_id: Some("t0123".into()), ..JobParam::default() });
/// op.output = Some(Output::new("ap-guangzhou", "out-1250000000", "hd/${InputName}.mp4"));
/// op.queue_id = Some("p0123".into());
/// op.job_level = Some(2);
/// op.callback = Some("no".into());
/// assert!(job.to_xml().is_ok());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Operation {
    /// `TimeInterval`: filter objects by upload time (Prefix input only).
    pub time_interval: Option<TimeInterval>,
    /// `WorkflowIds`: the workflow to trigger (Workflow jobs).
    pub workflow_ids: Option<String>,
    /// `QueueId`: the queue to run in.
    pub queue_id: Option<String>,
    /// `QueueType`: `SpeedTranscoding` for speed transcoding.
    pub queue_type: Option<String>,
    /// `UserData`: passed through to callbacks.
    pub user_data: Option<String>,
    /// `JobLevel`: priority, 0 to 2.
    pub job_level: Option<u8>,
    /// `CallBackFormat`: `XML` or `JSON`.
    pub callback_format: Option<String>,
    /// `CallBackType`: `Url` or `TDMQ`.
    pub callback_type: Option<String>,
    /// `CallBack`: the callback URL, or `no`.
    pub callback: Option<String>,
    /// `CallBackMqConfig`: TDMQ callback settings.
    pub callback_mq_config: Option<CallBackMqConfig>,
    /// `Tag`: the media job kind (Job jobs): `Transcode`, `Snapshot`, `Segment`, ...
    pub tag: Option<String>,
    /// `JobParam`: the media job parameters.
    pub job_param: Option<JobParam>,
    /// `Output`: where results go.
    pub output: Option<Output>,
    /// Elements the model does not name (emitted last).
    pub extra: Vec<Element>,
}

impl Operation {
    pub(crate) fn write(&self, w: &mut Writer) -> Result<(), InvalidInput> {
        w.open("Operation");
        if let Some(interval) = &self.time_interval {
            w.open("TimeInterval");
            w.opt_text(
                "Start",
                interval.start.map(format_time).transpose()?.as_deref(),
            )?;
            w.opt_text("End", interval.end.map(format_time).transpose()?.as_deref())?;
            w.close("TimeInterval");
        }
        w.opt_text("WorkflowIds", self.workflow_ids.as_deref())?;
        w.opt_text("QueueId", self.queue_id.as_deref())?;
        w.opt_text("QueueType", self.queue_type.as_deref())?;
        w.opt_text("UserData", self.user_data.as_deref())?;
        w.opt_text("JobLevel", self.job_level.map(|l| l.to_string()).as_deref())?;
        w.opt_text("CallBackFormat", self.callback_format.as_deref())?;
        w.opt_text("CallBackType", self.callback_type.as_deref())?;
        w.opt_text("CallBack", self.callback.as_deref())?;
        if let Some(mq) = &self.callback_mq_config {
            w.open("CallBackMqConfig");
            w.opt_text("MqRegion", mq.mq_region.as_deref())?;
            w.opt_text("MqMode", mq.mq_mode.as_deref())?;
            w.opt_text("MqName", mq.mq_name.as_deref())?;
            w.close("CallBackMqConfig");
        }
        w.opt_text("Tag", self.tag.as_deref())?;
        if let Some(param) = &self.job_param {
            param.write(w)?;
        }
        if let Some(output) = &self.output {
            output.write(w)?;
        }
        write_extra(w, &self.extra)?;
        w.close("Operation");
        Ok(())
    }

    pub(crate) fn read(node: &Node<'_, '_>) -> Result<Self, ResponseError> {
        let mut op = Operation::default();
        for child in node.children() {
            let text_slot = match child.name() {
                "TimeInterval" => {
                    op.time_interval = Some(TimeInterval {
                        start: read_interval_time(&child, "Start")?,
                        end: read_interval_time(&child, "End")?,
                    });
                    continue;
                }
                "JobLevel" => {
                    let text = child.text();
                    let level = text.trim().parse().map_err(|_| ResponseError::BadValue {
                        element: "JobLevel",
                        value: text.clone(),
                    })?;
                    op.job_level = Some(level);
                    continue;
                }
                "CallBackMqConfig" => {
                    op.callback_mq_config = Some(CallBackMqConfig {
                        mq_region: child.child_text("MqRegion"),
                        mq_mode: child.child_text("MqMode"),
                        mq_name: child.child_text("MqName"),
                    });
                    continue;
                }
                "JobParam" => {
                    op.job_param = Some(JobParam::read(&child)?);
                    continue;
                }
                "Output" => {
                    op.output = Some(Output::read(&child));
                    continue;
                }
                "WorkflowIds" => &mut op.workflow_ids,
                "QueueId" => &mut op.queue_id,
                "QueueType" => &mut op.queue_type,
                "UserData" => &mut op.user_data,
                "CallBackFormat" => &mut op.callback_format,
                "CallBackType" => &mut op.callback_type,
                "CallBack" => &mut op.callback,
                "Tag" => &mut op.tag,
                _ => {
                    op.extra.push(child.to_element());
                    continue;
                }
            };
            *text_slot = Some(child.text());
        }
        Ok(op)
    }
}

fn read_interval_time(
    interval: &Node<'_, '_>,
    name: &'static str,
) -> Result<Option<OffsetDateTime>, ResponseError> {
    let Some(text) = interval.child_text(name) else {
        return Ok(None);
    };
    match text.trim() {
        "" | "-" => Ok(None),
        // The documented default of Start.
        "0" => Ok(Some(OffsetDateTime::UNIX_EPOCH)),
        t => parse_time(t).map(Some).ok_or(ResponseError::BadValue {
            element: name,
            value: text,
        }),
    }
}

/// `Operation.CallBackMqConfig`: where TDMQ callbacks go.
///
/// ```
/// use cos_ci_batch::model::CallBackMqConfig;
///
/// let mq = CallBackMqConfig {
///     mq_region: Some("gz".into()),
///     mq_mode: Some("Queue".into()),
///     mq_name: Some("batch-events".into()),
/// };
/// # let _ = mq;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallBackMqConfig {
    /// `MqRegion`: `sh`, `bj`, `gz`, `cd` or `hk`.
    pub mq_region: Option<String>,
    /// `MqMode`: `Queue` or `Topic`.
    pub mq_mode: Option<String>,
    /// `MqName`: the queue or topic name.
    pub mq_name: Option<String>,
}

/// `Operation.JobParam`: template ids and digital watermark as typed fields, every per-Tag
/// container (`Transcode`, `Snapshot`, `Segment`, ...) as a generic [`Element`].
///
/// ```
/// use cos_ci_batch::model::{Element, JobParam};
///
/// let param = JobParam {
///     containers: vec![Element::new("Snapshot")
///         .with_child(Element::text("Mode", "Interval"))
///         .with_child(Element::text("Count", "3"))],
///     ..JobParam::default()
/// };
/// # let _ = param;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobParam {
    /// `TemplateId`: used first when set.
    pub template_id: Option<String>,
    /// `TranscodeTemplateId` (VideoProcess, SuperResolution, SDRtoHDR).
    pub transcode_template_id: Option<String>,
    /// `WatermarkTemplateId`, repeatable.
    pub watermark_template_ids: Vec<String>,
    /// `DigitalWatermark`.
    pub digital_watermark: Option<DigitalWatermark>,
    /// The per-Tag containers and any other element, in order.
    pub containers: Vec<Element>,
}

impl JobParam {
    fn write(&self, w: &mut Writer) -> Result<(), InvalidInput> {
        w.open("JobParam");
        w.opt_text("TemplateId", self.template_id.as_deref())?;
        w.opt_text("TranscodeTemplateId", self.transcode_template_id.as_deref())?;
        for id in &self.watermark_template_ids {
            w.text("WatermarkTemplateId", id)?;
        }
        if let Some(dw) = &self.digital_watermark {
            w.open("DigitalWatermark");
            w.opt_text("Message", dw.message.as_deref())?;
            w.opt_text("Type", dw.kind.as_deref())?;
            w.opt_text("Version", dw.version.as_deref())?;
            w.opt_text(
                "IgnoreError",
                dw.ignore_error.map(|b| if b { "true" } else { "false" }),
            )?;
            write_extra(w, &dw.extra)?;
            w.close("DigitalWatermark");
        }
        write_extra(w, &self.containers)?;
        w.close("JobParam");
        Ok(())
    }

    fn read(node: &Node<'_, '_>) -> Result<Self, ResponseError> {
        let mut param = JobParam::default();
        for child in node.children() {
            match child.name() {
                "TemplateId" => param.template_id = Some(child.text()),
                "TranscodeTemplateId" => param.transcode_template_id = Some(child.text()),
                "WatermarkTemplateId" => param.watermark_template_ids.push(child.text()),
                "DigitalWatermark" => {
                    param.digital_watermark = Some(DigitalWatermark::read(&child)?)
                }
                _ => param.containers.push(child.to_element()),
            }
        }
        Ok(param)
    }
}

/// `JobParam.DigitalWatermark`.
///
/// ```
/// use cos_ci_batch::model::{DigitalWatermark, JobParam};
///
/// let param = JobParam {
///     digital_watermark: Some(DigitalWatermark::text("owner-42")),
///     ..JobParam::default()
/// };
/// assert_eq!(param.digital_watermark.unwrap().version.as_deref(), Some("V1"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DigitalWatermark {
    /// `Message`: up to 64 characters.
    pub message: Option<String>,
    /// `Type`: only `Text`.
    pub kind: Option<String>,
    /// `Version`: only `V1`.
    pub version: Option<String>,
    /// `IgnoreError`: whether a failure to embed is ignored.
    pub ignore_error: Option<bool>,
    /// Elements the model does not name.
    pub extra: Vec<Element>,
}

impl DigitalWatermark {
    /// A text watermark (`Type=Text`, `Version=V1`).
    pub fn text(message: impl Into<String>) -> Self {
        DigitalWatermark {
            message: Some(message.into()),
            kind: Some("Text".into()),
            version: Some("V1".into()),
            ignore_error: None,
            extra: Vec::new(),
        }
    }

    fn read(node: &Node<'_, '_>) -> Result<Self, ResponseError> {
        let mut dw = DigitalWatermark::default();
        for child in node.children() {
            match child.name() {
                "Message" => dw.message = Some(child.text()),
                "Type" => dw.kind = Some(child.text()),
                "Version" => dw.version = Some(child.text()),
                "IgnoreError" => {
                    dw.ignore_error = Some(match child.text().trim() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(ResponseError::BadValue {
                                element: "IgnoreError",
                                value: child.text(),
                            });
                        }
                    })
                }
                _ => dw.extra.push(child.to_element()),
            }
        }
        Ok(dw)
    }
}

/// `Operation.Output`: where a `Job` job writes its results.
///
/// ```
/// use cos_ci_batch::model::{Output, StreamExtract};
///
/// let output = Output {
///     stream_extract: vec![StreamExtract { index: Some("1".into()), object: Some("audio.m4a".into()) }],
///     ..Output::new("ap-guangzhou", "out-1250000000", "video.mp4")
/// };
/// # let _ = output;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// `Region` of the output bucket.
    pub region: Option<String>,
    /// `Bucket`: `name-appid`.
    pub bucket: Option<String>,
    /// `Object`: the output key template (`${InventoryTriggerJobId}`, `${Number}`, ...).
    pub object: Option<String>,
    /// `AuObject`: the vocal track output (VoiceSeparate).
    pub au_object: Option<String>,
    /// `SpriteObject`: the sprite sheet output (Snapshot).
    pub sprite_object: Option<String>,
    /// `StreamExtract`, repeatable (StreamExtract).
    pub stream_extract: Vec<StreamExtract>,
    /// Elements the model does not name.
    pub extra: Vec<Element>,
}

impl Output {
    /// Results go to `object` in `bucket` of `region`.
    pub fn new(
        region: impl Into<String>,
        bucket: impl Into<String>,
        object: impl Into<String>,
    ) -> Self {
        Output {
            region: Some(region.into()),
            bucket: Some(bucket.into()),
            object: Some(object.into()),
            ..Output::default()
        }
    }

    fn write(&self, w: &mut Writer) -> Result<(), InvalidInput> {
        w.open("Output");
        w.opt_text("Region", self.region.as_deref())?;
        w.opt_text("Bucket", self.bucket.as_deref())?;
        w.opt_text("Object", self.object.as_deref())?;
        w.opt_text("AuObject", self.au_object.as_deref())?;
        w.opt_text("SpriteObject", self.sprite_object.as_deref())?;
        for se in &self.stream_extract {
            w.open("StreamExtract");
            w.opt_text("Index", se.index.as_deref())?;
            w.opt_text("Object", se.object.as_deref())?;
            w.close("StreamExtract");
        }
        write_extra(w, &self.extra)?;
        w.close("Output");
        Ok(())
    }

    fn read(node: &Node<'_, '_>) -> Self {
        let mut output = Output::default();
        for child in node.children() {
            let slot = match child.name() {
                "Region" => &mut output.region,
                "Bucket" => &mut output.bucket,
                "Object" => &mut output.object,
                "AuObject" => &mut output.au_object,
                "SpriteObject" => &mut output.sprite_object,
                "StreamExtract" => {
                    output.stream_extract.push(StreamExtract {
                        index: child.child_text("Index"),
                        object: child.child_text("Object"),
                    });
                    continue;
                }
                _ => {
                    output.extra.push(child.to_element());
                    continue;
                }
            };
            *slot = Some(child.text());
        }
        output
    }
}

/// `Output.StreamExtract`: one extracted stream.
///
/// ```
/// use cos_ci_batch::model::StreamExtract;
///
/// let audio = StreamExtract { index: Some("1".into()), object: Some("${InputName}.m4a".into()) };
/// # let _ = audio;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamExtract {
    /// `Index`: the stream index from MediaInfo.
    pub index: Option<String>,
    /// `Object`: where the stream goes.
    pub object: Option<String>,
}

fn write_extra(w: &mut Writer, extra: &[Element]) -> Result<(), InvalidInput> {
    extra.iter().try_for_each(|e| w.element(e))
}
