//! `Operation.JobParam`: template ids, the digital watermark, and typed containers for the
//! media jobs people run most (Transcode, Snapshot, Animation, Segment, Watermark), with the
//! children the official Go SDK models. Element names are exactly as on the wire (`Samplerate`,
//! `Pixfmt`, ...). Every other container (SmartCover, ConcatTemplate, VideoTag, ...) goes in
//! [`JobParam::extra`] as a generic [`Element`] tree, in order, repeated siblings included.
//!
//! Values are text, as the service reads them: `"1280"`, `"true"`, `"H.264"`.

use super::wire::{WriteField, container, wire_enum};
use crate::error::InvalidInput;
use crate::xml::Writer;

container! {
    /// `Operation.JobParam`. The service uses `TemplateId` first, and the container of the
    /// job's Tag only when no template is given.
    ///
    /// ```
    /// use cos_ci_batch::model::{Element, JobParam, Snapshot};
    ///
    /// let by_template = JobParam::new().template_id("t0123456789abcdef");
    /// let covers = JobParam::new().snapshot(Snapshot::new().mode("Interval").count("3"));
    /// // A container this crate does not type, as a generic tree.
    /// let smart_cover = JobParam::new()
    ///     .with_extra(Element::new("SmartCover").with_child(Element::text("Count", "5")));
    /// # let _ = (by_template, covers, smart_cover);
    /// ```
    pub struct JobParam {
        one template_id: String = "TemplateId",
        one transcode_template_id: String = "TranscodeTemplateId",
        many watermark_template_id: String = "WatermarkTemplateId",
        one digital_watermark: DigitalWatermark = "DigitalWatermark",
        one transcode: Transcode = "Transcode",
        many watermark: Watermark = "Watermark",
        one snapshot: Snapshot = "Snapshot",
        one animation: Animation = "Animation",
        one segment: Segment = "Segment",
    }
}

wire_enum! {
    /// `DigitalWatermark.Type`: the kind of digital watermark.
    ///
    /// ```
    /// use cos_ci_batch::model::DigitalWatermarkType;
    ///
    /// assert_eq!("Text".parse::<DigitalWatermarkType>()?, DigitalWatermarkType::Text);
    /// # Ok::<(), cos_ci_batch::error::UnknownValue>(())
    /// ```
    pub enum DigitalWatermarkType {
        /// A text message.
        Text = "Text",
    }
}

wire_enum! {
    /// `DigitalWatermark.Version`.
    ///
    /// ```
    /// use cos_ci_batch::model::DigitalWatermarkVersion;
    ///
    /// assert_eq!(DigitalWatermarkVersion::V1.as_str(), "V1");
    /// ```
    pub enum DigitalWatermarkVersion {
        /// The only version.
        V1 = "V1",
    }
}

/// `JobParam.DigitalWatermark`: a text embedded invisibly in the video.
///
/// ```
/// use cos_ci_batch::model::{DigitalWatermark, JobParam};
///
/// let param = JobParam::new().digital_watermark(DigitalWatermark::text("owner-42").ignore_error(true));
/// # let _ = param;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DigitalWatermark {
    /// `Message`: up to 64 characters.
    pub message: String,
    /// `Type`.
    pub kind: DigitalWatermarkType,
    /// `Version`.
    pub version: DigitalWatermarkVersion,
    /// `IgnoreError`: whether a failure to embed is ignored (not when Tag is DigitalWatermark).
    pub ignore_error: Option<bool>,
}

impl DigitalWatermark {
    /// A text watermark (`Type=Text`, `Version=V1`).
    pub fn text(message: impl Into<String>) -> Self {
        DigitalWatermark {
            message: message.into(),
            kind: DigitalWatermarkType::Text,
            version: DigitalWatermarkVersion::V1,
            ignore_error: None,
        }
    }

    /// Sets `IgnoreError`.
    pub fn ignore_error(mut self, ignore: bool) -> Self {
        self.ignore_error = Some(ignore);
        self
    }
}

impl WriteField for DigitalWatermark {
    fn write_field(&self, w: &mut Writer, name: &str) -> Result<(), InvalidInput> {
        w.open(name);
        w.text("Message", &self.message)?;
        self.kind.write_field(w, "Type")?;
        self.version.write_field(w, "Version")?;
        if let Some(ignore) = self.ignore_error {
            w.text("IgnoreError", if ignore { "true" } else { "false" })?;
        }
        w.close(name);
        Ok(())
    }
}

container! {
    /// `JobParam.Transcode`.
    ///
    /// ```
    /// use cos_ci_batch::model::{Audio, Container, Transcode, Video};
    ///
    /// let hd = Transcode::new()
    ///     .container(Container::new().format("mp4"))
    ///     .video(Video::new().codec("H.264").width("1280").bitrate("2000"))
    ///     .audio(Audio::new().codec("aac").samplerate("44100"));
    /// # let _ = hd;
    /// ```
    pub struct Transcode {
        one container: Container = "Container",
        one video: Video = "Video",
        one time_interval: MediaTimeInterval = "TimeInterval",
        one audio: Audio = "Audio",
        one trans_config: TransConfig = "TransConfig",
        one audio_mix: AudioMix = "AudioMix",
        many audio_mix_array: AudioMix = "AudioMixArray",
        one subtitle: Subtitle = "Subtitle",
    }
}

container! {
    /// `Container`: the output format.
    ///
    /// ```
    /// let mp4 = cos_ci_batch::model::Container::new().format("mp4");
    /// # let _ = mp4;
    /// ```
    pub struct Container {
        one format: String = "Format",
        one clip_config: ClipConfig = "ClipConfig",
    }
}

container! {
    /// `Container.ClipConfig`.
    ///
    /// ```
    /// let clip = cos_ci_batch::model::ClipConfig::new().duration("10");
    /// # let _ = clip;
    /// ```
    pub struct ClipConfig {
        one duration: String = "Duration",
    }
}

container! {
    /// `Transcode.Video`.
    ///
    /// ```
    /// let h265 = cos_ci_batch::model::Video::new().codec("H.265").crf("25");
    /// # let _ = h265;
    /// ```
    pub struct Video {
        one codec: String = "Codec",
        one width: String = "Width",
        one height: String = "Height",
        one fps: String = "Fps",
        one remove: String = "Remove",
        one profile: String = "Profile",
        one bitrate: String = "Bitrate",
        one crf: String = "Crf",
        one gop: String = "Gop",
        one preset: String = "Preset",
        one bufsize: String = "Bufsize",
        one maxrate: String = "Maxrate",
        one hls_ts_time: String = "HlsTsTime",
        one dash_segment: String = "DashSegment",
        one pixfmt: String = "Pixfmt",
        one long_short_mode: String = "LongShortMode",
        one rotate: String = "Rotate",
        one animate_only_keep_key_frame: String = "AnimateOnlyKeepKeyFrame",
        one animate_time_interval_of_frame: String = "AnimateTimeIntervalOfFrame",
        one animate_frames_per_second: String = "AnimateFramesPerSecond",
        one quality: String = "Quality",
        one roi: String = "Roi",
        one crop: String = "Crop",
        one interlaced: String = "Interlaced",
        one color_param: ColorParam = "ColorParam",
        one std_ext_info: String = "StdExtInfo",
    }
}

container! {
    /// `Video.ColorParam`.
    ///
    /// ```
    /// let full = cos_ci_batch::model::ColorParam::new().color_range("full");
    /// # let _ = full;
    /// ```
    pub struct ColorParam {
        one color_range: String = "ColorRange",
        one color_space: String = "ColorSpace",
        one color_trc: String = "ColorTrc",
        one color_primaries: String = "ColorPrimaries",
    }
}

container! {
    /// `TimeInterval` inside a media container: which part of the input, in seconds (not the
    /// batch job's upload-time filter).
    ///
    /// ```
    /// let first_minute = cos_ci_batch::model::MediaTimeInterval::new().start("0").duration("60");
    /// # let _ = first_minute;
    /// ```
    pub struct MediaTimeInterval {
        one start: String = "Start",
        one duration: String = "Duration",
    }
}

container! {
    /// `Transcode.Audio`.
    ///
    /// ```
    /// let aac = cos_ci_batch::model::Audio::new().codec("aac").samplerate("44100").channels("2");
    /// # let _ = aac;
    /// ```
    pub struct Audio {
        one codec: String = "Codec",
        one samplerate: String = "Samplerate",
        one bitrate: String = "Bitrate",
        one channels: String = "Channels",
        one remove: String = "Remove",
        one keep_two_tracks: String = "KeepTwoTracks",
        one switch_track: String = "SwitchTrack",
        one sample_format: String = "SampleFormat",
    }
}

container! {
    /// `Transcode.TransConfig`.
    ///
    /// ```
    /// let strip = cos_ci_batch::model::TransConfig::new().delete_metadata("true");
    /// # let _ = strip;
    /// ```
    pub struct TransConfig {
        one adj_dar_method: String = "AdjDarMethod",
        one is_check_reso: String = "IsCheckReso",
        one reso_adj_method: String = "ResoAdjMethod",
        one is_check_video_bitrate: String = "IsCheckVideoBitrate",
        one video_bitrate_adj_method: String = "VideoBitrateAdjMethod",
        one is_check_audio_bitrate: String = "IsCheckAudioBitrate",
        one audio_bitrate_adj_method: String = "AudioBitrateAdjMethod",
        one delete_metadata: String = "DeleteMetadata",
        one is_hdr2_sdr: String = "IsHdr2Sdr",
        one hls_encrypt: HlsEncrypt = "HlsEncrypt",
        one aigc_metadata: AigcMetadata = "AIGCMetadata",
    }
}

container! {
    /// `HlsEncrypt`.
    ///
    /// ```
    /// let encrypted = cos_ci_batch::model::HlsEncrypt::new().is_hls_encrypt("true").uri_key("https://k/key");
    /// # let _ = encrypted;
    /// ```
    pub struct HlsEncrypt {
        one is_hls_encrypt: String = "IsHlsEncrypt",
        one uri_key: String = "UriKey",
    }
}

container! {
    /// `AIGCMetadata`: the labels of AI-generated content.
    ///
    /// ```
    /// let labelled = cos_ci_batch::model::AigcMetadata::new().label("AIGC");
    /// # let _ = labelled;
    /// ```
    pub struct AigcMetadata {
        one label: String = "Label",
        one content_producer: String = "ContentProducer",
        one produce_id: String = "ProduceID",
        one reserved_code1: String = "ReservedCode1",
        one content_propagator: String = "ContentPropagator",
        one propagate_id: String = "PropagateID",
        one reserved_code2: String = "ReservedCode2",
    }
}

container! {
    /// `AudioMix` (and each `AudioMixArray`).
    ///
    /// ```
    /// let music = cos_ci_batch::model::AudioMix::new().audio_source("https://b/bgm.mp3").replace("true");
    /// # let _ = music;
    /// ```
    pub struct AudioMix {
        one audio_source: String = "AudioSource",
        one mix_mode: String = "MixMode",
        one replace: String = "Replace",
        one effect_config: EffectConfig = "EffectConfig",
    }
}

container! {
    /// `AudioMix.EffectConfig`.
    ///
    /// ```
    /// let fade = cos_ci_batch::model::EffectConfig::new().enable_start_fadein("true").start_fadein_time("3");
    /// # let _ = fade;
    /// ```
    pub struct EffectConfig {
        one enable_start_fadein: String = "EnableStartFadein",
        one start_fadein_time: String = "StartFadeinTime",
        one enable_end_fadeout: String = "EnableEndFadeout",
        one end_fadeout_time: String = "EndFadeoutTime",
        one enable_bgm_fade: String = "EnableBgmFade",
        one bgm_fade_time: String = "BgmFadeTime",
    }
}

container! {
    /// `Transcode.Subtitle`.
    ///
    /// ```
    /// let without = cos_ci_batch::model::Subtitle::new().remove("true");
    /// # let _ = without;
    /// ```
    pub struct Subtitle {
        one remove: String = "Remove",
    }
}

container! {
    /// `JobParam.Watermark` (repeatable).
    ///
    /// ```
    /// use cos_ci_batch::model::{JobParam, Watermark, WatermarkText};
    ///
    /// let param = JobParam::new()
    ///     .watermark(Watermark::new().kind("Text").pos("TopRight").text(WatermarkText::new().text("demo")))
    ///     .watermark(Watermark::new().kind("Text").pos("BottomLeft").text(WatermarkText::new().text("2024")));
    /// assert_eq!(param.watermark.len(), 2);
    /// ```
    pub struct Watermark {
        one kind: String = "Type",
        one pos: String = "Pos",
        one loc_mode: String = "LocMode",
        one dx: String = "Dx",
        one dy: String = "Dy",
        one start_time: String = "StartTime",
        one end_time: String = "EndTime",
        one slide_config: SlideConfig = "SlideConfig",
        one image: WatermarkImage = "Image",
        one text: WatermarkText = "Text",
    }
}

container! {
    /// `Watermark.SlideConfig`.
    ///
    /// ```
    /// let moving = cos_ci_batch::model::SlideConfig::new().slide_mode("Default");
    /// # let _ = moving;
    /// ```
    pub struct SlideConfig {
        one slide_mode: String = "SlideMode",
        one x_slide_speed: String = "XSlideSpeed",
        one y_slide_speed: String = "YSlideSpeed",
    }
}

container! {
    /// `Watermark.Image`.
    ///
    /// ```
    /// let logo = cos_ci_batch::model::WatermarkImage::new().url("https://b/logo.png").mode("Proportion");
    /// # let _ = logo;
    /// ```
    pub struct WatermarkImage {
        one url: String = "Url",
        one mode: String = "Mode",
        one width: String = "Width",
        one height: String = "Height",
        one transparency: String = "Transparency",
        one background: String = "Background",
    }
}

container! {
    /// `Watermark.Text`.
    ///
    /// ```
    /// let label = cos_ci_batch::model::WatermarkText::new().text("demo").font_size("30");
    /// # let _ = label;
    /// ```
    pub struct WatermarkText {
        one font_size: String = "FontSize",
        one font_type: String = "FontType",
        one font_color: String = "FontColor",
        one transparency: String = "Transparency",
        one text: String = "Text",
    }
}

container! {
    /// `JobParam.Snapshot`.
    ///
    /// ```
    /// let every_ten_seconds = cos_ci_batch::model::Snapshot::new().mode("Interval").time_interval("10");
    /// # let _ = every_ten_seconds;
    /// ```
    pub struct Snapshot {
        one mode: String = "Mode",
        one start: String = "Start",
        one time_interval: String = "TimeInterval",
        one count: String = "Count",
        one width: String = "Width",
        one height: String = "Height",
        one ci_param: String = "CIParam",
        one is_check_count: String = "IsCheckCount",
        one is_check_black: String = "IsCheckBlack",
        one black_level: String = "BlackLevel",
        one pixel_black_threshold: String = "PixelBlackThreshold",
        one snapshot_out_mode: String = "SnapshotOutMode",
        one sprite_snapshot_config: SpriteSnapshotConfig = "SpriteSnapshotConfig",
    }
}

container! {
    /// `Snapshot.SpriteSnapshotConfig`.
    ///
    /// ```
    /// let grid = cos_ci_batch::model::SpriteSnapshotConfig::new().columns("10").lines("10");
    /// # let _ = grid;
    /// ```
    pub struct SpriteSnapshotConfig {
        one cell_height: String = "CellHeight",
        one cell_width: String = "CellWidth",
        one color: String = "Color",
        one columns: String = "Columns",
        one lines: String = "Lines",
        one margin: String = "Margin",
        one padding: String = "Padding",
        one scale_method: String = "ScaleMethod",
    }
}

container! {
    /// `JobParam.Animation`.
    ///
    /// ```
    /// use cos_ci_batch::model::{Animation, AnimationVideo, Container};
    ///
    /// let gif = Animation::new()
    ///     .container(Container::new().format("gif"))
    ///     .video(AnimationVideo::new().codec("gif").fps("15"));
    /// # let _ = gif;
    /// ```
    pub struct Animation {
        one container: Container = "Container",
        one video: AnimationVideo = "Video",
        one time_interval: MediaTimeInterval = "TimeInterval",
    }
}

container! {
    /// `Animation.Video`.
    ///
    /// ```
    /// let webp = cos_ci_batch::model::AnimationVideo::new().codec("webp").quality("80");
    /// # let _ = webp;
    /// ```
    pub struct AnimationVideo {
        one codec: String = "Codec",
        one width: String = "Width",
        one height: String = "Height",
        one fps: String = "Fps",
        one animate_only_keep_key_frame: String = "AnimateOnlyKeepKeyFrame",
        one animate_time_interval_of_frame: String = "AnimateTimeIntervalOfFrame",
        one animate_frames_per_second: String = "AnimateFramesPerSecond",
        one quality: String = "Quality",
    }
}

container! {
    /// `JobParam.Segment`.
    ///
    /// ```
    /// let hls = cos_ci_batch::model::Segment::new().format("hls").duration("10");
    /// # let _ = hls;
    /// ```
    pub struct Segment {
        one format: String = "Format",
        one duration: String = "Duration",
        one transcode_index: String = "TranscodeIndex",
        one hls_encrypt: HlsEncrypt = "HlsEncrypt",
        one start_time: String = "StartTime",
        one end_time: String = "EndTime",
        one aigc_metadata: AigcMetadata = "AIGCMetadata",
    }
}
