//! The Operation of a `Type=Job` batch job: the media job to run on each object, where its
//! results go, and its queue and callback settings.

use super::element::Element;
use super::job_param::JobParam;
use super::wire::{WriteField, open_wire_enum, wire_enum};
use crate::error::InvalidInput;
use crate::xml::Writer;

/// The Operation of a `Type=Job` batch job.
///
/// ```
/// use cos_ci_batch::model::{Callback, CallbackFormat, JobLevel, MediaJob, Output, QueueType, Tag};
///
/// let job = MediaJob::new(Tag::Transcode)
///     .template_id("t0123")
///     .output(Output::new("ap-guangzhou", "out-1250000000").object("hd/${InputName}.mp4"))
///     .queue_type(QueueType::SpeedTranscoding)
///     .job_level(JobLevel::Level2)
///     .user_data("batch-42")
///     .callback(Callback::url("https://example.com/ci-callback", Some(CallbackFormat::Json)));
/// assert_eq!(job.tag, Tag::Transcode);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaJob {
    /// `Tag`: the kind of media job.
    pub tag: Tag,
    /// `JobParam`: its parameters (a template, or the container of its Tag).
    pub job_param: Option<JobParam>,
    /// `Output`: where results go (needed by most Tags).
    pub output: Option<Output>,
    /// `QueueId`: the queue to run in.
    pub queue_id: Option<String>,
    /// `QueueType`.
    pub queue_type: Option<QueueType>,
    /// `UserData`: passed through to callbacks.
    pub user_data: Option<String>,
    /// `JobLevel`: the priority.
    pub job_level: Option<JobLevel>,
    /// `CallBack`, `CallBackType`, `CallBackFormat` and `CallBackMqConfig`.
    pub callback: Option<Callback>,
    /// Operation elements this crate does not name, written last.
    pub extra: Vec<Element>,
}

impl MediaJob {
    /// A media job of kind `tag`, with nothing else set.
    pub fn new(tag: Tag) -> Self {
        MediaJob {
            tag,
            job_param: None,
            output: None,
            queue_id: None,
            queue_type: None,
            user_data: None,
            job_level: None,
            callback: None,
            extra: Vec::new(),
        }
    }

    /// Sets `JobParam`.
    pub fn job_param(mut self, param: JobParam) -> Self {
        self.job_param = Some(param);
        self
    }

    /// Sets `JobParam` to just a `TemplateId`: the common case.
    pub fn template_id(self, id: impl Into<String>) -> Self {
        self.job_param(JobParam::new().template_id(id))
    }

    /// Sets `Output`.
    pub fn output(mut self, output: Output) -> Self {
        self.output = Some(output);
        self
    }

    /// Sets `QueueId`.
    pub fn queue_id(mut self, id: impl Into<String>) -> Self {
        self.queue_id = Some(id.into());
        self
    }

    /// Sets `QueueType`.
    pub fn queue_type(mut self, queue_type: QueueType) -> Self {
        self.queue_type = Some(queue_type);
        self
    }

    /// Sets `UserData`.
    pub fn user_data(mut self, data: impl Into<String>) -> Self {
        self.user_data = Some(data.into());
        self
    }

    /// Sets `JobLevel`.
    pub fn job_level(mut self, level: JobLevel) -> Self {
        self.job_level = Some(level);
        self
    }

    /// Sets the callback.
    pub fn callback(mut self, callback: Callback) -> Self {
        self.callback = Some(callback);
        self
    }

    /// Appends an Operation element this crate does not name.
    pub fn with_extra(mut self, element: Element) -> Self {
        self.extra.push(element);
        self
    }

    /// The Operation children after `TimeInterval`, in the order the Go SDK writes them.
    pub(crate) fn write_operation_fields(&self, w: &mut Writer) -> Result<(), InvalidInput> {
        if self.tag.as_str().is_empty() {
            return Err(InvalidInput::Empty("Tag"));
        }
        w.opt_text("QueueId", self.queue_id.as_deref())?;
        w.opt_text("QueueType", self.queue_type.map(QueueType::as_str))?;
        w.opt_text("UserData", self.user_data.as_deref())?;
        w.opt_text("JobLevel", self.job_level.map(JobLevel::as_str))?;
        if let Some(callback) = &self.callback {
            callback.write(w)?;
        }
        w.text("Tag", self.tag.as_str())?;
        if let Some(param) = &self.job_param {
            param.write_field(w, "JobParam")?;
        }
        if let Some(output) = &self.output {
            output.write_field(w, "Output")?;
        }
        for element in &self.extra {
            w.element(element)?;
        }
        Ok(())
    }
}

open_wire_enum! {
    /// `Tag`: the kind of media job a `Type=Job` batch job runs. [`Tag::Other`] is the escape
    /// hatch for a kind this crate does not list yet, sent as given; `parse` gives a listed
    /// variant whenever it can.
    ///
    /// ```
    /// use cos_ci_batch::model::Tag;
    ///
    /// assert_eq!("Snapshot".parse::<Tag>(), Ok(Tag::Snapshot));
    /// assert_eq!("ImageInspect".parse::<Tag>(), Ok(Tag::Other("ImageInspect".into())));
    /// assert_eq!(Tag::VoiceSeparate.as_str(), "VoiceSeparate");
    /// ```
    pub enum Tag {
        /// `Animation`: video to animated image.
        Animation = "Animation",
        /// `SmartCover`.
        SmartCover = "SmartCover",
        /// `Transcode`.
        Transcode = "Transcode",
        /// `Snapshot`.
        Snapshot = "Snapshot",
        /// `SpeechRecognition`.
        SpeechRecognition = "SpeechRecognition",
        /// `Concat`.
        Concat = "Concat",
        /// `VoiceSeparate`.
        VoiceSeparate = "VoiceSeparate",
        /// `VideoMontage`: highlights.
        VideoMontage = "VideoMontage",
        /// `SDRtoHDR`.
        SdrToHdr = "SDRtoHDR",
        /// `VideoProcess`: enhancement.
        VideoProcess = "VideoProcess",
        /// `SuperResolution`.
        SuperResolution = "SuperResolution",
        /// `Segment`: remux and segment.
        Segment = "Segment",
        /// `VideoTag`.
        VideoTag = "VideoTag",
        /// `PicProcess`: image processing.
        PicProcess = "PicProcess",
        /// `DigitalWatermark`.
        DigitalWatermark = "DigitalWatermark",
        /// `ExtractDigitalWatermark`.
        ExtractDigitalWatermark = "ExtractDigitalWatermark",
        /// `MediaInfo`.
        MediaInfo = "MediaInfo",
        /// `StreamExtract`.
        StreamExtract = "StreamExtract",
        /// `Tts`: text to speech.
        Tts = "Tts",
        /// `NoiseReduction`.
        NoiseReduction = "NoiseReduction",
        /// `QualityEstimate`.
        QualityEstimate = "QualityEstimate",
    }
    else
    /// Any other Tag, sent as given.
    Other(String)
}

wire_enum! {
    /// `QueueType`.
    ///
    /// ```
    /// use cos_ci_batch::model::QueueType;
    ///
    /// assert_eq!("SpeedTranscoding".parse::<QueueType>()?, QueueType::SpeedTranscoding);
    /// # Ok::<(), cos_ci_batch::error::UnknownValue>(())
    /// ```
    pub enum QueueType {
        /// Speed transcoding (Tag `Transcode` without a `QueueId`).
        SpeedTranscoding = "SpeedTranscoding",
    }
}

wire_enum! {
    /// `JobLevel`: the priority of the media jobs; a higher level runs first.
    ///
    /// ```
    /// use cos_ci_batch::model::JobLevel;
    ///
    /// assert_eq!("2".parse::<JobLevel>()?, JobLevel::Level2);
    /// assert!("3".parse::<JobLevel>().is_err());
    /// # Ok::<(), cos_ci_batch::error::UnknownValue>(())
    /// ```
    pub enum JobLevel {
        /// The default.
        Level0 = "0",
        /// Higher.
        Level1 = "1",
        /// Highest.
        Level2 = "2",
    }
}

wire_enum! {
    /// `CallBackFormat`: how callbacks are written.
    ///
    /// ```
    /// use cos_ci_batch::model::CallbackFormat;
    ///
    /// assert_eq!(CallbackFormat::Json.to_string(), "JSON");
    /// ```
    pub enum CallbackFormat {
        /// The default.
        Xml = "XML",
        /// JSON.
        Json = "JSON",
    }
}

wire_enum! {
    /// `CallBackType`: where callbacks go.
    ///
    /// ```
    /// use cos_ci_batch::model::CallbackType;
    ///
    /// assert_eq!("TDMQ".parse::<CallbackType>()?, CallbackType::Tdmq);
    /// # Ok::<(), cos_ci_batch::error::UnknownValue>(())
    /// ```
    pub enum CallbackType {
        /// An HTTP URL (the default).
        Url = "Url",
        /// A TDMQ queue or topic.
        Tdmq = "TDMQ",
    }
}

wire_enum! {
    /// `CallBackMqConfig.MqMode`.
    ///
    /// ```
    /// use cos_ci_batch::model::MqMode;
    ///
    /// assert_eq!(MqMode::Topic.as_str(), "Topic");
    /// ```
    pub enum MqMode {
        /// A queue (the default).
        Queue = "Queue",
        /// A topic.
        Topic = "Topic",
    }
}

/// Where the service reports each media job's end. Whatever it says overrides the queue's
/// callback settings.
///
/// ```
/// use cos_ci_batch::model::{Callback, CallbackFormat, MqConfig, MqMode};
///
/// let quiet = Callback::Disabled;
/// let web = Callback::url("https://example.com/hook", Some(CallbackFormat::Json));
/// let mq = Callback::tdmq(MqConfig::new("gz", MqMode::Queue, "ci-events"), None);
/// # let _ = (quiet, web, mq);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Callback {
    /// `CallBack=no`: no callback, even if the queue has one.
    Disabled,
    /// `CallBack=<url>`: an HTTP callback.
    Url {
        /// The callback URL.
        url: String,
        /// `CallBackFormat`.
        format: Option<CallbackFormat>,
    },
    /// `CallBackType=TDMQ` with its `CallBackMqConfig`.
    Tdmq {
        /// Where the messages go.
        mq: MqConfig,
        /// `CallBackFormat`.
        format: Option<CallbackFormat>,
    },
}

impl Callback {
    /// An HTTP callback to `url`, in `format` (the service's default, XML, when `None`).
    pub fn url(url: impl Into<String>, format: Option<CallbackFormat>) -> Self {
        Callback::Url {
            url: url.into(),
            format,
        }
    }

    /// A TDMQ callback, in `format` (XML when `None`).
    pub fn tdmq(mq: MqConfig, format: Option<CallbackFormat>) -> Self {
        Callback::Tdmq { mq, format }
    }

    fn write(&self, w: &mut Writer) -> Result<(), InvalidInput> {
        match self {
            Callback::Disabled => w.text("CallBack", "no"),
            Callback::Url { url, format } => {
                w.opt_text("CallBackFormat", format.map(CallbackFormat::as_str))?;
                w.text("CallBack", url)
            }
            Callback::Tdmq { mq, format } => {
                w.opt_text("CallBackFormat", format.map(CallbackFormat::as_str))?;
                w.text("CallBackType", CallbackType::Tdmq.as_str())?;
                w.open("CallBackMqConfig");
                w.text("MqRegion", &mq.region)?;
                w.text("MqMode", mq.mode.as_str())?;
                w.text("MqName", &mq.name)?;
                w.close("CallBackMqConfig");
                Ok(())
            }
        }
    }
}

/// `CallBackMqConfig`: a TDMQ queue or topic.
///
/// ```
/// use cos_ci_batch::model::{MqConfig, MqMode};
///
/// let events = MqConfig::new("gz", MqMode::Topic, "ci-events");
/// assert_eq!(events.region, "gz");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MqConfig {
    /// `MqRegion`: `sh`, `bj`, `gz`, `cd` or `hk`.
    pub region: String,
    /// `MqMode`.
    pub mode: MqMode,
    /// `MqName`.
    pub name: String,
}

impl MqConfig {
    /// A queue or topic `name` in `region`.
    pub fn new(region: impl Into<String>, mode: MqMode, name: impl Into<String>) -> Self {
        MqConfig {
            region: region.into(),
            mode,
            name: name.into(),
        }
    }
}

/// `Operation.Output`: where a media job writes its results.
///
/// ```
/// use cos_ci_batch::model::{Output, StreamExtract};
///
/// let audio_tracks = Output::new("ap-guangzhou", "out-1250000000")
///     .stream_extract(StreamExtract::new("1", "audio/${InputName}.m4a"));
/// let covers = Output::new("ap-guangzhou", "out-1250000000").object("covers/${InputName}-${Number}.jpg");
/// # let _ = (audio_tracks, covers);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Output {
    /// `Region` of the output bucket.
    pub region: String,
    /// `Bucket`: `name-appid`.
    pub bucket: String,
    /// `Object`: the output key template (`${InputName}`, `${Number}`,
    /// `${InventoryTriggerJobId}`, ...).
    pub object: Option<String>,
    /// `AuObject`: the vocal track (VoiceSeparate).
    pub au_object: Option<String>,
    /// `SpriteObject`: the sprite sheet (Snapshot).
    pub sprite_object: Option<String>,
    /// `StreamExtract`, repeatable (StreamExtract).
    pub stream_extract: Vec<StreamExtract>,
    /// Output elements this crate does not name, written last.
    pub extra: Vec<Element>,
}

impl Output {
    /// Results go to `bucket` in `region`.
    pub fn new(region: impl Into<String>, bucket: impl Into<String>) -> Self {
        Output {
            region: region.into(),
            bucket: bucket.into(),
            object: None,
            au_object: None,
            sprite_object: None,
            stream_extract: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Sets `Object`.
    pub fn object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    /// Sets `AuObject`.
    pub fn au_object(mut self, object: impl Into<String>) -> Self {
        self.au_object = Some(object.into());
        self
    }

    /// Sets `SpriteObject`.
    pub fn sprite_object(mut self, object: impl Into<String>) -> Self {
        self.sprite_object = Some(object.into());
        self
    }

    /// Appends a `StreamExtract`.
    pub fn stream_extract(mut self, extract: StreamExtract) -> Self {
        self.stream_extract.push(extract);
        self
    }

    /// Appends an Output element this crate does not name.
    pub fn with_extra(mut self, element: Element) -> Self {
        self.extra.push(element);
        self
    }
}

impl WriteField for Output {
    fn write_field(&self, w: &mut Writer, name: &str) -> Result<(), InvalidInput> {
        w.open(name);
        w.text("Region", &self.region)?;
        w.text("Bucket", &self.bucket)?;
        w.opt_text("Object", self.object.as_deref())?;
        w.opt_text("AuObject", self.au_object.as_deref())?;
        w.opt_text("SpriteObject", self.sprite_object.as_deref())?;
        for extract in &self.stream_extract {
            w.open("StreamExtract");
            w.text("Index", &extract.index)?;
            w.text("Object", &extract.object)?;
            w.close("StreamExtract");
        }
        for element in &self.extra {
            w.element(element)?;
        }
        w.close(name);
        Ok(())
    }
}

/// `Output.StreamExtract`: one stream of the input, written on its own.
///
/// ```
/// use cos_ci_batch::model::StreamExtract;
///
/// let audio = StreamExtract::new("1", "${InputName}.m4a");
/// assert_eq!(audio.index, "1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamExtract {
    /// `Index`: the stream index, as MediaInfo numbers it.
    pub index: String,
    /// `Object`: where the stream goes.
    pub object: String,
}

impl StreamExtract {
    /// Stream `index` to `object`.
    pub fn new(index: impl Into<String>, object: impl Into<String>) -> Self {
        StreamExtract {
            index: index.into(),
            object: object.into(),
        }
    }
}
