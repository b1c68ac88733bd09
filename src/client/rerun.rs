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
use super::outcomes::{OutcomeOptions, workflow_of};
use crate::encode::encode_into;
use crate::error::Error;
use crate::model::wire::WriteField;
use crate::model::{
    BatchJob, Element, Input, JobDetail, JobKind, JobState, JobType, MediaJob, Reported, Workflow,
};
use crate::ops::{ExecutionQuery, Order, PutObject, TriggerWorkflow, validate_key};
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
        let mut failed = BTreeMap::new();
        for outcome in self.outcomes(batch, &listing)? {
            let outcome = outcome?;
            if outcome.state != JobState::Failed || outcome.object.is_empty() {
                continue;
            }
            failed.entry(outcome.object).or_insert(Failed {
                run_id: outcome.run_id,
                created: outcome.created.as_ref().and_then(|t| t.time()),
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
        match (method, result.workflow_id.clone()) {
            (RerunMethod::Triggers, Some(workflow_id)) => {
                self.rerun_by_triggers(&workflow_id, failed, options, rerun, &mut result);
            }
            _ => {
                let keys: Vec<String> = failed.into_keys().collect();
                let is_workflow = result.workflow_id.is_some();
                let job = self.rerun_by_batch_job(batch, options, rerun, is_workflow, &keys)?;
                if rerun.dry_run && job.job.is_none() {
                    result.planned = keys;
                }
                result.batch_job = Some(job);
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
    /// or later. The listing starts a second earlier, as no source says whether its bound
    /// is inclusive; a run whose time cannot be read counts as newer, so that an object is
    /// never run twice for want of a time.
    fn newer_run(
        &self,
        workflow_id: &str,
        object: &str,
        failed: &Failed,
    ) -> Result<Option<String>, Error> {
        let mut query = ExecutionQuery::new(workflow_id)
            .object(object)
            .order(Order::Desc)
            .size(10);
        let since = failed
            .created
            .and_then(|t| t.checked_sub(time::Duration::SECOND));
        query.filters.created_after = since;
        let page = self.list_workflow_executions(&query)?;
        Ok(page
            .executions
            .into_iter()
            .filter(|run| Some(&run.run_id) != failed.run_id.as_ref())
            .filter(|run| run.object.as_deref() == Some(object))
            .find(|run| {
                let created = run.create_time.as_ref().and_then(|t| t.time());
                match (created, failed.created) {
                    (Some(created), Some(failed)) => {
                        created.unix_timestamp() >= failed.unix_timestamp()
                    }
                    _ => true,
                }
            })
            .map(|run| run.run_id))
    }

    /// Finds the re-run's batch job, or uploads its URL file and creates it.
    fn rerun_by_batch_job(
        &self,
        batch: &JobDetail,
        options: &OutcomeOptions,
        rerun: &RerunOptions,
        is_workflow: bool,
        keys: &[String],
    ) -> Result<RerunJob, Error> {
        let cos_host = self.bucket_cos_host()?;
        let digest = digest_of(keys);
        let name = format!("rerun-{}-{digest}", batch.job_id);
        let url_file = url_file_key(rerun, batch, &digest);
        let job = BatchJob::new(
            name.clone(),
            Input::url_file(object_url(&cos_host, &url_file)),
            kind_of(batch, options, is_workflow)?,
        );
        // Validated before anything is read or sent.
        let upload = PutObject::new(&url_file, url_file_body(&cos_host, keys))?;
        crate::ops::CreateJob::new(&job)?;
        let since = batch.creation_time.as_ref().and_then(|t| t.time());
        // Found whatever prefix its file was put under: the name says which objects.
        let found = super::create::find_created(self, &job, since, InputRule::AnyUrlFile)?;
        let mut made = RerunJob {
            name,
            url_file,
            existing: found.is_some(),
            job: found,
        };
        if made.existing || rerun.dry_run {
            return Ok(made);
        }
        self.put_object(&upload)?;
        made.job = Some(self.create(&job)?.job);
        Ok(made)
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
fn digest_of(keys: &[String]) -> String {
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
