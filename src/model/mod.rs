//! The model: what a batch job request says, and what the service says about a job.
//!
//! Requests are strict: a [`BatchJob`] has exactly one [`Input`] and one [`JobKind`], and
//! the fixed value sets of the API are enums, so most mistakes cannot be written down. What
//! the types cannot say (name characters, text XML cannot carry) is checked once, when the
//! body is written ([`BatchJob::to_xml`]).
//!
//! Answers are lenient: a [`JobDetail`] keeps values it cannot type as text, and keeps every
//! element it does not name, so that one odd field never fails a describe, a list page or a
//! wait.

mod detail;
mod element;
mod job;
mod job_param;
mod media;
mod object_jobs;
mod time;
pub(crate) mod wire;

pub use detail::{
    JobDetail, JobState, JobType, Reported, ReportedInput, ReportedMqConfig, ReportedOperation,
    ReportedTimeInterval,
};
pub use element::Element;
pub use job::{BatchJob, Input, JobKind, TimeInterval, Workflow};
pub use job_param::{
    AigcMetadata, Animation, AnimationVideo, Audio, AudioMix, ClipConfig, ColorParam, Container,
    DigitalWatermark, DigitalWatermarkType, DigitalWatermarkVersion, EffectConfig, HlsEncrypt,
    JobParam, MediaTimeInterval, Segment, SlideConfig, Snapshot, SpriteSnapshotConfig, Subtitle,
    TransConfig, Transcode, Video, Watermark, WatermarkImage, WatermarkText,
};
pub use media::{
    Callback, CallbackFormat, CallbackType, JobLevel, MediaJob, MqConfig, MqMode, Output,
    QueueType, StreamExtract, Tag,
};
pub use object_jobs::{
    ExecutionSummary, MediaJobDetail, MediaJobInput, WorkflowExecution, WorkflowTask,
};
pub use time::{ServiceTime, format_time, format_utc, parse_time};
