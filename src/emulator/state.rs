//! What the emulated service knows: objects, workflows, jobs and its clock.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::create_request::{CreateRequest, Selector};
use crate::model::{JobState, JobType};

/// The media job kinds the service documents; another Tag makes a job fail.
const KNOWN_TAGS: &[&str] = &[
    "Animation",
    "SmartCover",
    "Transcode",
    "Snapshot",
    "SpeechRecognition",
    "Concat",
    "VoiceSeparate",
    "VideoMontage",
    "SDRtoHDR",
    "VideoProcess",
    "SuperResolution",
    "Segment",
    "VideoTag",
    "PicProcess",
    "DigitalWatermark",
    "ExtractDigitalWatermark",
    "MediaInfo",
    "StreamExtract",
    "Tts",
    "NoiseReduction",
    "QualityEstimate",
    "ImageInspect",
];

/// The emulator's clock: by hand (the default) or real time.
pub(crate) struct Clock {
    base: OffsetDateTime,
    manual_offset: Duration,
    real_since: Option<Instant>,
}

impl Clock {
    fn new() -> Self {
        Clock {
            base: OffsetDateTime::now_utc(),
            manual_offset: Duration::ZERO,
            real_since: None,
        }
    }

    pub(crate) fn now(&self) -> OffsetDateTime {
        let real = self.real_since.map_or(Duration::ZERO, |s| s.elapsed());
        self.base + self.manual_offset + real
    }

    pub(crate) fn advance(&mut self, by: Duration) {
        self.manual_offset += by;
    }

    pub(crate) fn run_in_real_time(&mut self) {
        if self.real_since.is_none() {
            self.real_since = Some(Instant::now());
        }
    }
}

/// Credentials the emulator issued with [`super::Emulator::issue_temporary_credentials`].
pub(crate) struct TemporaryCredentials {
    pub(crate) secret_key: String,
    pub(crate) token: String,
    pub(crate) expires: OffsetDateTime,
}

pub(crate) struct StoredJob {
    pub(crate) id: String,
    pub(crate) job: CreateRequest,
    pub(crate) created: OffsetDateTime,
    pub(crate) cancelled: Option<OffsetDateTime>,
    pub(crate) failure: Option<(String, String)>,
    pub(crate) covered: Vec<String>,
}

impl StoredJob {
    /// The creation time as the service shows and filters it: to the second.
    pub(crate) fn creation_stamp(&self) -> OffsetDateTime {
        self.created.replace_nanosecond(0).unwrap_or(self.created)
    }
}

/// A job's state and times at one instant.
pub(crate) struct Snapshot {
    pub(crate) state: JobState,
    pub(crate) start: Option<OffsetDateTime>,
    pub(crate) end: Option<OffsetDateTime>,
}

pub(crate) struct State {
    pub(crate) clock: Clock,
    objects: Vec<(String, OffsetDateTime)>,
    manifests: HashMap<String, Vec<String>>,
    url_files: HashMap<String, Vec<String>>,
    workflows: HashSet<String>,
    pub(crate) jobs: Vec<StoredJob>,
    temporary: HashMap<String, TemporaryCredentials>,
    submitted_for: Duration,
    running_for: Duration,
    id_seed: u64,
    counter: u64,
}

impl State {
    pub(crate) fn new() -> Self {
        State {
            clock: Clock::new(),
            objects: Vec::new(),
            manifests: HashMap::new(),
            url_files: HashMap::new(),
            workflows: HashSet::new(),
            jobs: Vec::new(),
            temporary: HashMap::new(),
            submitted_for: Duration::from_secs(1),
            running_for: Duration::from_secs(2),
            id_seed: std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish(),
            counter: 0,
        }
    }

    pub(crate) fn put_object(&mut self, key: String, uploaded: OffsetDateTime) {
        self.objects.retain(|(k, _)| *k != key);
        self.objects.push((key, uploaded));
    }

    pub(crate) fn put_manifest(&mut self, name: String, keys: Vec<String>) {
        self.manifests.insert(name, keys);
    }

    pub(crate) fn put_url_file(&mut self, name: String, urls: Vec<String>) {
        self.url_files.insert(name, urls);
    }

    pub(crate) fn add_workflow(&mut self, id: String) {
        self.workflows.insert(id);
    }

    /// Issues a SecretId, key and session token valid until `expires` (emulator time).
    pub(crate) fn issue_temporary(&mut self, expires: OffsetDateTime) -> (String, String, String) {
        let secret_id = format!("AKIDtmp{}", &self.new_id('x')[1..21]);
        let secret_key = self.new_id('k')[1..].to_owned();
        let token = self.new_id('t')[1..].to_owned();
        self.temporary.insert(
            secret_id.clone(),
            TemporaryCredentials {
                secret_key: secret_key.clone(),
                token: token.clone(),
                expires,
            },
        );
        (secret_id, secret_key, token)
    }

    pub(crate) fn temporary_credentials(&self, secret_id: &str) -> Option<&TemporaryCredentials> {
        self.temporary.get(secret_id)
    }

    pub(crate) fn set_durations(&mut self, submitted: Duration, running: Duration) {
        self.submitted_for = submitted;
        self.running_for = running;
    }

    /// A fresh id: the prefix and 32 hex digits, like the service's. Each half is a separate
    /// keyed hash, so no id reveals anything about another (or about the emulator's key).
    pub(crate) fn new_id(&mut self, prefix: char) -> String {
        self.counter += 1;
        let half = || {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(self.id_seed);
            h.write_u64(self.counter);
            h.finish()
        };
        format!("{prefix}{:016x}{:016x}", half(), half())
    }

    /// Stores a validated job and decides which objects it covers and how it will end.
    pub(crate) fn create(&mut self, job: CreateRequest) -> usize {
        let now = self.clock.now();
        let id = self.new_id('b');
        let (covered, failure) = self.select(&job, now);
        self.jobs.push(StoredJob {
            id,
            job,
            created: now,
            cancelled: None,
            failure,
            covered,
        });
        self.jobs.len() - 1
    }

    fn select(
        &self,
        job: &CreateRequest,
        now: OffsetDateTime,
    ) -> (Vec<String>, Option<(String, String)>) {
        let failure = match &job.job_type {
            JobType::Workflow => {
                let id = job.workflow_id.clone().unwrap_or_default();
                (!self.workflows.contains(&id)).then(|| {
                    (
                        "WorkflowNotExist".to_owned(),
                        format!("workflow {id} does not exist"),
                    )
                })
            }
            _ => {
                let tag = job.tag.clone().unwrap_or_default();
                (!KNOWN_TAGS.contains(&tag.as_str())).then(|| {
                    (
                        "InvalidTag".to_owned(),
                        format!("Tag {tag} is not supported"),
                    )
                })
            }
        };
        let listed = |names: Option<&Vec<String>>, what: &str, name: &str| match names {
            Some(keys) => Ok(keys.clone()),
            None => Err((
                "ResourceNotFound".to_owned(),
                format!("{what} {name} does not exist"),
            )),
        };
        let candidates: Result<Vec<String>, (String, String)> = match &job.selector {
            Selector::Prefix(prefix) => {
                let start = job.interval.0.unwrap_or(OffsetDateTime::UNIX_EPOCH);
                let end = job.interval.1.unwrap_or(now);
                Ok(self
                    .objects
                    .iter()
                    // The interval's times are whole seconds, and so is its end: an object
                    // uploaded within the end's second is inside.
                    .filter(|(k, t)| {
                        k.starts_with(prefix.as_str())
                            && *t >= start
                            && t.replace_nanosecond(0).unwrap_or(*t) <= end
                    })
                    .map(|(k, _)| k.clone())
                    .collect())
            }
            Selector::Object(key) => Ok(self
                .objects
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(k, _)| k.clone())
                .collect()),
            Selector::Manifest(name) => listed(self.manifests.get(name), "manifest", name),
            Selector::UrlFile(name) => listed(self.url_files.get(name), "url file", name)
                .map(|urls| urls.iter().map(|u| key_of_url(u)).collect()),
        };
        let existing: HashSet<&str> = self.objects.iter().map(|(k, _)| k.as_str()).collect();
        match candidates {
            Ok(mut keys) => {
                keys.retain(|k| existing.contains(k.as_str()));
                keys.sort();
                keys.dedup();
                (keys, failure)
            }
            Err(missing) => (Vec::new(), Some(missing)),
        }
    }

    pub(crate) fn find(&self, id: &str) -> Option<&StoredJob> {
        self.jobs.iter().find(|j| j.id == id)
    }

    pub(crate) fn snapshot(&self, job: &StoredJob) -> Snapshot {
        let now = self.clock.now();
        let started = job.created + self.submitted_for;
        let ended = started + self.running_for;
        let natural = if now < started {
            Snapshot {
                state: JobState::Submitted,
                start: None,
                end: None,
            }
        } else if now < ended {
            Snapshot {
                state: JobState::Running,
                start: Some(started),
                end: None,
            }
        } else {
            let state = if job.failure.is_some() {
                JobState::Failed
            } else {
                JobState::Success
            };
            Snapshot {
                state,
                start: Some(started),
                end: Some(ended),
            }
        };
        match job.cancelled {
            Some(at) if at < ended => Snapshot {
                state: JobState::Cancel,
                start: natural.start.filter(|s| *s <= at),
                end: Some(at),
            },
            _ => natural,
        }
    }

    /// Cancels a job; `Err` with a message when it has already ended.
    pub(crate) fn cancel(&mut self, id: &str) -> Result<(), String> {
        let now = self.clock.now();
        let index = self
            .jobs
            .iter()
            .position(|j| j.id == id)
            .ok_or_else(|| format!("job {id} does not exist"))?;
        let state = self.snapshot(&self.jobs[index]).state;
        if state.is_final() {
            return Err(format!("job {id} has already ended ({state})"));
        }
        self.jobs[index].cancelled = Some(now);
        Ok(())
    }
}

/// The object key of a COS object URL: its path, percent-decoded, without the leading `/`.
fn key_of_url(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.split_once('/').map_or("", |(_, p)| p);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    super::service::percent_decode(path)
}
