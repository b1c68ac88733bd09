//! Running a batch job's failed objects again: by one trigger per object (a workflow's), or
//! by one new batch job whose Input is a URL file that lists them (either kind). Both may be
//! run again, after a kill or after they finished, without running an object twice.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use sha1::{Digest, Sha1};
use time::OffsetDateTime;

use super::Client;
use super::create::Sent;
use super::outcomes::{ObjectOutcome, OutcomeOptions, Outcomes, job_type_of, tag_of, workflow_of};
use crate::encode::encode_into;
use crate::error::{ConfigError, Error};
use crate::model::wire::WriteField;
use crate::model::{
    BatchJob, Element, Input, JobDetail, JobKind, JobState, JobType, MediaJob, Workflow,
};
use crate::ops::{
    ExecutionQuery, ListQuery, Order, PutObject, TriggerWorkflow, TypeFilter, validate_key,
    validate_key_path,
};
use crate::xml::Writer;

/// Up to this many failed objects, a workflow's re-run sends one trigger per object by
/// default; beyond, one batch job over a URL file.
///
/// Below it, triggers cost little (a check and a trigger per object: 200 requests, about
/// 10 s at 50 ms each, less at once), give each object its run id at once, need no right
/// to write to the bucket and leave no file behind. Beyond it, their cost grows with every
/// object, while the batch job's stays at a few requests (a lookup, an upload, a create)
/// and the service paces the work.
///
/// ```
/// assert_eq!(cos_ci_batch::TRIGGERS_UP_TO, 100);
/// ```
pub const TRIGGERS_UP_TO: usize = 100;

/// The most batch jobs a re-run reads while it looks for an earlier run's job: those of
/// its type created since the batch job. A bucket that made more since cannot be told
/// apart ([`Error::RerunLookupLimit`]).
///
/// ```
/// assert_eq!(cos_ci_batch::LOOKUP_LIMIT, 10_000);
/// ```
pub const LOOKUP_LIMIT: usize = 10_000;

/// Where re-run URL files go by default: `<prefix><batch job id>/<digest>.txt`.
///
/// ```
/// assert_eq!(cos_ci_batch::RerunOptions::default().url_file_prefix, cos_ci_batch::URL_FILE_PREFIX);
/// ```
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
    ///
    /// ```
    /// assert_eq!(cos_ci_batch::RerunMethod::BatchJob.as_str(), "batch-job");
    /// ```
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
///         println!("{object} was not run again: {error}");
///     }
///     if let Some(job) = rerun.batch_job.as_ref().and_then(|b| b.job()) {
///         println!("batch job {}", job.job_id);
///     }
/// }
/// # let _ = report;
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Rerun {
    /// The way taken (or that would be); [`RerunMethod::BatchJob`] also when a batch job an
    /// earlier run started was found, whatever way was asked.
    pub method: RerunMethod,
    /// How many distinct objects failed.
    pub objects: usize,
    /// The workflow run again (`Type=Workflow`).
    pub workflow_id: Option<String>,
    /// With a dry run: the objects that would be run again, in key order.
    pub planned: Vec<String>,
    /// Triggers: the objects triggered, with the id of each new run.
    pub triggered: Vec<(String, String)>,
    /// The objects of a workflow left alone because it has a run on them made since the
    /// batch job ended (an earlier re-run's, or anyone's), with its id.
    pub skipped: Vec<(String, String)>,
    /// The objects not run again, with why: by triggers, a check or trigger that failed (a
    /// trigger that may have reached the service is not sent again; running the re-run again
    /// skips it if it did); by a batch job, a key its URL file cannot name.
    pub errors: Vec<(String, Error)>,
    /// The batch job: planned, created, or found (an earlier run's).
    pub batch_job: Option<RerunJob>,
}

/// The batch job of a re-run: its name and URL file, both made of the original batch job's
/// id and a digest of its failed objects, so that the same re-run finds the same job.
///
/// ```
/// use cos_ci_batch::{RerunJob, RerunJobStatus};
///
/// fn describe(job: &RerunJob) -> String {
///     match &job.status {
///         RerunJobStatus::Found(found) => format!("{} was started by an earlier re-run", found.job_id),
///         RerunJobStatus::Created(created) => format!("started {}", created.job_id),
///         _ => format!("would upload {} and start {}", job.url_file, job.name),
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
    /// Whether it was planned, created or found.
    pub status: RerunJobStatus,
}

impl RerunJob {
    /// The job, created or found; `None` when only planned.
    ///
    /// ```
    /// fn job_id(job: &cos_ci_batch::RerunJob) -> Option<&str> {
    ///     job.job().map(|j| j.job_id.as_str())
    /// }
    /// # let _ = job_id;
    /// ```
    pub fn job(&self) -> Option<&JobDetail> {
        match &self.status {
            RerunJobStatus::Planned => None,
            RerunJobStatus::Created(job) | RerunJobStatus::Found(job) => Some(job),
        }
    }
}

/// What became of a re-run's batch job.
///
/// ```
/// use cos_ci_batch::{RerunJob, RerunJobStatus};
///
/// fn started_now(job: &RerunJob) -> bool {
///     matches!(job.status, RerunJobStatus::Created(_))
/// }
/// # let _ = started_now;
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum RerunJobStatus {
    /// A dry run: nothing was uploaded or created, and no earlier run's job was found.
    Planned,
    /// Its URL file was uploaded and the job created.
    Created(Box<JobDetail>),
    /// An earlier run had started it: nothing was uploaded or created. Its state may be
    /// anything, `Cancel` included; its own failures are re-run with its id.
    Found(Box<JobDetail>),
}

/// A failed object's record, and since when a run on it counts as a re-run.
struct Failed {
    run_id: Option<String>,
    /// The batch job's end when it is known (every re-run comes after it), else the failed
    /// run's creation, else the batch job's.
    since: Option<OffsetDateTime>,
}

impl Client {
    /// Runs the failed objects of `batch` (a batch job that has ended, as
    /// [`Client::describe`] returns it) again, each once, by the way `rerun` names or by the
    /// number of failures ([`RerunOptions::method`]). `options` says how to list the
    /// failures ([`Client::outcomes`]); its `concurrency` also bounds the triggers sent at
    /// once.
    ///
    /// Running it again, after a kill or after it finished, whichever way each run took,
    /// runs no object a second time:
    /// - the batch job is named from the batch job and a digest of its failed objects, and
    ///   every way first looks for it among the batch jobs of its type created since the
    ///   batch job ([`RerunJobStatus::Found`]). A re-run job of the same batch job over other
    ///   failures (they changed since, as work that was still running ended) is
    ///   [`Error::EarlierRerun`]: nothing is sent, rather than run its objects again.
    /// - an object of a workflow is skipped ([`Rerun::skipped`]) when the workflow has a run
    ///   on it made since the batch job ended: triggers check each object (one listing by
    ///   object); a batch job lists the workflow's runs since then once, so its cost grows
    ///   with every run of the workflow in that time, not only with the failures.
    /// - a trigger is sent again only when it certainly never reached the service; the URL
    ///   file is uploaded again whole, and the job created with [`Client::create`]'s rule.
    ///
    /// Something found is final: an object whose re-run failed too is skipped, and a re-run
    /// job that was cancelled is found; their own failures are re-run by their ids.
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
    /// use cos_ci_batch::{OutcomeOptions, RerunJobStatus, RerunMethod, RerunOptions};
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
    /// let started = rerun.batch_job.unwrap().job().unwrap().clone();
    ///
    /// // Again: the same job is found, nothing is uploaded or created.
    /// let again = client.rerun_failed(&batch, &options, &RerunOptions::default())?;
    /// let found = again.batch_job.unwrap();
    /// assert!(matches!(&found.status, RerunJobStatus::Found(job) if job.job_id == started.job_id));
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
        let is_workflow = job_type_of(batch, options)? == JobType::Workflow;
        // A file is written for every Type=Job re-run and whenever the way is asked: its key
        // is checked before anything is sent (the digest does not change whether it is valid).
        let writes_file = rerun.method == Some(RerunMethod::BatchJob) || !is_workflow;
        if writes_file {
            validate_key(&url_file_key(rerun, batch, "0000000000000000"))?;
        }
        if !batch.state.is_final() {
            return Err(Error::NotEnded {
                batch_job_id: batch.job_id.clone(),
                state: batch.state.clone(),
            });
        }
        let workflow_id = if is_workflow {
            Some(workflow_of(batch, options)?)
        } else if rerun.method == Some(RerunMethod::Triggers) {
            return Err(Error::NotAWorkflow {
                batch_job_id: batch.job_id.clone(),
            });
        } else {
            None
        };
        let failed = self.failures_of(batch, options, workflow_id.as_deref())?;
        let method = match (rerun.method, &workflow_id) {
            (Some(method), _) => method,
            (None, Some(_)) if failed.len() <= TRIGGERS_UP_TO => RerunMethod::Triggers,
            (None, _) => RerunMethod::BatchJob,
        };
        if method == RerunMethod::BatchJob && !writes_file {
            validate_key(&url_file_key(rerun, batch, "0000000000000000"))?;
        }
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
        // is looked for first: its objects may not have started yet, so no run shows them.
        let plan = self.plan_rerun_job(batch, options, rerun, is_workflow, &failed)?;
        if let Some(found) = self.earlier_rerun(batch, &plan.job)? {
            result.method = RerunMethod::BatchJob;
            result.batch_job = Some(RerunJob {
                name: plan.job.name,
                url_file: plan.url_file,
                status: RerunJobStatus::Found(Box::new(found)),
            });
            return Ok(result);
        }
        match (method, result.workflow_id.clone()) {
            (RerunMethod::Triggers, Some(workflow_id)) => {
                self.rerun_by_triggers(&workflow_id, failed, options, rerun, &mut result);
            }
            (_, workflow_id) => {
                if let Some(workflow_id) = workflow_id {
                    result.skipped = self.newer_runs(&workflow_id, &failed)?;
                }
                self.rerun_by_batch_job(plan, failed, rerun, &mut result)?;
            }
        }
        Ok(result)
    }

    /// The failed objects of `batch`, in key order, each once.
    fn failures_of(
        &self,
        batch: &JobDetail,
        options: &OutcomeOptions,
        workflow_id: Option<&str>,
    ) -> Result<BTreeMap<String, Failed>, Error> {
        let mut listing = options.clone().failure_details(false).failed_only(true);
        if let Some(id) = workflow_id {
            listing = listing.workflow_id(id);
        }
        let time = |t: &Option<crate::model::ServiceTime>| t.as_ref().and_then(|t| t.time());
        let (batch_created, batch_ended) = (time(&batch.creation_time), time(&batch.end_time));
        let mut failed = BTreeMap::new();
        for outcome in self.outcomes(batch, &listing)? {
            let outcome = outcome?;
            if outcome.state != JobState::Failed || outcome.object.is_empty() {
                continue;
            }
            let since = batch_ended.or(time(&outcome.created)).or(batch_created);
            failed.entry(outcome.object).or_insert(Failed {
                run_id: outcome.run_id,
                since,
            });
        }
        Ok(failed)
    }

    /// The re-run job an earlier run started for these failures: among the batch jobs of
    /// its type created since `batch` (from a second before: no source says whether the
    /// bound is inclusive), one named `rerun-<batch id>-…` that carries its Operation. Any
    /// other job so named is [`Error::EarlierRerun`]. At most [`LOOKUP_LIMIT`] jobs are read;
    /// more is [`Error::RerunLookupLimit`], as nothing could be told.
    fn earlier_rerun(&self, batch: &JobDetail, job: &BatchJob) -> Result<Option<JobDetail>, Error> {
        let Some(sent) = Sent::of(job)? else {
            return Ok(None);
        };
        let prefix = format!("rerun-{}-", batch.job_id);
        let mut query = ListQuery::new()
            .job_type(match job.job_type() {
                JobType::Job => TypeFilter::Job,
                _ => TypeFilter::Workflow,
            })
            .order(Order::Asc)
            .size(100);
        query.filters.created_after = batch
            .creation_time
            .as_ref()
            .and_then(|t| t.time())
            .and_then(|t| t.checked_sub(time::Duration::SECOND));
        let mut found = None;
        for (read, listed) in self.list_all(&query).enumerate() {
            if read == LOOKUP_LIMIT {
                return Err(Error::RerunLookupLimit {
                    batch_job_id: batch.job_id.clone(),
                    limit: LOOKUP_LIMIT,
                });
            }
            let listed = listed?;
            if !listed
                .name
                .as_deref()
                .is_some_and(|n| n.starts_with(&prefix))
            {
                continue;
            }
            if !sent.carried_by(&listed, true) {
                return Err(Error::EarlierRerun {
                    batch_job_id: batch.job_id.clone(),
                    rerun_job_id: listed.job_id,
                });
            }
            found.get_or_insert(listed);
        }
        Ok(found)
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

    /// A run of `workflow_id` on `object` made since its failure counts as a re-run
    /// ([`Failed::since`]), other than the failed one, from a listing by object. Every page
    /// is read until one is found, and the object of each run is checked, whatever the
    /// service's `name` filter matched.
    fn newer_run(
        &self,
        workflow_id: &str,
        object: &str,
        failed: &Failed,
    ) -> Result<Option<String>, Error> {
        let query = ExecutionQuery::new(workflow_id).object(object);
        for run in self.runs_since(query, failed.since) {
            let run = run?;
            if run.object == object && failed.is_older_than(&run) {
                return Ok(run.run_id);
            }
        }
        Ok(None)
    }

    /// Each failed object that has a newer run of `workflow_id`, with that run's id, in key
    /// order: one listing of the workflow's runs since the earliest failure's `since`.
    fn newer_runs(
        &self,
        workflow_id: &str,
        failed: &BTreeMap<String, Failed>,
    ) -> Result<Vec<(String, String)>, Error> {
        let since = failed.values().filter_map(|f| f.since).min();
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

    /// The runs `query` lists, created since `since` less a second (no source says whether
    /// the bound is inclusive), oldest first.
    fn runs_since(
        &self,
        query: ExecutionQuery,
        since: Option<OffsetDateTime>,
    ) -> super::pages::Pager<Outcomes> {
        let mut query = query.order(Order::Asc).size(100);
        query.filters.created_after = since.and_then(|t| t.checked_sub(time::Duration::SECOND));
        Outcomes::runs(self, query)
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
        // Without a COS host (a CI endpoint of its own and a bucket no host is made of),
        // the file is named by its key: a lookup does not compare it, and an upload fails.
        let cos_host = self.bucket_cos_host();
        let input = match &cos_host {
            Ok(host) => Input::url_file(object_url(host, &url_file)),
            Err(_) => Input::url_file(&url_file),
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
        let mut skipped = result.skipped.iter().map(|(object, _)| object).peekable();
        let mut keys = Vec::with_capacity(failed.len() - result.skipped.len());
        for key in failed.into_keys() {
            if skipped.next_if(|s| **s == key).is_some() {
                continue;
            }
            match validate_key_path(&key) {
                Ok(()) => keys.push(key),
                Err(e) => result.errors.push((key, e.into())),
            }
        }
        if keys.is_empty() {
            return Ok(());
        }
        let cos_host = plan.cos_host.map_err(Error::Config)?;
        let mut made = RerunJob {
            name: plan.job.name.clone(),
            url_file: plan.url_file,
            status: RerunJobStatus::Planned,
        };
        if rerun.dry_run {
            result.planned = keys;
            result.batch_job = Some(made);
            return Ok(());
        }
        let upload = PutObject::new(&made.url_file, url_file_body(&cos_host, &keys))?;
        self.put_object(&upload)?;
        made.status = RerunJobStatus::Created(Box::new(self.create(&plan.job)?.job));
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
    /// Whether `run` (another record on the same object) counts as its re-run: a different
    /// run, created in the second of [`Failed::since`] or later; one whose time cannot be
    /// read counts, so that an object is never run twice for want of a time.
    fn is_older_than(&self, run: &ObjectOutcome) -> bool {
        if run.run_id.is_none() || run.run_id == self.run_id {
            return false;
        }
        let created = run.created.as_ref().and_then(|t| t.time());
        match (created, self.since) {
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
/// upload-time filter, which selected objects the URL file now names. (A batch job that
/// echoes no Operation gives its workflow or Tag alone, from the options.)
fn kind_of(
    batch: &JobDetail,
    options: &OutcomeOptions,
    is_workflow: bool,
) -> Result<JobKind, Error> {
    let echoed = match &batch.operation {
        Some(operation) => {
            let mut w = Writer::new();
            operation.write_field(&mut w, "Operation")?;
            Element::from_xml(&w.finish())?.children
        }
        None => Vec::new(),
    };
    let others = |named: &str| {
        echoed
            .iter()
            .filter(|c| c.name != named && c.name != "TimeInterval")
            .cloned()
            .collect::<Vec<_>>()
    };
    if !is_workflow {
        let mut job = MediaJob::new(tag_of(batch, options)?);
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

    /// SHA-1 of 00 00 00 00 00 00 00 01 'a' 00 00 00 00 00 00 00 01 'b', first 8 bytes.
    const DIGEST_OF_A_B: &str = "687fb8b40baf82db";

    #[test]
    fn object_urls_encode_each_segment_as_the_sdks_do() {
        assert_eq!(
            object_url("b-1.cos.r.myqcloud.com", "dir/a b+c~!*()'&=?#%é.txt"),
            "https://b-1.cos.r.myqcloud.com/dir/a%20b%2Bc~%21%2A%28%29%27%26%3D%3F%23%25%C3%A9.txt"
        );
    }

    #[test]
    fn the_digest_depends_on_every_key_and_their_order_and_never_changes() {
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ab = digest_of(&keys(&["a", "b"]));
        // A re-run job is found by a name made of it: a later release that computed another
        // digest would start a second job for the failures an earlier one re-ran.
        assert_eq!(ab, DIGEST_OF_A_B);
        assert_ne!(ab, digest_of(&keys(&["b", "a"])));
        assert_ne!(ab, digest_of(&keys(&["a", "c"])));
        assert_ne!(ab, digest_of(&keys(&["ab"])));
        assert_ne!(ab, digest_of(&keys(&["a\nb"])));
    }
}
