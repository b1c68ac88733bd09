//! What happened to each object of a batch job: one record per object, from the media jobs
//! (`Type=Job`) or the workflow runs (`Type=Workflow`) the batch job started, page by page.

use std::marker::PhantomData;
use std::time::Instant;

use time::OffsetDateTime;

use super::Client;
use super::pages::{Listing, Page, Pager};
use super::retry::{self, RetryRule};
use super::wait::{Poller, WaitOptions};
use crate::error::Error;
use crate::model::{
    ExecutionSummary, JobDetail, JobState, JobType, MediaJobDetail, Reported, ServiceTime, Tag,
    WorkflowExecution,
};
use crate::ops::{
    ExecutionQuery, ListMediaJobs, ListWorkflowExecutions, MediaJobQuery, Order, StateFilter,
};

/// What happened to one object of a batch job.
///
/// ```
/// use cos_ci_batch::emulator::Emulator;
/// use cos_ci_batch::model::{BatchJob, Input, JobState};
/// use cos_ci_batch::OutcomeOptions;
///
/// let emulator = Emulator::start()?;
/// emulator.add_workflow("w1");
/// emulator.put_object("v/a.mp4", emulator.now());
/// emulator.fail_objects("v/a.mp4", "DecodeError", "no video stream");
/// let client = emulator.client_builder().build()?;
/// let batch = client.create(&BatchJob::workflow("n", "w1", Input::prefix("v/")))?.job;
/// emulator.advance(std::time::Duration::from_secs(10));
///
/// let outcome = client.outcomes(&batch, &OutcomeOptions::default())?.next().unwrap()?;
/// assert_eq!((outcome.object.as_str(), &outcome.state), ("v/a.mp4", &JobState::Failed));
/// assert_eq!(outcome.code.as_deref(), Some("DecodeError"));
/// assert!(outcome.run_id.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectOutcome {
    /// The object key (empty if the service named none).
    pub object: String,
    /// The state of its media job or workflow run.
    pub state: JobState,
    /// The failure code, when the state is `Failed`.
    pub code: Option<String>,
    /// The failure message, when the state is `Failed`.
    pub message: Option<String>,
    /// The media job (`Type=Job`), or the job of the workflow node that failed.
    pub media_job_id: Option<String>,
    /// The workflow run (`Type=Workflow`).
    pub run_id: Option<String>,
    /// When the work was created.
    pub created: Option<ServiceTime>,
    /// When it started (media jobs).
    pub started: Option<ServiceTime>,
    /// When it ended (media jobs).
    pub ended: Option<ServiceTime>,
}

impl ObjectOutcome {
    pub(crate) fn from_media_job(job: MediaJobDetail) -> Self {
        let failed = job.state == JobState::Failed;
        // A job a workflow started names its run.
        let run_id = job
            .workflow
            .as_ref()
            .and_then(|w| w.child("RunId"))
            .map(|r| r.text.clone());
        ObjectOutcome {
            object: job.object().unwrap_or_default().to_owned(),
            code: job.code.filter(|_| failed),
            message: job.message.filter(|_| failed),
            state: job.state,
            media_job_id: Some(job.job_id),
            run_id,
            created: job.creation_time,
            started: job.start_time,
            ended: job.end_time,
        }
    }

    /// A described run: its first failed task's code, message and job.
    pub(crate) fn from_execution(run: &WorkflowExecution) -> Self {
        let failed = run.first_failed_task();
        ObjectOutcome {
            object: run.object.clone().unwrap_or_default(),
            state: run.state.clone(),
            code: failed.and_then(|t| t.code.clone()),
            message: failed.and_then(|t| t.message.clone()),
            media_job_id: failed.and_then(|t| t.job_id.clone()),
            run_id: Some(run.run_id.clone()),
            created: run.create_time.clone(),
            started: None,
            ended: None,
        }
    }

    fn from_run(run: ExecutionSummary) -> Self {
        ObjectOutcome {
            object: run.object.unwrap_or_default(),
            state: run.state,
            code: None,
            message: None,
            media_job_id: None,
            run_id: Some(run.run_id),
            created: run.create_time,
            started: None,
            ended: None,
        }
    }
}

/// What [`Client::outcomes`] needs and the batch job may not say. The batch job's own
/// `Operation` is read first; a value set here is used when it says nothing.
///
/// ```
/// use cos_ci_batch::OutcomeOptions;
/// use cos_ci_batch::model::Tag;
///
/// let options = OutcomeOptions::default().tag(Tag::Transcode).queue_id("p0123");
/// assert_eq!(options.tag, Some(Tag::Transcode));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutcomeOptions {
    /// The Tag of a `Type=Job` batch job (the service requires it to list media jobs).
    pub tag: Option<Tag>,
    /// The queue of its media jobs.
    pub queue_id: Option<String>,
    /// The workflow of a `Type=Workflow` batch job.
    pub workflow_id: Option<String>,
    /// Whether a failed workflow run is described, for its failure code and message (one
    /// more request per failed object; default true).
    pub failure_details: bool,
    /// How many slices of the batch job's lifetime are listed at once (default 1: one
    /// listing, oldest first). See [`OutcomeOptions::concurrency`].
    pub concurrency: usize,
    /// Only the objects whose work failed, asked of the service (`states=Failed`), so that
    /// a listing of 20 000 objects with 1 000 failures reads 10 pages, not 200. Records in
    /// another state that the service sends anyway are left out too.
    pub failed_only: bool,
}

impl Default for OutcomeOptions {
    fn default() -> Self {
        OutcomeOptions {
            tag: None,
            queue_id: None,
            workflow_id: None,
            failure_details: true,
            failed_only: false,
            concurrency: 1,
        }
    }
}

impl OutcomeOptions {
    /// Sets the Tag, for a batch job that does not echo its own.
    pub fn tag(mut self, tag: Tag) -> Self {
        self.tag = Some(tag);
        self
    }

    /// Sets the queue id.
    pub fn queue_id(mut self, id: impl Into<String>) -> Self {
        self.queue_id = Some(id.into());
        self
    }

    /// Sets the workflow id.
    pub fn workflow_id(mut self, id: impl Into<String>) -> Self {
        self.workflow_id = Some(id.into());
        self
    }

    /// Lists the batch job's lifetime in slices of creation time, `concurrency` of them at
    /// once (at most 64), each slice oldest first but the slices in no order. Every record
    /// comes exactly once: three one-record requests first find how the service reads its
    /// creation-time bounds (the documents say strict for media jobs and inclusive for
    /// runs; neither is relied on), each slice asks for its own whole seconds accordingly
    /// (a second more on each side when that could not be told) and keeps only what was
    /// created within them, so a second of thousands of records is in one slice; the last slice is open-ended, for work created
    /// while the listing runs; a record whose time cannot be read is kept by the first slice
    /// that meets it (the only ids remembered). Memory stays flat: slices hand their
    /// records over through a queue of 1 000. A batch job without a readable creation time
    /// is listed in one piece.
    ///
    /// ```
    /// let options = cos_ci_batch::OutcomeOptions::default().concurrency(8);
    /// assert_eq!(options.concurrency, 8);
    /// ```
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.clamp(1, super::slices::MAX_CONCURRENCY);
        self
    }

    /// Lists only the objects whose work failed, asking the service for them.
    ///
    /// ```
    /// let options = cos_ci_batch::OutcomeOptions::default().failed_only(true);
    /// assert!(options.failed_only);
    /// ```
    pub fn failed_only(mut self, failed_only: bool) -> Self {
        self.failed_only = failed_only;
        self
    }

    /// Sets whether failed workflow runs are described (default: yes), one request per
    /// failed run, for the code and message of their failed task. A run whose describe
    /// fails is still listed, with no code or message.
    pub fn failure_details(mut self, describe: bool) -> Self {
        self.failure_details = describe;
        self
    }
}

/// Every object outcome of a batch job, fetched page by page (100 at a time) with the bounds
/// of [`super::JobIter`]: memory stays flat however many objects there are, and the first
/// error ends it. In one listing records come oldest first; with
/// [`OutcomeOptions::concurrency`] above 1, slice by slice in no set order, and dropping the
/// iterator stops its slices' threads at their next record or page.
#[derive(Debug)]
pub struct OutcomeIter<'a> {
    source: Source,
    /// Records of another state are left out, whatever the service sends.
    failed_only: bool,
    /// The iterator lists for the client it was made from.
    client: PhantomData<&'a Client>,
}

/// Where an [`OutcomeIter`] takes its records from.
#[derive(Debug)]
enum Source {
    /// One listing, page after page.
    Pages(Box<Pager<Outcomes>>),
    /// Slices of the batch job's lifetime, listed at once ([`super::slices`]).
    Slices(super::slices::Slices),
}

impl Iterator for OutcomeIter<'_> {
    type Item = Result<ObjectOutcome, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let next = match &mut self.source {
                Source::Pages(pager) => pager.next()?,
                Source::Slices(slices) => slices.next()?,
            };
            match next {
                Ok(outcome) if self.failed_only && outcome.state != JobState::Failed => {}
                other => return Some(other),
            }
        }
    }
}

/// Where the outcomes of one batch job are listed.
#[derive(Clone, Debug)]
pub(super) enum Outcomes {
    Media {
        client: Client,
        query: MediaJobQuery,
        deadline: Option<Instant>,
    },
    Workflow {
        client: Client,
        query: ExecutionQuery,
        failure_details: bool,
        deadline: Option<Instant>,
    },
}

impl Outcomes {
    /// Every run `query` lists, page after page, without describing the failed ones.
    pub(super) fn runs(client: &Client, query: ExecutionQuery) -> Pager<Outcomes> {
        let listing = Outcomes::Workflow {
            client: client.clone(),
            query,
            failure_details: false,
            deadline: None,
        };
        Pager::new(listing, None)
    }

    /// Lists only what was created within `(after, before)` as the service reads its
    /// bounds (strictly or not: the caller keeps what it wants of the edges).
    pub(super) fn within(&mut self, after: Option<OffsetDateTime>, before: Option<OffsetDateTime>) {
        let filters = self.filters();
        filters.created_after = after;
        filters.created_before = before;
    }

    /// Lists without describing failed runs (media jobs are never described).
    pub(super) fn without_failure_details(&mut self) {
        if let Outcomes::Workflow {
            failure_details, ..
        } = self
        {
            *failure_details = false;
        }
    }

    /// Asks for pages of `size` records.
    pub(super) fn page_size(&mut self, size: u32) {
        self.filters().size = Some(size);
    }

    fn filters(&mut self) -> &mut crate::ops::ListFilters {
        match self {
            Outcomes::Media { query, .. } => &mut query.filters,
            Outcomes::Workflow { query, .. } => &mut query.filters,
        }
    }
}

impl Listing for Outcomes {
    type Item = ObjectOutcome;

    fn page(&mut self, token: Option<&str>) -> Result<Page<ObjectOutcome>, Error> {
        match self {
            Outcomes::Media {
                client,
                query,
                deadline,
            } => {
                query.filters.next_token = token.map(str::to_owned);
                let list = ListMediaJobs::new(query)?;
                let page = client.execute(&list, RetryRule::Idempotent, *deadline)?;
                let outcomes = page.jobs.into_iter().map(ObjectOutcome::from_media_job);
                Ok((outcomes.collect(), page.next_token))
            }
            Outcomes::Workflow {
                client,
                query,
                failure_details,
                deadline,
            } => {
                query.filters.next_token = token.map(str::to_owned);
                let list = ListWorkflowExecutions::new(query)?;
                let page = client.execute(&list, RetryRule::Idempotent, *deadline)?;
                let mut outcomes = Vec::with_capacity(page.executions.len());
                for run in page.executions {
                    let mut outcome = ObjectOutcome::from_run(run);
                    if *failure_details && outcome.state == JobState::Failed {
                        // The run is listed whatever its describe does: a failed lookup
                        // leaves its code and message unknown, not the page lost.
                        let _ = add_failure_details(client, &mut outcome);
                    }
                    outcomes.push(outcome);
                }
                Ok((outcomes, page.next_token))
            }
        }
    }
}

/// What a batch job ran on each object: the `Type` it echoes, else the one the options
/// imply (a Tag alone: `Job`; a workflow alone: `Workflow`).
pub(super) fn job_type_of(batch: &JobDetail, options: &OutcomeOptions) -> Result<JobType, Error> {
    match (
        &batch.job_type,
        options.tag.is_some(),
        options.workflow_id.is_some(),
    ) {
        (Some(job_type @ (JobType::Job | JobType::Workflow)), _, _) => Ok(job_type.clone()),
        (None, true, false) => Ok(JobType::Job),
        (None, false, true) => Ok(JobType::Workflow),
        _ => Err(Error::OutcomeSourceUnknown {
            batch_job_id: batch.job_id.clone(),
            missing: "Type",
        }),
    }
}

/// The Tag of a `Type=Job` batch job: the one it echoes (when not empty), else the caller's.
pub(super) fn tag_of(batch: &JobDetail, options: &OutcomeOptions) -> Result<Tag, Error> {
    batch
        .operation
        .as_ref()
        .and_then(|op| op.tag.as_ref())
        .and_then(Reported::value)
        .filter(|tag| !tag.as_str().is_empty())
        .or_else(|| options.tag.clone())
        .ok_or_else(|| Error::OutcomeSourceUnknown {
            batch_job_id: batch.job_id.clone(),
            missing: "Tag",
        })
}

/// The workflow of a `Type=Workflow` batch job: the one it echoes, else the caller's.
pub(super) fn workflow_of(batch: &JobDetail, options: &OutcomeOptions) -> Result<String, Error> {
    batch
        .operation
        .as_ref()
        .and_then(|op| op.workflow_ids.clone())
        .filter(|id| !id.is_empty())
        .or_else(|| options.workflow_id.clone())
        .ok_or_else(|| Error::OutcomeSourceUnknown {
            batch_job_id: batch.job_id.clone(),
            missing: "WorkflowIds",
        })
}

/// The code and message of a failed run: its first failed task's.
fn add_failure_details(client: &Client, outcome: &mut ObjectOutcome) -> Result<(), Error> {
    let Some(run_id) = outcome.run_id.as_deref() else {
        return Ok(());
    };
    let run = client.describe_workflow_execution(run_id)?.execution;
    if let Some(task) = run.first_failed_task() {
        outcome.code = task.code.clone();
        outcome.message = task.message.clone();
        outcome.media_job_id = task.job_id.clone();
    }
    Ok(())
}

/// Counts by state over every object of a batch job, and the objects that failed.
///
/// ```
/// use cos_ci_batch::OutcomeSummary;
///
/// fn report(summary: &OutcomeSummary) {
///     for (state, count) in &summary.counts {
///         println!("{state}: {count}");
///     }
///     for failed in &summary.failures {
///         println!("{} failed: {:?} {:?}", failed.object, failed.code, failed.message);
///     }
///     if summary.failed > summary.failures.len() as u64 {
///         println!("... and {} more (at most {} are kept)", summary.failed - summary.failures.len() as u64, summary.failures_cap);
///     }
/// }
/// # let _ = report;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutcomeSummary {
    /// The batch job.
    pub batch_job_id: String,
    /// Objects listed in all.
    pub total: u64,
    /// Objects per state, exact, ordered by state name.
    pub counts: Vec<(JobState, u64)>,
    /// Objects that failed, exact.
    pub failed: u64,
    /// The first failed objects, at most `failures_cap` of them.
    pub failures: Vec<ObjectOutcome>,
    /// How many failed objects are kept at most.
    pub failures_cap: usize,
    /// The failures by code, most frequent first (then by code), each with its first
    /// object as an example; at most [`MAX_CODES`] codes, the rest counted under `None`.
    pub causes: Vec<FailureCause>,
    /// Where each code's cause is in `causes`.
    cause_at: std::collections::HashMap<Option<String>, usize>,
}

impl OutcomeSummary {
    /// An empty summary of batch job `batch_job_id`, keeping at most `failures_cap` failed
    /// objects: for counting outcomes as they are listed ([`OutcomeSummary::add`]).
    ///
    /// ```
    /// use cos_ci_batch::OutcomeSummary;
    ///
    /// let summary = OutcomeSummary::new("b1", 10).finish();
    /// assert_eq!((summary.total, summary.failed), (0, 0));
    /// ```
    pub fn new(batch_job_id: impl Into<String>, failures_cap: usize) -> Self {
        OutcomeSummary {
            batch_job_id: batch_job_id.into(),
            total: 0,
            counts: Vec::new(),
            failed: 0,
            failures: Vec::new(),
            failures_cap,
            causes: Vec::new(),
            cause_at: std::collections::HashMap::new(),
        }
    }

    /// Counts one object's outcome.
    ///
    /// ```
    /// use cos_ci_batch::{Client, OutcomeOptions, OutcomeSummary};
    /// use cos_ci_batch::model::JobDetail;
    ///
    /// /// Prints each outcome as it is listed, and counts them on the way.
    /// fn show(client: &Client, batch: &JobDetail) -> Result<OutcomeSummary, cos_ci_batch::Error> {
    ///     let mut summary = OutcomeSummary::new(&batch.job_id, 0);
    ///     for outcome in client.outcomes(batch, &OutcomeOptions::default())? {
    ///         let outcome = outcome?;
    ///         println!("{} {}", outcome.object, outcome.state);
    ///         summary.add(outcome);
    ///     }
    ///     Ok(summary.finish())
    /// }
    /// # let _ = show;
    /// ```
    pub fn add(&mut self, outcome: ObjectOutcome) {
        self.total += 1;
        match self.counts.iter_mut().find(|(s, _)| *s == outcome.state) {
            Some((_, count)) => *count += 1,
            None => self.counts.push((outcome.state.clone(), 1)),
        }
        if outcome.state != JobState::Failed {
            return;
        }
        self.failed += 1;
        // A code already counted is looked up without a copy: most failures share a few.
        if let Some(&i) = self.cause_at.get(&outcome.code) {
            self.causes[i].count += 1;
        } else {
            let code = outcome
                .code
                .clone()
                .filter(|_| self.cause_at.len() < MAX_CODES);
            match self.cause_at.get(&code) {
                Some(&i) => self.causes[i].count += 1,
                None => {
                    self.cause_at.insert(code.clone(), self.causes.len());
                    self.causes.push(FailureCause {
                        code,
                        count: 1,
                        example_object: outcome.object.clone(),
                        example_message: outcome.message.clone(),
                    });
                }
            }
        }
        if self.failures.len() < self.failures_cap {
            self.failures.push(outcome);
        }
    }

    /// The summary in its documented order: states by name, causes most frequent first.
    /// Example: [`OutcomeSummary::add`].
    pub fn finish(mut self) -> Self {
        self.counts
            .sort_by(|(a, _), (b, _)| a.as_str().cmp(b.as_str()));
        self.causes
            .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        self.cause_at = self
            .causes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        self
    }
}

/// The most failure codes an [`OutcomeSummary`] tells apart; more (a service writing a
/// request id into each code, say) are counted together, so memory stays bounded.
pub const MAX_CODES: usize = 1000;

/// The failures of one code, with an example.
///
/// ```
/// use cos_ci_batch::FailureCause;
///
/// fn show(cause: &FailureCause) -> String {
///     format!("{:>6}  {}  e.g. {}", cause.count, cause.code.as_deref().unwrap_or("-"), cause.example_object)
/// }
/// # let _ = show;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FailureCause {
    /// The code; `None` for failures without one (or beyond [`MAX_CODES`]).
    pub code: Option<String>,
    /// How many objects failed with it.
    pub count: u64,
    /// The first object that did.
    pub example_object: String,
    /// Its message.
    pub example_message: Option<String>,
}

impl Client {
    /// Every object outcome of `batch` (a batch job as [`Client::describe`] returns it), one
    /// record per object. The listing is picked from the batch job: its media jobs (by its
    /// `Tag`, and its `QueueId` when it has one) for `Type=Job`, its workflow runs (by its
    /// `WorkflowIds`) for `Type=Workflow`; `options` supplies what the batch job does not say,
    /// and the error names what is missing when neither does. Objects that never became a
    /// media job or a run (filtered out, or the batch job ended first) are not listed: the
    /// service lists no record of them.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cos_ci_batch::emulator::Emulator;
    /// use cos_ci_batch::model::{BatchJob, Input, JobState};
    /// use cos_ci_batch::{OutcomeOptions, RerunOptions};
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.add_workflow("w0123456789abcdef0123456789abcdef");
    /// emulator.put_objects(["in/a.mp4", "in/b.avi"], emulator.now());
    /// emulator.fail_objects("*.avi", "UnsupportedFormat", "avi is not supported");
    /// let client = emulator.client_builder().build()?;
    /// let job = BatchJob::workflow("flow", "w0123456789abcdef0123456789abcdef", Input::prefix("in/"));
    /// let id = client.create(&job)?.job.job_id;
    /// emulator.advance(Duration::from_secs(10));
    ///
    /// let batch = client.describe(&id)?.job;
    /// let options = OutcomeOptions::default();
    /// let failed: Vec<(String, Option<String>)> = client
    ///     .outcomes(&batch, &options)?
    ///     .filter_map(Result::ok)
    ///     .filter(|o| o.state == JobState::Failed)
    ///     .map(|o| (o.object, o.code))
    ///     .collect();
    /// assert_eq!(failed, [("in/b.avi".to_owned(), Some("UnsupportedFormat".to_owned()))]);
    ///
    /// let summary = client.outcome_summary(&batch, &options, 10)?;
    /// assert_eq!((summary.total, summary.failed), (2, 1));
    /// // What a re-run would trigger; nothing is sent.
    /// let dry_run = RerunOptions::default().dry_run(true);
    /// assert_eq!(client.rerun_failed(&batch, &options, &dry_run)?.planned, ["in/b.avi"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn outcomes(
        &self,
        batch: &JobDetail,
        options: &OutcomeOptions,
    ) -> Result<OutcomeIter<'_>, Error> {
        self.outcomes_until(batch, options, None)
    }

    /// [`Client::outcomes`], no request lasting past `deadline`.
    fn outcomes_until(
        &self,
        batch: &JobDetail,
        options: &OutcomeOptions,
        deadline: Option<Instant>,
    ) -> Result<OutcomeIter<'_>, Error> {
        let operation = batch.operation.as_ref();
        let missing = |what: &'static str| Error::OutcomeSourceUnknown {
            batch_job_id: batch.job_id.clone(),
            missing: what,
        };
        let listing = match job_type_of(batch, options)? {
            JobType::Job => {
                let tag = tag_of(batch, options)?;
                let mut query = MediaJobQuery::new(tag)
                    .batch_job_id(batch.job_id.clone())
                    .order(Order::Asc)
                    .size(100);
                if options.failed_only {
                    query = query.states([StateFilter::Failed]);
                }
                let queue = operation
                    .and_then(|op| op.queue_id.clone())
                    .or_else(|| options.queue_id.clone());
                if let Some(queue) = queue {
                    query = query.queue_id(queue);
                }
                Outcomes::Media {
                    client: self.clone(),
                    query,
                    deadline,
                }
            }
            JobType::Workflow => {
                let workflow = workflow_of(batch, options)?;
                let mut query = ExecutionQuery::new(workflow)
                    .batch_job_id(batch.job_id.clone())
                    .order(Order::Asc)
                    .size(100);
                if options.failed_only {
                    query = query.states([StateFilter::Failed]);
                }
                Outcomes::Workflow {
                    client: self.clone(),
                    query,
                    failure_details: options.failure_details,
                    deadline,
                }
            }
            JobType::Unknown(_) => return Err(missing("Type")),
        };
        let lifetime = batch
            .creation_time
            .as_ref()
            .and_then(|t| t.time())
            .map(|from| {
                let to = batch
                    .end_time
                    .as_ref()
                    .and_then(|t| t.time())
                    .unwrap_or_else(|| {
                        let now = self.service_now_estimate(self.local_now());
                        OffsetDateTime::from_unix_timestamp(now).unwrap_or(from)
                    });
                (from, to)
            });
        let source = match lifetime {
            Some((from, to)) if options.concurrency > 1 => Source::Slices(
                super::slices::Slices::start(listing, from, to, options.concurrency),
            ),
            _ => Source::Pages(Box::new(Pager::new(listing, None))),
        };
        Ok(OutcomeIter {
            source,
            failed_only: options.failed_only,
            client: PhantomData,
        })
    }

    /// Exact counts by state over every object of `batch`, and its first `failures_cap`
    /// failed objects with their codes. Example: [`Client::outcomes`].
    pub fn outcome_summary(
        &self,
        batch: &JobDetail,
        options: &OutcomeOptions,
        failures_cap: usize,
    ) -> Result<OutcomeSummary, Error> {
        self.outcome_summary_until(batch, options, failures_cap, None)
    }

    fn outcome_summary_until(
        &self,
        batch: &JobDetail,
        options: &OutcomeOptions,
        failures_cap: usize,
        deadline: Option<Instant>,
    ) -> Result<OutcomeSummary, Error> {
        let mut summary = OutcomeSummary::new(batch.job_id.clone(), failures_cap);
        for outcome in self.outcomes_until(batch, options, deadline)? {
            summary.add(outcome?);
        }
        Ok(summary.finish())
    }

    /// Waits until the work on every object of `batch` has ended, and sums it up as
    /// [`Client::outcome_summary`] does (without describing failed runs: the summary's
    /// failures have their state, not their codes). `batch` is a batch job that has ended
    /// `Success` (from [`Client::wait`]): no source says whether the service's `Success`
    /// means that every object's media job or workflow run has ended, or only that each has
    /// started, so a pipeline that must not go on before the last object is done waits
    /// here. It polls the outcomes as [`Client::wait`] polls a job, until none is
    /// `Submitted`, `Running` or `Pause` (a state this crate does not know counts as ended:
    /// waiting would not change it), and no request lasts past the deadline, which ends it
    /// with [`Error::ObjectWorkDeadline`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use cos_ci_batch::emulator::Emulator;
    /// use cos_ci_batch::model::{BatchJob, Input, JobState};
    /// use cos_ci_batch::{OutcomeOptions, WaitOptions};
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.add_workflow("w0123456789abcdef0123456789abcdef");
    /// emulator.put_objects(["in/a.mp4", "in/b.avi"], emulator.now());
    /// emulator.fail_objects("*.avi", "UnsupportedFormat", "avi is not supported");
    /// // The batch job says Success while each object's run goes on for 20 s more.
    /// emulator.set_object_work_lag(Duration::from_secs(20));
    /// let client = emulator.client_builder().build()?;
    /// let job = BatchJob::workflow("flow", "w0123456789abcdef0123456789abcdef", Input::prefix("in/"));
    /// let id = client.create(&job)?.job.job_id;
    /// emulator.advance(Duration::from_secs(10));
    /// let batch = client.describe(&id)?.job;
    /// assert_eq!(batch.state, JobState::Success);
    ///
    /// emulator.advance(Duration::from_secs(20));
    /// let wait = WaitOptions::default().deadline(Duration::from_secs(5));
    /// let summary = client.wait_for_objects(&batch, &OutcomeOptions::default(), &wait, |_| {})?;
    /// assert_eq!((summary.total, summary.failed), (2, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for_objects(
        &self,
        batch: &JobDetail,
        options: &OutcomeOptions,
        wait: &WaitOptions,
        mut progress: impl FnMut(&OutcomeSummary),
    ) -> Result<OutcomeSummary, Error> {
        let mut poller = Poller::new(wait);
        let deadline = poller.deadline();
        // Every object is looked at, whatever the caller's options ask: the failed alone
        // would hide the work still running.
        let listing = options.clone().failure_details(false).failed_only(false);
        let mut unfinished = None;
        let deadline_passed = |unfinished| Error::ObjectWorkDeadline {
            batch_job_id: batch.job_id.clone(),
            unfinished,
        };
        loop {
            let summary = match self.outcome_summary_until(batch, &listing, 0, Some(deadline)) {
                Ok(summary) => summary,
                Err(e) if Instant::now() >= deadline && retry::is_retryable(&e) => {
                    return Err(deadline_passed(unfinished));
                }
                Err(e) => return Err(e),
            };
            progress(&summary);
            let running: u64 = summary
                .counts
                .iter()
                .filter(|(state, _)| {
                    matches!(
                        state,
                        JobState::Submitted | JobState::Running | JobState::Pause
                    )
                })
                .map(|(_, n)| n)
                .sum();
            if running == 0 {
                return Ok(summary);
            }
            unfinished = Some(running);
            if !poller.pause() {
                return Err(deadline_passed(unfinished));
            }
        }
    }
}
