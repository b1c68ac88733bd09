//! Running a batch job's failed objects again: by one trigger per object (a workflow's), or
//! by one new batch job whose Input is a URL file that lists them (either kind). Both may be
//! run again, after a kill or after they finished, without running an object twice.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use sha1::{Digest, Sha1};
use time::OffsetDateTime;

use super::Client;
use super::create::InputRule;
use super::outcomes::{ObjectOutcome, OutcomeOptions, Outcomes, workflow_of};
use super::pages::Pager;
use crate::encode::encode_into;
use crate::error::{ConfigError, Error};
use crate::model::wire::WriteField;
use crate::model::{
    BatchJob, Element, Input, JobDetail, JobKind, JobState, JobType, MediaJob, Reported, Workflow,
};
use crate::ops::{ExecutionQuery, Order, PutObject, TriggerWorkflow, path_safe, validate_key};
use crate::xml::Writer;

/// Up to this many failed objects, a workflow's re-run sends one trigger per object by
/// default; beyond, one batch job over a URL file.
///
/// Below it, triggers cost little (a check and a trigger per object: 200 requests, about
/// 10 s at 50 ms each, less at once), give each object its run id at once, need no right
/// to write to the bucket and leave no file behind. Beyond it, their cost grows with every
/// object, while the batch job's stays at a few requests (a search, an upload, a create)
/// and the service paces the work.
pub const TRIGGERS_UP_TO: usize = 100;

/// Where re-run URL files go by default: `<prefix><batch job id>/<digest>.txt`.
pub const URL_FILE_PREFIX: &str = "cos-ci-batch/reruns/";

/// How a re-run runs the failed objects again.
///
/// ```
/// use cos_ci_batch::{RerunMethod, RerunOptions};
///
/// let options = RerunOptions::default().method(RerunMethod::BatchJob);
/// assert_eq!(options.method, Some(RerunMethod::BatchJob));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RerunMethod {
    /// One `POST /triggerworkflow` per object: `Type=Workflow` batch jobs only.
    Triggers,
    /// One new batch job, with the same Operation, over a URL file listing the objects.
    BatchJob,
}

impl RerunMethod {
    /// `triggers` or `batch-job`.
    pub fn as_str(self) -> &'static str {
        match self {
            RerunMethod::Triggers => "triggers",
            RerunMethod::BatchJob => "batch-job",
        }
    }
}

/// How [`Client::rerun_failed`] goes about it.
///
/// ```
/// use cos_ci_batch::RerunOptions;
///
/// let options = RerunOptions::default().dry_run(true).url_file_prefix("tmp/reruns/");
/// assert!(options.dry_run);
/// assert_eq!(options.method, None); // chosen by the number of failures
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RerunOptions {
    /// Send nothing that changes anything: read the failures, look for what an earlier
    /// re-run did, and say what would be done.
    pub dry_run: bool,
    /// The way; `None` (the default) chooses triggers for a workflow with at most
    /// [`TRIGGERS_UP_TO`] failed objects, and a batch job otherwise.
    pub method: Option<RerunMethod>,
    /// Where URL files go: `<prefix><batch job id>/<digest>.txt` (default
    /// [`URL_FILE_PREFIX`]). A workflow triggered by uploads under it would run on the file.
    pub url_file_prefix: String,
}

impl Default for RerunOptions {
    fn default() -> Self {
        RerunOptions {
            dry_run: false,
            method: None,
            url_file_prefix: URL_FILE_PREFIX.to_owned(),
        }
    }
}

impl RerunOptions {
    /// Sends nothing that changes anything.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Uses this way whatever the number of failures.
    pub fn method(mut self, method: RerunMethod) -> Self {
        self.method = Some(method);
        self
    }

    /// Puts URL files under this key prefix.
    pub fn url_file_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.url_file_prefix = prefix.into();
        self
    }
}

/// What [`Client::rerun_failed`] did, or would do with a dry run.
///
/// ```
/// use cos_ci_batch::{Rerun, RerunMethod};
///
/// fn report(rerun: &Rerun) {
///     println!("{} failed objects, by {}", rerun.objects, rerun.method.as_str());
///     for (object, run_id) in &rerun.triggered {
///         println!("triggered {object}: run {run_id}");
///     }
///     for (object, run_id) in &rerun.skipped {
///         println!("{object} already has run {run_id}");
///     }
///     for (object, error) in &rerun.errors {
///         println!("could not trigger {object}: {error}");
///     }
///     if let Some(job) = rerun.batch_job.as_ref().and_then(|b| b.job.as_ref()) {
///         println!("batch job {}", job.job_id);
///     }
/// }
/// # let _ = report;
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Rerun {
    /// The way taken (or that would be).
    pub method: RerunMethod,
    /// How many distinct objects failed.
    pub objects: usize,
    /// The workflow run again (`Type=Workflow`).
    pub workflow_id: Option<String>,
    /// With a dry run: the objects that would be run again, in key order.
    pub planned: Vec<String>,
    /// Triggers: the objects triggered, with the id of each new run.
    pub triggered: Vec<(String, String)>,
    /// Triggers: the objects left alone because a run newer than the failed one exists
    /// (an earlier re-run's, or anyone's), with its id.
    pub skipped: Vec<(String, String)>,
    /// Triggers: the objects whose check or trigger failed, with why. A trigger that may
    /// have reached the service is not sent again; running the re-run again skips it if it
    /// did.
    pub errors: Vec<(String, Error)>,
    /// The batch job way: the job, and its URL file.
    pub batch_job: Option<RerunJob>,
}

/// The batch job of a re-run: its name and URL file, both made of the original batch job's
/// id and a digest of its failed objects, so that the same re-run finds the same job.
///
/// ```
/// use cos_ci_batch::RerunJob;
///
/// fn describe(job: &RerunJob) -> String {
///     match (&job.job, job.existing) {
///         (Some(found), true) => format!("{} was started by an earlier re-run", found.job_id),
///         (Some(created), false) => format!("started {}", created.job_id),
///         (None, _) => format!("would upload {} and start {}", job.url_file, job.name),
///     }
/// }
/// # let _ = describe;
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RerunJob {
    /// Its `Name`: `rerun-<batch job id>-<digest>`.
    pub name: String,
    /// The key of its URL file.
    pub url_file: String,
    /// The job, as created or found; `None` on a dry run that found none.
    pub job: Option<JobDetail>,
    /// Whether an earlier re-run had created it (nothing was uploaded or created).
    pub existing: bool,
}

/// A failed object's record: what a newer run is newer than.
struct Failed {
    run_id: Option<String>,
    created: Option<OffsetDateTime>,
}

impl Client {
    /// Runs the failed objects of `batch` (a batch job that has ended, as
    /// [`Client::describe`] returns it) again, each once, by the way `rerun` names or by the
    /// number of failures ([`RerunOptions::method`]). `options` says how to list the
    /// failures ([`Client::outcomes`]); its `concurrency` also bounds the triggers sent at
    /// once.
    ///
    /// Running it again, after a kill or after it finished, runs no object a second time:
    /// - **triggers**: an object is skipped ([`Rerun::skipped`]) when its workflow has a run
    ///   on it newer than the failed one (one listing per object, by object and creation
    ///   time). A trigger is sent again only when it certainly never reached the service.
    /// - **batch job**: the job is named from the batch job and a digest of its failed
    ///   objects, and is looked for (as a create's search looks) before the URL file is
    ///   uploaded and the job created, with [`Client::create`]'s rule.
    ///
    /// One window is left: a trigger that a killed run had sent, still on its way through
    /// the service when the next run looks, cannot be seen; run again after the service's
    /// round trip, not in the same instant.
    ///
    /// The failures are those listed when it runs: work still running is not among them.
    /// A batch job whose `Success` may come before its objects' work ends is waited for
    /// with [`Client::wait_for_objects`] first.
    ///
    /// The URL file lists one URL per line, `https://<bucket>.cos.<region>.myqcloud.com/`
    /// and the key with every byte outside `A-Z a-z 0-9 - _ . ~ /` percent-encoded, in key
    /// order; the job's `Input.UrlFile` is the file's URL. No document states the format
    /// beyond "one COS object URL per line"; this is how the official SDKs write an object's
    /// URL, and their demos name the file by its URL.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cos_ci_batch::emulator::Emulator;
    /// use cos_ci_batch::model::{BatchJob, Input, MediaJob, Tag};
    /// use cos_ci_batch::{OutcomeOptions, RerunMethod, RerunOptions};
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.put_objects(["in/a.mp4", "in/b.avi"], emulator.now());
    /// emulator.fail_objects("*.avi", "UnsupportedFormat", "avi is not supported");
    /// let client = emulator.client_builder().build()?;
    /// let job = BatchJob::media("covers", MediaJob::new(Tag::Snapshot), Input::prefix("in/"));
    /// let id = client.create(&job)?.job.job_id;
    /// emulator.advance(Duration::from_secs(10));
    /// let batch = client.describe(&id)?.job;
    ///
    /// emulator.clear_failures();
    /// let options = OutcomeOptions::default();
    /// let rerun = client.rerun_failed(&batch, &options, &RerunOptions::default())?;
    /// assert_eq!((rerun.method, rerun.objects), (RerunMethod::BatchJob, 1));
    /// let started = rerun.batch_job.unwrap().job.unwrap();
    ///
    /// // Again: the same job is found, nothing is uploaded or created.
    /// let again = client.rerun_failed(&batch, &options, &RerunOptions::default())?;
    /// let found = again.batch_job.unwrap();
    /// assert!(found.existing);
    /// assert_eq!(found.job.unwrap().job_id, started.job_id);
    ///
    /// emulator.advance(Duration::from_secs(10));
    /// let rerun_batch = client.describe(&started.job_id)?.job;
    /// let summary = client.outcome_summary(&rerun_batch, &options, 10)?;
    /// assert_eq!((summary.total, summary.failed), (1, 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rerun_failed(
        &self,
        batch: &JobDetail,
        options: &OutcomeOptions,
        rerun: &RerunOptions,
    ) -> Result<Rerun, Error> {
        if rerun.method != Some(RerunMethod::Triggers) {
            // The prefix is checked before anything is read; the digest does not change
            // whether a key is valid.
            validate_key(&url_file_key(rerun, batch, "0000000000000000"))?;
        }
        if !batch.state.is_final() {
            return Err(Error::NotEnded {
                batch_job_id: batch.job_id.clone(),
                state: batch.state.clone(),
            });
        }
        let is_workflow = match &batch.job_type {
            Some(JobType::Workflow) => true,
            Some(JobType::Job) => false,
            // The options say which listing when the batch job does not.
            _ => options.workflow_id.is_some() && options.tag.is_none(),
        };
        let workflow_id = if is_workflow {
            Some(workflow_of(batch, options)?)
        } else if rerun.method == Some(RerunMethod::Triggers) {
            return Err(Error::NotAWorkflow {
                batch_job_id: batch.job_id.clone(),
            });
        } else {
            None
        };
        let mut listing = options.clone().failure_details(false).failed_only(true);
        if let Some(id) = &workflow_id {
            listing = listing.workflow_id(id.clone());
        }
        let batch_created = batch.creation_time.as_ref().and_then(|t| t.time());
        let mut failed = BTreeMap::new();
        for outcome in self.outcomes(batch, &listing)? {
            let outcome = outcome?;
            if outcome.state != JobState::Failed || outcome.object.is_empty() {
                continue;
            }
            // A run whose time cannot be read was created no earlier than its batch job:
            // only runs since then can be newer.
            let created = outcome.created.as_ref().and_then(|t| t.time());
            failed.entry(outcome.object).or_insert(Failed {
                run_id: outcome.run_id,
                created: created.or(batch_created),
            });
        }
        let method = match (rerun.method, &workflow_id) {
            (Some(method), _) => method,
            (None, Some(_)) if failed.len() <= TRIGGERS_UP_TO => RerunMethod::Triggers,
            (None, _) => RerunMethod::BatchJob,
        };
        let mut result = Rerun {
            method,
            objects: failed.len(),
            workflow_id,
            planned: Vec::new(),
            triggered: Vec::new(),
            skipped: Vec::new(),
            errors: Vec::new(),
            batch_job: None,
        };
        if failed.is_empty() {
            return Ok(result);
        }
        // Whatever the way asked now, a batch job an earlier run started for these failures
        // is found first: its objects may not have started yet, so no newer run shows them.
        // (Triggers go on without a lookup when the batch job echoes too little to name one:
        // no re-run job can have been made of it either.)
        let plan = match self.plan_rerun_job(batch, options, rerun, is_workflow, &failed) {
            Ok(plan) => Some(plan),
            Err(_) if method == RerunMethod::Triggers => None,
            Err(e) => return Err(e),
        };
        let since = batch_created;
        if let Some(plan) = &plan {
            let found = super::create::find_created(self, &plan.job, since, InputRule::AnyUrlFile)?;
            if let Some(found) = found {
                result.batch_job = Some(RerunJob {
                    name: plan.job.name.clone(),
                    url_file: plan.url_file.clone(),
                    job: Some(found),
                    existing: true,
                });
                return Ok(result);
            }
        }
        match (method, result.workflow_id.clone()) {
            (RerunMethod::Triggers, Some(workflow_id)) => {
                self.rerun_by_triggers(&workflow_id, failed, options, rerun, &mut result);
            }
            (_, workflow_id) => {
                // A run made since the batch job ended (by triggers, or by anyone) is newer
                // than every failed run; objects that have one are left out.
                if let Some(workflow_id) = workflow_id {
                    let since = batch.end_time.as_ref().and_then(|t| t.time()).or(since);
                    result.skipped = self.newer_runs(&workflow_id, &failed, since)?;
                }
                if let Some(plan) = plan {
                    self.rerun_by_batch_job(plan, failed, rerun, &mut result)?;
                }
            }
        }
        Ok(result)
    }

    /// Checks and triggers each object, `concurrency` at once; results in key order.
    fn rerun_by_triggers(
        &self,
        workflow_id: &str,
        failed: BTreeMap<String, Failed>,
        options: &OutcomeOptions,
        rerun: &RerunOptions,
        result: &mut Rerun,
    ) {
        let failed: Vec<(String, Failed)> = failed.into_iter().collect();
        let next = AtomicUsize::new(0);
        let done = Mutex::new(Vec::with_capacity(failed.len()));
        let workers = options.concurrency.clamp(1, 64).min(failed.len());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((object, record)) = failed.get(i) else {
                            return;
                        };
                        let step = self.rerun_one(workflow_id, object, record, rerun.dry_run);
                        done.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push((i, step));
                    }
                });
            }
        });
        let mut done = done.into_inner().unwrap_or_else(PoisonError::into_inner);
        done.sort_unstable_by_key(|(i, _)| *i);
        for (i, step) in done {
            let object = failed[i].0.clone();
            match step {
                Step::Planned => result.planned.push(object),
                Step::Triggered(run) => result.triggered.push((object, run)),
                Step::Skipped(run) => result.skipped.push((object, run)),
                Step::Failed(e) => result.errors.push((object, e)),
            }
        }
    }

    fn rerun_one(&self, workflow_id: &str, object: &str, failed: &Failed, dry_run: bool) -> Step {
        match self.newer_run(workflow_id, object, failed) {
            Ok(Some(run)) => return Step::Skipped(run),
            Ok(None) => {}
            Err(e) => return Step::Failed(e),
        }
        if dry_run {
            return Step::Planned;
        }
        let trigger = match TriggerWorkflow::new(workflow_id, object) {
            Ok(trigger) => trigger,
            Err(e) => return Step::Failed(e.into()),
        };
        match self.trigger_workflow(&trigger) {
            Ok(run) => Step::Triggered(run.run_id),
            Err(e) => Step::Failed(e),
        }
    }

    /// A run of `workflow_id` on `object` other than the failed one, created in its second
    /// or later, from a listing by object that starts a second earlier (no source says
    /// whether its bound is inclusive). Every page is read until one is found, and the
    /// object of each run is checked, whatever the service's `name` filter matched.
    fn newer_run(
        &self,
        workflow_id: &str,
        object: &str,
        failed: &Failed,
    ) -> Result<Option<String>, Error> {
        let query = ExecutionQuery::new(workflow_id).object(object);
        for run in self.runs_since(query, failed.created) {
            let run = run?;
            if run.object == object && failed.is_older_than(&run) {
                return Ok(run.run_id);
            }
        }
        Ok(None)
    }

    /// Each failed object that has a run of `workflow_id` newer than its failed one, among
    /// the runs created since `since` (less a second), with that run's id, in key order.
    fn newer_runs(
        &self,
        workflow_id: &str,
        failed: &BTreeMap<String, Failed>,
        since: Option<OffsetDateTime>,
    ) -> Result<Vec<(String, String)>, Error> {
        let mut newer = BTreeMap::new();
        for run in self.runs_since(ExecutionQuery::new(workflow_id), since) {
            let run = run?;
            let Some(record) = failed.get(&run.object) else {
                continue;
            };
            if record.is_older_than(&run) {
                let id = run.run_id.unwrap_or_default();
                newer.entry(run.object).or_insert(id);
            }
        }
        Ok(newer.into_iter().collect())
    }

    /// The runs `query` lists, created since `since` less a second, oldest first.
    fn runs_since(
        &self,
        mut query: ExecutionQuery,
        since: Option<OffsetDateTime>,
    ) -> Pager<Outcomes> {
        query = query.order(Order::Asc).size(100);
        query.filters.created_after = since.and_then(|t| t.checked_sub(time::Duration::SECOND));
        let listing = Outcomes::Workflow {
            client: self.clone(),
            query,
            failure_details: false,
            deadline: None,
        };
        Pager::new(listing, None)
    }

    /// The re-run's batch job, as it would be created: named from the batch job and all
    /// its failed objects, so that every later run names it alike.
    fn plan_rerun_job(
        &self,
        batch: &JobDetail,
        options: &OutcomeOptions,
        rerun: &RerunOptions,
        is_workflow: bool,
        failed: &BTreeMap<String, Failed>,
    ) -> Result<Plan, Error> {
        let digest = digest_of(failed.keys());
        let url_file = url_file_key(rerun, batch, &digest);
        // Triggers need no file: without a COS host, the file is named by its key, which
        // a lookup by name does not compare.
        let cos_host = self.bucket_cos_host();
        let input = match &cos_host {
            Ok(host) => Input::url_file(object_url(host, &url_file)),
            Err(_) if rerun.method == Some(RerunMethod::Triggers) => Input::url_file(&url_file),
            Err(e) => return Err(Error::Config(e.clone())),
        };
        let job = BatchJob::new(
            format!("rerun-{}-{digest}", batch.job_id),
            input,
            kind_of(batch, options, is_workflow)?,
        );
        crate::ops::CreateJob::new(&job)?;
        Ok(Plan {
            job,
            url_file,
            cos_host,
        })
    }

    /// Uploads the URL file of the failed objects not skipped, and creates the job.
    fn rerun_by_batch_job(
        &self,
        plan: Plan,
        failed: BTreeMap<String, Failed>,
        rerun: &RerunOptions,
        result: &mut Rerun,
    ) -> Result<(), Error> {
        let cos_host = plan.cos_host.map_err(Error::Config)?;
        let mut skipped = result.skipped.iter().map(|(object, _)| object).peekable();
        let mut keys = Vec::with_capacity(failed.len() - result.skipped.len());
        for key in failed.into_keys() {
            if skipped.next_if(|s| **s == key).is_some() {
                continue;
            }
            match path_safe(&key) {
                Ok(()) => keys.push(key),
                Err(e) => result.errors.push((key, e.into())),
            }
        }
        let mut made = RerunJob {
            name: plan.job.name.clone(),
            url_file: plan.url_file,
            job: None,
            existing: false,
        };
        if keys.is_empty() {
            return Ok(());
        }
        if rerun.dry_run {
            result.planned = keys;
            result.batch_job = Some(made);
            return Ok(());
        }
        self.put_object(&PutObject::new(
            &made.url_file,
            url_file_body(&cos_host, &keys),
        )?)?;
        made.job = Some(self.create(&plan.job)?.job);
        result.batch_job = Some(made);
        Ok(())
    }
}

/// A re-run's batch job before it is looked for or created.
struct Plan {
    job: BatchJob,
    url_file: String,
    cos_host: Result<String, ConfigError>,
}

impl Failed {
    /// Whether `run` (another record on the same object) came after this failure: a
    /// different run, created in the failure's second or later; one whose time cannot be
    /// read counts, so that an object is never run twice for want of a time.
    fn is_older_than(&self, run: &ObjectOutcome) -> bool {
        if run.run_id.is_none() || run.run_id == self.run_id {
            return false;
        }
        let created = run.created.as_ref().and_then(|t| t.time());
        match (created, self.created) {
            (Some(created), Some(failed)) => created.unix_timestamp() >= failed.unix_timestamp(),
            _ => true,
        }
    }
}

/// `<prefix><batch job id>/<digest>.txt`.
fn url_file_key(rerun: &RerunOptions, batch: &JobDetail, digest: &str) -> String {
    format!("{}{}/{digest}.txt", rerun.url_file_prefix, batch.job_id)
}

/// What became of one object of a re-run by triggers.
enum Step {
    Planned,
    Triggered(String),
    Skipped(String),
    Failed(Error),
}

/// The first 16 hex digits of the SHA-1 of the keys in order, each after its length, so
/// that no two lists of keys (which may hold any character) give the same input.
fn digest_of<'a>(keys: impl IntoIterator<Item = &'a String>) -> String {
    let mut hash = Sha1::new();
    for key in keys {
        hash.update((key.len() as u64).to_be_bytes());
        hash.update(key.as_bytes());
    }
    let digest: [u8; 20] = hash.finalize().into();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// `https://<host>/<key>`, each segment of the key percent-encoded.
fn object_url(host: &str, key: &str) -> String {
    let mut url = format!("https://{host}/");
    for (i, segment) in key.split('/').enumerate() {
        if i > 0 {
            url.push('/');
        }
        encode_into(&mut url, segment);
    }
    url
}

fn url_file_body(host: &str, keys: &[String]) -> Vec<u8> {
    let mut body = String::with_capacity(keys.len() * (host.len() + 40));
    for key in keys {
        body.push_str(&object_url(host, key));
        body.push('\n');
    }
    body.into_bytes()
}

/// The batch job's Operation, echoed, as a new job's: the same elements but for the
/// upload-time filter, which selected objects the URL file now names.
fn kind_of(
    batch: &JobDetail,
    options: &OutcomeOptions,
    is_workflow: bool,
) -> Result<JobKind, Error> {
    let missing = |what| Error::OutcomeSourceUnknown {
        batch_job_id: batch.job_id.clone(),
        missing: what,
    };
    let operation = batch
        .operation
        .as_ref()
        .ok_or_else(|| missing("Operation"))?;
    let mut w = Writer::new();
    operation.write_field(&mut w, "Operation")?;
    let echoed = Element::from_xml(&w.finish())?;
    let others = |named: &str| {
        echoed
            .children
            .iter()
            .filter(|c| c.name != named && c.name != "TimeInterval")
            .cloned()
            .collect::<Vec<_>>()
    };
    if !is_workflow {
        let tag = operation
            .tag
            .as_ref()
            .and_then(Reported::value)
            .filter(|tag| !tag.as_str().is_empty())
            .or_else(|| options.tag.clone())
            .ok_or_else(|| missing("Tag"))?;
        let mut job = MediaJob::new(tag);
        job.extra = others("Tag");
        return Ok(JobKind::Job(Box::new(job)));
    }
    let mut workflow = Workflow::new(workflow_of(batch, options)?);
    workflow.extra = others("WorkflowIds");
    Ok(JobKind::Workflow(workflow))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_urls_encode_each_segment_as_the_sdks_do() {
        assert_eq!(
            object_url("b-1.cos.r.myqcloud.com", "dir/a b+c~!*()'&=?#%é.txt"),
            "https://b-1.cos.r.myqcloud.com/dir/a%20b%2Bc~%21%2A%28%29%27%26%3D%3F%23%25%C3%A9.txt"
        );
    }

    #[test]
    fn the_digest_depends_on_every_key_and_their_order() {
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ab = digest_of(&keys(&["a", "b"]));
        assert_eq!(ab.len(), 16);
        assert_ne!(ab, digest_of(&keys(&["a", "c"])));
        assert_ne!(ab, digest_of(&keys(&["ab"])));
        assert_ne!(ab, digest_of(&keys(&["a\nb"])));
    }
}
