//! What the emulated service knows: objects, workflows, jobs and its clock.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::create_request::{CreateRequest, Selector};
use crate::model::{JobState, JobType};
use crate::unix_time::LAST_SECOND;

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
        later(self.base, self.manual_offset.saturating_add(real))
    }

    pub(crate) fn advance(&mut self, by: Duration) {
        self.manual_offset = self.manual_offset.saturating_add(by);
    }

    pub(crate) fn run_in_real_time(&mut self) {
        if self.real_since.is_none() {
            self.real_since = Some(Instant::now());
        }
    }
}

/// `at + by`, stopping at the last second of year 9999: a test may advance the clock or
/// set durations by `Duration::MAX`, and the emulator must keep answering.
pub(crate) fn later(at: OffsetDateTime, by: Duration) -> OffsetDateTime {
    let end = OffsetDateTime::from_unix_timestamp(LAST_SECOND).unwrap_or(at);
    time::Duration::try_from(by)
        .ok()
        .and_then(|by| at.checked_add(by))
        .map_or(end, |t| t.min(end))
}

/// Credentials the emulator issued with [`super::Emulator::issue_temporary_credentials`].
#[derive(Clone)]
pub(crate) struct TemporaryCredentials {
    pub(crate) secret_key: String,
    pub(crate) token: String,
    pub(crate) expires: OffsetDateTime,
}

/// A code and a message a piece of work fails with, shared by all the work a rule caught.
pub(crate) type Failure = Arc<(String, String)>;

/// The work a batch job (or a trigger) did on one object: a media job (`j…`) for a
/// `Type=Job` batch job, a workflow run (`i…`) with one task and its media job otherwise.
/// Derived from what is stored rather than stored: a batch job of a million objects keeps
/// its objects' keys and a failure pointer each, and its work's ids are made of a number.
#[derive(Clone, Copy)]
pub(crate) struct Work<'a> {
    number: u64,
    run: bool,
    pub(crate) object: &'a str,
    pub(crate) failure: Option<&'a (String, String)>,
    ids: &'a IdKeys,
}

impl Work<'_> {
    /// Its number, in the order of every piece of work.
    pub(crate) fn number(&self) -> u64 {
        self.number
    }

    /// `i…` for a run, `j…` for a media job.
    pub(crate) fn id(&self) -> String {
        self.ids
            .work_id(if self.run { 'i' } else { 'j' }, self.number)
    }
}

impl TriggeredRun {
    /// Its number, in the order of every piece of work.
    pub(crate) fn number(&self) -> u64 {
        self.number
    }
}

/// A run started by `POST /triggerworkflow`, tied to no batch job.
pub(crate) struct TriggeredRun {
    number: u64,
    object: String,
    failure: Option<Failure>,
    pub(crate) workflow_id: String,
    pub(crate) created: OffsetDateTime,
}

/// The key of the ids of work: each id is a keyed permutation of the work's number (so
/// that no id tells anything of another) and a keyed check of it (so that a made-up id
/// names no work), and is read back to its number without a table.
pub(crate) struct IdKeys {
    keys: std::collections::hash_map::RandomState,
}

impl IdKeys {
    fn new() -> Self {
        IdKeys {
            keys: std::collections::hash_map::RandomState::new(),
        }
    }

    fn round(&self, round: u32, half: u32) -> u32 {
        self.keys.hash_one((round, half)) as u32
    }

    /// A four-round Feistel permutation of the 64-bit numbers, keyed by `keys`.
    fn permute(&self, n: u64) -> u64 {
        let (mut left, mut right) = ((n >> 32) as u32, n as u32);
        for round in 0..4 {
            (left, right) = (right, left ^ self.round(round, right));
        }
        (u64::from(left) << 32) | u64::from(right)
    }

    fn unpermute(&self, p: u64) -> u64 {
        let (mut left, mut right) = ((p >> 32) as u32, p as u32);
        for round in (0..4).rev() {
            (left, right) = (right ^ self.round(round, left), left);
        }
        (u64::from(left) << 32) | u64::from(right)
    }

    fn check(&self, permuted: u64) -> u64 {
        self.keys.hash_one((u32::MAX, permuted))
    }

    /// `prefix` and 32 hex digits, like the service's ids.
    pub(crate) fn work_id(&self, prefix: char, number: u64) -> String {
        let permuted = self.permute(number);
        format!("{prefix}{permuted:016x}{:016x}", self.check(permuted))
    }

    /// The prefix and number of an id [`IdKeys::work_id`] made.
    fn work_number(&self, id: &str) -> Option<(char, u64)> {
        let prefix = id.chars().next()?;
        let hex = &id[prefix.len_utf8()..];
        if hex.len() != 32 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let permuted = u64::from_str_radix(&hex[..16], 16).ok()?;
        let check = u64::from_str_radix(&hex[16..], 16).ok()?;
        (check == self.check(permuted)).then(|| (prefix, self.unpermute(permuted)))
    }
}

/// The id of the media job that run `run_id`'s one task started: the run's id with `j` for
/// `i`. Derived rather than stored, so a run costs no second id; ids of both kinds come from
/// one counter, so a derived id never equals a media job's own.
pub(crate) fn task_job_id(run_id: &str) -> String {
    format!("j{}", run_id.strip_prefix('i').unwrap_or(run_id))
}

/// Where a piece of work is: in batch job `n`, or among the triggered runs.
#[derive(Clone, Copy)]
pub(crate) enum WorkRef {
    Batch(usize, usize),
    Triggered(usize),
}

/// Objects matching `pattern` fail with this code and message.
struct FailureRule {
    pattern: String,
    failure: Failure,
}

pub(crate) struct StoredJob {
    pub(crate) id: String,
    pub(crate) job: CreateRequest,
    pub(crate) created: OffsetDateTime,
    pub(crate) cancelled: Option<OffsetDateTime>,
    pub(crate) failure: Option<(String, String)>,
    pub(crate) covered: Vec<String>,
    /// The number of its first piece of work; the `i`th is numbered `first_work + i`.
    first_work: u64,
    /// One per piece of work (one per covered object, in order; none when the batch job
    /// failed as a whole): the failure its object meets.
    work_failures: Vec<Option<Failure>>,
}

impl StoredJob {
    /// The number of its first media job or run (they are numbered in creation order, with
    /// the triggered runs).
    pub(crate) fn first_work(&self) -> u64 {
        self.first_work
    }

    /// How many media jobs or runs it has.
    pub(crate) fn work_count(&self) -> usize {
        self.work_failures.len()
    }

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
    objects: BTreeMap<String, OffsetDateTime>,
    manifests: HashMap<String, Vec<String>>,
    /// The bodies of the objects uploaded with one (URL files); the other objects are a
    /// key and a time alone, so that a million of them fit in little memory.
    bodies: HashMap<String, Box<[u8]>>,
    /// The bytes `bodies` holds.
    body_bytes: usize,
    workflows: HashSet<String>,
    pub(crate) jobs: Vec<StoredJob>,
    temporary: HashMap<String, TemporaryCredentials>,
    /// The instance role the metadata service names, and how long its credentials last.
    instance_role: Option<(String, Duration)>,
    /// Where each workflow reports its runs' ends: a URL, and JSON rather than XML.
    pub(crate) workflow_callbacks: HashMap<String, (String, bool)>,
    /// The work whose end has been reported, by number.
    pub(crate) notified: HashSet<u64>,
    failure_rules: Vec<FailureRule>,
    pub(crate) triggered: Vec<TriggeredRun>,
    ids: IdKeys,
    submitted_for: Duration,
    running_for: Duration,
    /// How long each object's work of a batch job goes on after the batch job has ended.
    object_work_lag: Duration,
    /// How many of a batch job's media jobs or runs are created each second (`None`: all
    /// in the batch job's own second).
    work_per_second: Option<u32>,
    id_seed: u64,
    counter: u64,
}

impl State {
    const MAX_TEMPORARY: usize = 10_000;

    pub(crate) fn new() -> Self {
        State {
            clock: Clock::new(),
            objects: BTreeMap::new(),
            manifests: HashMap::new(),
            bodies: HashMap::new(),
            body_bytes: 0,
            workflows: HashSet::new(),
            jobs: Vec::new(),
            temporary: HashMap::new(),
            instance_role: None,
            workflow_callbacks: HashMap::new(),
            notified: HashSet::new(),
            failure_rules: Vec::new(),
            triggered: Vec::new(),
            ids: IdKeys::new(),
            submitted_for: Duration::from_secs(1),
            running_for: Duration::from_secs(2),
            object_work_lag: Duration::ZERO,
            work_per_second: None,
            id_seed: std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish(),
            counter: 0,
        }
    }

    pub(crate) fn put_object(&mut self, key: String, uploaded: OffsetDateTime) {
        if let Some(body) = self.bodies.remove(&key) {
            self.body_bytes -= body.len();
        }
        self.objects.insert(key, uploaded);
    }

    /// The most the bodies of uploaded objects may hold together.
    pub(crate) const MAX_BODIES: usize = 1 << 30;

    /// Stores an object uploaded now with `body`, as COS does: the same key is replaced.
    /// Refused when the bodies stored would pass [`State::MAX_BODIES`].
    pub(crate) fn put_object_body(&mut self, key: String, body: Vec<u8>) -> Result<(), String> {
        let replaced = self.bodies.get(&key).map_or(0, |b| b.len());
        let total = self.body_bytes - replaced + body.len();
        if total > Self::MAX_BODIES {
            return Err(format!(
                "the emulator keeps at most {} bytes of uploaded bodies",
                Self::MAX_BODIES
            ));
        }
        self.body_bytes = total;
        let now = self.clock.now();
        self.objects.insert(key.clone(), now);
        self.bodies.insert(key, body.into());
        Ok(())
    }

    pub(crate) fn object_body(&self, key: &str) -> Option<&[u8]> {
        self.bodies.get(key).map(|b| &b[..])
    }

    /// Makes the objects matching `pattern` (`*` matches any run of characters) fail with
    /// `code` and `message` in the batch jobs and triggers created from now on.
    pub(crate) fn fail_objects(&mut self, pattern: String, code: String, message: String) {
        self.failure_rules.push(FailureRule {
            pattern,
            failure: Arc::new((code, message)),
        });
    }

    pub(crate) fn clear_failures(&mut self) {
        self.failure_rules.clear();
    }

    /// The failure the first matching rule gives `object`.
    fn failure_of(&self, object: &str) -> Option<Failure> {
        self.failure_rules
            .iter()
            .find(|rule| matches_pattern(&rule.pattern, object))
            .map(|rule| rule.failure.clone())
    }

    /// The `i`th media job or run of `job`.
    pub(crate) fn work<'a>(&'a self, job: &'a StoredJob, i: usize) -> Work<'a> {
        Work {
            number: job.first_work + i as u64,
            run: job.job.job_type == JobType::Workflow,
            object: &job.covered[i],
            failure: job.work_failures[i].as_deref(),
            ids: &self.ids,
        }
    }

    /// The run a trigger started.
    pub(crate) fn triggered_work<'a>(&'a self, run: &'a TriggeredRun) -> Work<'a> {
        Work {
            number: run.number,
            run: true,
            object: &run.object,
            failure: run.failure.as_deref(),
            ids: &self.ids,
        }
    }

    /// Runs `workflow_id` once on `object` now; `Err` when the workflow is unknown.
    pub(crate) fn trigger(&mut self, workflow_id: &str, object: &str) -> Result<String, String> {
        if !self.workflows.contains(workflow_id) {
            return Err(format!("workflow {workflow_id} does not exist"));
        }
        let mut failure = self.failure_of(object);
        if failure.is_none() && !self.objects.contains_key(object) {
            failure = Some(Arc::new((
                "ResourceNotFound".to_owned(),
                format!("object {object} does not exist"),
            )));
        }
        self.counter += 1;
        let number = self.counter;
        self.triggered.push(TriggeredRun {
            number,
            object: object.to_owned(),
            failure,
            workflow_id: workflow_id.to_owned(),
            created: self.clock.now(),
        });
        Ok(self.ids.work_id('i', number))
    }

    /// Where the work with this media job or run id is.
    pub(crate) fn find_work(&self, id: &str) -> Option<WorkRef> {
        let (prefix, number) = self.ids.work_number(id)?;
        // Batch jobs are stored in the order their numbers were given.
        let b = self
            .jobs
            .partition_point(|job| job.first_work <= number)
            .checked_sub(1);
        if let Some(b) = b {
            let job = &self.jobs[b];
            let i = (number - job.first_work) as usize;
            let kind = if job.job.job_type == JobType::Workflow {
                'i'
            } else {
                'j'
            };
            if i < job.work_count() {
                return (prefix == kind).then_some(WorkRef::Batch(b, i));
            }
        }
        // Triggered runs are stored in the order their numbers were given.
        let i = self
            .triggered
            .binary_search_by_key(&number, |run| run.number)
            .ok()?;
        (prefix == 'i').then_some(WorkRef::Triggered(i))
    }

    /// Where the run is whose one task started the media job `id` (see [`task_job_id`]).
    pub(crate) fn find_task(&self, id: &str) -> Option<WorkRef> {
        // An `i…` id is only ever found among runs: a workflow batch job's or a trigger's.
        self.find_work(&format!("i{}", id.strip_prefix('j')?))
    }

    /// The state of a triggered run, on the same schedule as a batch job.
    pub(crate) fn triggered_snapshot(&self, run: &TriggeredRun) -> Snapshot {
        self.natural_snapshot(run.created, Duration::ZERO, run.failure.is_some())
    }

    pub(crate) fn put_manifest(&mut self, name: String, keys: Vec<String>) {
        self.manifests.insert(name, keys);
    }

    pub(crate) fn add_workflow(&mut self, id: String) {
        self.workflows.insert(id);
    }

    pub(crate) fn set_instance_role(&mut self, role: Option<(String, Duration)>) {
        self.instance_role = role;
    }

    pub(crate) fn instance_role(&self) -> Option<(String, Duration)> {
        self.instance_role.clone()
    }

    /// Issues a SecretId, key and session token valid until `expires` (emulator time).
    /// Beyond [`State::MAX_TEMPORARY`] issued, those expired over an hour ago are forgotten,
    /// then if need be the half that expire first (a client signing with one then hears
    /// `SecretidNotExist`), so that a client asking the metadata service in a loop cannot
    /// grow the emulator without bound.
    pub(crate) fn issue_temporary(&mut self, expires: OffsetDateTime) -> (String, String, String) {
        if self.temporary.len() >= Self::MAX_TEMPORARY {
            let forget_before = self.clock.now() - time::Duration::hours(1);
            self.temporary.retain(|_, t| t.expires >= forget_before);
        }
        if self.temporary.len() >= Self::MAX_TEMPORARY {
            // Still full of live credentials: the half that expire first are forgotten.
            let mut expiries: Vec<OffsetDateTime> =
                self.temporary.values().map(|t| t.expires).collect();
            expiries.sort_unstable();
            let keep_from = expiries[expiries.len() / 2];
            self.temporary.retain(|_, t| t.expires >= keep_from);
        }
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

    pub(crate) fn set_work_per_second(&mut self, rate: Option<u32>) {
        self.work_per_second = rate.filter(|r| *r > 0);
    }

    /// When the `i`th media job or run of batch job `job` was created: in the batch job's
    /// second, or `i / rate` whole seconds after it.
    pub(crate) fn work_created(&self, job: &StoredJob, i: usize) -> OffsetDateTime {
        let stamp = job.creation_stamp();
        match self.work_per_second {
            None => stamp,
            Some(rate) => later(stamp, Duration::from_secs((i / rate as usize) as u64)),
        }
    }

    pub(crate) fn set_object_work_lag(&mut self, lag: Duration) {
        self.object_work_lag = lag;
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
        // A batch job that fails as a whole starts no work.
        let work_failures: Vec<Option<Failure>> = if failure.is_some() {
            Vec::new()
        } else {
            covered
                .iter()
                .map(|object| self.failure_of(object))
                .collect()
        };
        let first_work = self.counter + 1;
        self.counter += work_failures.len() as u64;
        let index = self.jobs.len();
        self.jobs.push(StoredJob {
            id,
            job,
            created: now,
            cancelled: None,
            failure,
            covered,
            first_work,
            work_failures,
        });
        index
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
                    .range::<str, _>((
                        std::ops::Bound::Included(prefix.as_str()),
                        std::ops::Bound::Unbounded,
                    ))
                    .take_while(|(k, _)| k.starts_with(prefix.as_str()))
                    // The interval's times are whole seconds, and so is its end: an object
                    // uploaded within the end's second is inside.
                    .filter(|(_, t)| **t >= start && t.replace_nanosecond(0).unwrap_or(**t) <= end)
                    .map(|(k, _)| k.clone())
                    .collect())
            }
            Selector::Object(key) => Ok(self
                .objects
                .get_key_value(key)
                .map(|(k, _)| k.clone())
                .into_iter()
                .collect()),
            Selector::Manifest(name) => listed(self.manifests.get(name), "manifest", name),
            Selector::UrlFile(name) => self.url_file_keys(name),
        };
        match candidates {
            Ok(mut keys) => {
                keys.retain(|k| self.objects.contains_key(k));
                keys.sort();
                keys.dedup();
                (keys, failure)
            }
            Err(missing) => (Vec::new(), Some(missing)),
        }
    }

    /// The keys a URL file lists: the file named by its URL (as the SDK demos name it) or by
    /// its key (as the Java demo does), read from the bucket; one URL per line, blank lines
    /// and a `\r` before the `\n` passed over. Every line is read as an object of this
    /// bucket, whatever its host: a guess, as no document says what the service does with
    /// another bucket's URL.
    fn url_file_keys(&self, name: &str) -> Result<Vec<String>, (String, String)> {
        let key = if name.contains("://") {
            key_of_url(name)
        } else {
            name.to_owned()
        };
        let missing = || {
            (
                "ResourceNotFound".to_owned(),
                format!("url file {name} does not exist"),
            )
        };
        let body = self.bodies.get(&key).ok_or_else(missing)?;
        let text = std::str::from_utf8(body).map_err(|_| {
            (
                "InvalidArgument".to_owned(),
                format!("url file {name} is not UTF-8"),
            )
        })?;
        Ok(text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(key_of_url)
            .collect())
    }

    pub(crate) fn find(&self, id: &str) -> Option<&StoredJob> {
        self.jobs.iter().find(|j| j.id == id)
    }

    pub(crate) fn snapshot(&self, job: &StoredJob) -> Snapshot {
        // A batch job runs at least until its last media job or run is created.
        let starting = match self.work_per_second {
            Some(rate) => {
                Duration::from_secs((job.work_count().saturating_sub(1) / rate as usize) as u64)
            }
            None => Duration::ZERO,
        };
        let natural = self.natural_snapshot(job.created, starting, job.failure.is_some());
        cancelled_at(natural, job.cancelled)
    }

    /// The state of one object's work in a batch job: it runs with the batch job (and for
    /// the object work lag after it), and ends `Failed` when a failure rule caught its
    /// object.
    pub(crate) fn work_snapshot(&self, job: &StoredJob, i: usize) -> Snapshot {
        let fails = job.work_failures[i].is_some();
        let created = match self.work_per_second {
            None => job.created,
            Some(_) => self.work_created(job, i),
        };
        let natural = self.natural_snapshot(created, self.object_work_lag, fails);
        cancelled_at(natural, job.cancelled)
    }

    /// Submitted, then Running (for `extra` longer than configured), then Success (or
    /// Failed), on the configured durations from `created`.
    fn natural_snapshot(&self, created: OffsetDateTime, extra: Duration, fails: bool) -> Snapshot {
        let now = self.clock.now();
        let started = later(created, self.submitted_for);
        let ended = later(later(started, self.running_for), extra);
        if now < started {
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
            Snapshot {
                state: if fails {
                    JobState::Failed
                } else {
                    JobState::Success
                },
                start: Some(started),
                end: Some(ended),
            }
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

/// `natural`, cut at `cancelled` when that came before the end.
fn cancelled_at(natural: Snapshot, cancelled: Option<OffsetDateTime>) -> Snapshot {
    match cancelled {
        Some(at) if natural.end.is_none_or(|end| at < end) => Snapshot {
            state: JobState::Cancel,
            start: natural.start.filter(|s| *s <= at),
            end: Some(at),
        },
        _ => natural,
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The object key of a COS object URL: its path, percent-decoded, without the leading `/`.
fn key_of_url(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.split_once('/').map_or("", |(_, p)| p);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    super::service::percent_decode(path)
}

#[cfg(test)]
mod tests {
    use super::{IdKeys, matches_pattern};

    #[test]
    fn work_ids_read_back_to_their_numbers_and_made_up_ids_to_none() {
        let keys = IdKeys::new();
        for n in [0, 1, 2, 41, u64::from(u32::MAX), u64::MAX - 1, u64::MAX] {
            let id = keys.work_id('i', n);
            assert_eq!(id.len(), 33);
            assert_eq!(keys.work_number(&id), Some(('i', n)), "{id}");
        }
        let id = keys.work_id('j', 7);
        let mut flipped = id.clone().into_bytes();
        flipped[32] = if flipped[32] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            keys.work_number(std::str::from_utf8(&flipped).unwrap()),
            None
        );
        for bad in [
            "",
            "i",
            "i00",
            &id[..32],
            &format!("{id}0"),
            &id.to_uppercase(),
        ] {
            assert_eq!(keys.work_number(bad), None, "{bad}");
        }
        // Neighbours share nothing visible, and another emulator's ids are not read.
        assert_ne!(keys.work_id('i', 1)[1..9], keys.work_id('i', 2)[1..9]);
        assert_eq!(IdKeys::new().work_number(&id), None);
    }

    #[test]
    fn patterns_match_with_stars_and_exactly_without() {
        for (pattern, text) in [
            ("a.mp4", "a.mp4"),
            ("*", ""),
            ("*", "x/y"),
            ("v/*.mp4", "v/a.mp4"),
            ("v/*/*.mp4", "v/2024/a.mp4"),
            ("*broken*", "v/broken-1.mp4"),
            ("a*a", "aa"),
        ] {
            assert!(matches_pattern(pattern, text), "{pattern} {text}");
        }
        for (pattern, text) in [
            ("a.mp4", "a.mp4x"),
            ("v/*.mp4", "w/a.mp4"),
            ("v/*.mp4", "v/a.mov"),
            ("a*a", "a"),
            ("*x*", "abc"),
        ] {
            assert!(!matches_pattern(pattern, text), "{pattern} {text}");
        }
    }
}
