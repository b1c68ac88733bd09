//! The blocking client: a thin shell over [`crate::ops`] that signs, sends, retries what is
//! safe to retry, corrects clock skew, and never starts a batch job twice by accident.

mod builder;
mod create;
pub(crate) mod endpoint;
mod observe;
mod outcomes;
mod pages;
mod rerun;
mod retry;
mod slices;
mod transport;
mod wait;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use builder::ClientBuilder;
pub use observe::Exchange;
pub use outcomes::{
    FailureCause, MAX_CODES, ObjectOutcome, OutcomeIter, OutcomeOptions, OutcomeSummary,
};
pub use pages::{JobIter, MAX_EMPTY_PAGES};
pub use rerun::{
    LOOKUP_LIMIT, Rerun, RerunJob, RerunJobStatus, RerunMethod, RerunOptions, TRIGGERS_UP_TO,
    URL_FILE_PREFIX,
};
pub use retry::RetryPolicy;
pub(crate) use transport::local_agent;
pub use wait::WaitOptions;

use crate::credentials::{CredentialSource, Credentials, ProvideCredentials};
use crate::error::{ConfigError, Error, TransportError, TransportErrorKind};
use crate::model::{BatchJob, JobDetail};
use crate::ops::{
    Action, CancelJob, CancelJobResponse, CreateJobResponse, DescribeJob, DescribeJobResponse,
    DescribeMediaJob, DescribeMediaJobResponse, DescribeMediaJobs, DescribeMediaJobsResponse,
    DescribeWorkflowExecution, DescribeWorkflowExecutionResponse, ExecutionQuery, HttpRequest,
    HttpResponse, ListJobs, ListJobsResponse, ListMediaJobs, ListMediaJobsResponse, ListQuery,
    ListWorkflowExecutions, ListWorkflowExecutionsResponse, MediaJobQuery, PutObject,
    PutObjectResponse, Service, TriggerWorkflow, TriggerWorkflowResponse,
};
use crate::sign::KeyTime;
use crate::unix_time;
use retry::RetryRule;
use transport::Transport;

/// The signature starts this long before "now", to tolerate small clock differences.
const SIGN_BACK: u64 = 60;
/// ... and stays valid this long after it.
const SIGN_AHEAD: u64 = 900;

/// Timeouts and waits longer than this are taken as this: about a century, which is as good as
/// forever and still leaves room for `Instant` arithmetic.
pub(crate) const LONGEST_WAIT: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// `observed_at` before any answer had a believable `Date`.
const NEVER_OBSERVED: i64 = i64::MIN;
/// How long an offset shown by one answer's `Date` is trusted to judge expirations. Past
/// it, the signing skew is used until the next answer: one answer with a wrong `Date` (a
/// proxy, a lying server) cannot keep a client from ever sending again by making valid
/// credentials look expired.
const OBSERVATION_TRUSTED_SECS: i64 = 15 * 60;

/// A blocking client for one bucket's batch jobs. Cheap to clone; one client may be shared by
/// many threads (connections are pooled).
///
/// `Debug` shows the host and SecretId, never the key, token or a signature.
///
/// ```
/// use cos_ci_batch::emulator::Emulator;
/// use cos_ci_batch::model::{BatchJob, Input, JobState};
/// use cos_ci_batch::ops::ListQuery;
///
/// let emulator = Emulator::start()?;
/// emulator.add_workflow("w0123456789abcdef0123456789abcdef");
/// let client = emulator.client_builder().build()?; // Client::builder(bucket, region) for real
///
/// let job = BatchJob::workflow("covers", "w0123456789abcdef0123456789abcdef", Input::prefix("v/"));
/// let created = client.create(&job)?.job;
/// assert_eq!(client.describe(&created.job_id)?.job.state, JobState::Submitted);
/// assert_eq!(client.list(&ListQuery::new().name("covers"))?.jobs.len(), 1);
/// client.cancel(&created.job_id)?;
/// assert_eq!(client.describe(&created.job_id)?.job.state, JobState::Cancel);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// Where requests to one of the bucket's hosts go, and how.
struct Target {
    transport: Transport,
    base_url: String,
    /// The `Host` signed and sent.
    host: String,
}

struct Inner {
    ci: Target,
    /// The bucket's COS host, for uploads; why there is none, when the bucket and region
    /// make no host and none was given.
    cos: Result<Target, ConfigError>,
    /// The bucket's own COS host, which URL files name objects by, whatever endpoint the
    /// requests go to; why there is none, when the bucket and region make none.
    bucket_cos_host: Result<String, ConfigError>,
    credentials: Arc<dyn ProvideCredentials>,
    /// Where the credential chain found the credentials (`None`: they were given).
    credentials_source: Option<CredentialSource>,
    /// Told of every request sent.
    observer: Option<observe::Observer>,
    timeout: Duration,
    retry: RetryPolicy,
    reconcile: bool,
    create_search: Duration,
    clock: Clock,
    /// Seconds to add to the local clock to sign, learnt from time refusals.
    skew: AtomicI64,
    /// Seconds to add to the local clock to judge expirations: the service's `Date` of the
    /// last believable answer less the local time then ...
    observed_offset: AtomicI64,
    /// ... and that local time ([`NEVER_OBSERVED`] before any).
    observed_at: AtomicI64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.ci.base_url)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("reconcile_creates", &self.inner.reconcile)
            .field("clock_skew_secs", &self.clock_skew())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for the bucket `<name>-<appid>` in `region` (such as `ap-guangzhou`).
    pub fn builder(bucket: impl Into<String>, region: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(bucket.into(), region.into())
    }

    /// The `Host` the client signs and sends.
    pub fn host(&self) -> &str {
        &self.inner.ci.host
    }

    /// Where the credential chain found the credentials the client signs with; `None` when
    /// they were given to the builder (see [`ClientBuilder::credential_chain`]).
    ///
    /// ```
    /// use cos_ci_batch::{Client, Credentials};
    ///
    /// let client = Client::builder("examplebucket-1250000000", "ap-guangzhou")
    ///     .credentials(Credentials::new("AKIDexample", "secret"))
    ///     .build()?;
    /// assert_eq!(client.credentials_source(), None);
    /// # Ok::<(), cos_ci_batch::error::ConfigError>(())
    /// ```
    pub fn credentials_source(&self) -> Option<&CredentialSource> {
        self.inner.credentials_source.as_ref()
    }

    /// The clock correction in seconds learnt from the service (0 until a skew is seen).
    pub fn clock_skew(&self) -> i64 {
        self.inner.skew.load(Ordering::Relaxed)
    }

    /// Starts a batch job and returns it as the service stored it.
    ///
    /// A create is never sent twice for one call unless the service certainly did not
    /// process the first request, and never returns another job as its own. The rule:
    ///
    /// 1. Before sending, the client lists the jobs that already have this name and type
    ///    (one page of up to 100, newest first): none of them can be the one it creates.
    ///    (With [`ClientBuilder::reconcile_creates`]`(false)` it skips this and step 4.)
    /// 2. A failure that happened before the request could reach the service (the host did
    ///    not resolve, no connection could be made, the request was not sent whole) is sent
    ///    again under the [`RetryPolicy`]. So is, once, a request the service refused for
    ///    its signature's time (401 or 403 `RequestTimeTooSkewed` or `SignatureExpired`,
    ///    with a `Date` at least 30 s from the time it was signed with): a refused signature
    ///    is not processed. Any other refusal, a 4xx or a TLS failure is returned.
    /// 3. A success answer is taken only when it is about this request: its job was not
    ///    listed in step 1, is not too old by its creation time when it has a readable one
    ///    (as in step 4), and echoes what the request said (as in step 4). A success about
    ///    another job is an outcome that may have reached the service.
    /// 4. After a failure that may have reached the service (a timeout or lost connection
    ///    after sending, a 5xx, an unreadable success, a success about another job) the
    ///    client never sends the create again: it only searches. It lists jobs by name and
    ///    type created since the window opened (`startCreationTime`: 5 s before step 1's
    ///    `Date`), after 0.5 s and then at doubling intervals of at most 8 s, for
    ///    [`ClientBuilder::create_search`] (30 s by default), each listing tried once (or
    ///    twice, after a refusal for its clock). A listed job is new when it was not listed
    ///    in step 1 and its creation time is readable, no earlier than the window's start
    ///    and, when step 1 had more pages, later than the oldest job it showed. A new job is
    ///    the one created when it echoes exactly what the request said: the name, the type,
    ///    the same Input, and exactly the Operation elements sent (elements the service adds
    ///    are allowed). Texts are compared byte for byte, except a time interval's `Start`
    ///    and `End` (the same instant in another spelling) and `JobParam` values (`1` for
    ///    `true`, `0` for `false`). It must also be the only such job: a look reads every
    ///    page of the window (at most 5) and decides only when the listing ends, whatever
    ///    order the service lists in. The answer then has no request id.
    /// 5. The error is [`Error::CreateOutcomeUnknown`] (the job may exist, and was not
    ///    created twice) when the search ends without such a job; when one look shows two
    ///    of them (another caller sent the same request); when nothing could be shown new,
    ///    so there is no search: step 1's `Date` was missing or more than 7 days from the
    ///    local clock (the rule by which any `Date` is believed), or step 1 had more pages
    ///    and no readable creation time; and when reconciliation is off.
    ///
    /// The 5 s tolerance is for a service whose `Date` (stamped at its front end) runs ahead
    /// of its `CreationTime` (stamped behind it). It cannot let an older job in: every job
    /// created before step 1's listing was in it (or, when it had more pages, is no newer
    /// than the oldest it showed), and the creation time is only a second guard, against a
    /// listing that leaves out a job it should show. That guard is 5 s weaker: an identical
    /// job that such a listing left out and that was created at most 5 s before it could be
    /// taken. Two callers creating identical jobs (same name, type, input and Operation)
    /// at the same moment cannot always be told apart by the service's answers: when both
    /// jobs are listed, the outcome is unknown; when only one is listed yet, it may be taken
    /// by either caller. Give concurrent creates distinct names. Elements the service adds
    /// to the Operation cannot be told from another caller's unknown elements either.
    ///
    /// ```
    /// use cos_ci_batch::emulator::{Emulator, Fault, Route};
    /// use cos_ci_batch::model::{BatchJob, Input};
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.add_workflow("w0123456789abcdef0123456789abcdef");
    /// let client = emulator.client_builder().build()?;
    /// let job = BatchJob::workflow("nightly", "w0123456789abcdef0123456789abcdef", Input::prefix("v/"));
    ///
    /// // The service creates the job and the answer is lost: found by searching, not sent again.
    /// emulator.inject(Route::Create, Fault::close_connection().after_processing(), 1);
    /// let created = client.create(&job)?;
    /// assert_eq!(emulator.job_ids(), [created.job.job_id]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(&self, job: &BatchJob) -> Result<CreateJobResponse, Error> {
        create::create(self, job)
    }

    /// Describes one batch job; [`Error::JobNotFound`] when the service says it does not
    /// exist.
    pub fn describe(&self, job_id: &str) -> Result<DescribeJobResponse, Error> {
        self.execute(&DescribeJob::new(job_id)?, RetryRule::Idempotent, None)
    }

    /// Lists one page of batch jobs.
    pub fn list(&self, query: &ListQuery) -> Result<ListJobsResponse, Error> {
        self.execute(&ListJobs::new(query)?, RetryRule::Idempotent, None)
    }

    /// Iterates over every job matching `query`, page after page (`query.next_token` is the
    /// starting point). See [`JobIter`] for how a misbehaving service is bounded.
    pub fn list_all(&self, query: &ListQuery) -> JobIter<'_> {
        JobIter::new(self, query.clone())
    }

    /// Cancels a batch job.
    pub fn cancel(&self, job_id: &str) -> Result<CancelJobResponse, Error> {
        self.execute(&CancelJob::new(job_id)?, RetryRule::Idempotent, None)
    }

    /// Lists one page of media jobs (`GET /jobs`).
    pub fn list_media_jobs(&self, query: &MediaJobQuery) -> Result<ListMediaJobsResponse, Error> {
        self.execute(&ListMediaJobs::new(query)?, RetryRule::Idempotent, None)
    }

    /// Describes one media job; [`Error::JobNotFound`] when it does not exist.
    pub fn describe_media_job(&self, job_id: &str) -> Result<DescribeMediaJobResponse, Error> {
        self.execute(&DescribeMediaJob::new(job_id)?, RetryRule::Idempotent, None)
    }

    /// Describes up to 10 media jobs in one request (see [`DescribeMediaJobs`]): the ones
    /// that exist, and the ids the service says do not.
    ///
    /// ```
    /// use cos_ci_batch::emulator::Emulator;
    /// use cos_ci_batch::ops::TriggerWorkflow;
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.add_workflow("w0123456789abcdef0123456789abcdef");
    /// emulator.put_object("v/a.mp4", emulator.now());
    /// let client = emulator.client_builder().build()?;
    /// let trigger = TriggerWorkflow::new("w0123456789abcdef0123456789abcdef", "v/a.mp4")?;
    /// let run = client.trigger_workflow(&trigger)?.run_id;
    /// // The media job the run's task started.
    /// let task = client.describe_workflow_execution(&run)?.execution.tasks[0].job_id.clone().unwrap();
    /// let described = client.describe_media_jobs(&[task.as_str(), "j-gone"])?;
    /// assert_eq!(described.jobs[0].job_id, task);
    /// assert_eq!(described.missing, ["j-gone"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn describe_media_jobs<S: AsRef<str>>(
        &self,
        job_ids: &[S],
    ) -> Result<DescribeMediaJobsResponse, Error> {
        self.execute(
            &DescribeMediaJobs::new(job_ids)?,
            RetryRule::Idempotent,
            None,
        )
    }

    /// Lists one page of workflow runs (`GET /workflowexecution`).
    pub fn list_workflow_executions(
        &self,
        query: &ExecutionQuery,
    ) -> Result<ListWorkflowExecutionsResponse, Error> {
        self.execute(
            &ListWorkflowExecutions::new(query)?,
            RetryRule::Idempotent,
            None,
        )
    }

    /// Describes one workflow run, with its tasks; [`Error::JobNotFound`] when it does not
    /// exist.
    pub fn describe_workflow_execution(
        &self,
        run_id: &str,
    ) -> Result<DescribeWorkflowExecutionResponse, Error> {
        self.execute(
            &DescribeWorkflowExecution::new(run_id)?,
            RetryRule::Idempotent,
            None,
        )
    }

    /// Runs a workflow once on one object. Like a create, it is sent again only when it
    /// certainly never reached the service.
    pub fn trigger_workflow(
        &self,
        trigger: &TriggerWorkflow,
    ) -> Result<TriggerWorkflowResponse, Error> {
        self.execute(trigger, RetryRule::Create, None)
    }

    /// Uploads one object to the bucket's COS host (`PUT /<key>`), replacing any object of
    /// that key. Sending the same body again changes nothing, so it is retried as a read is.
    ///
    /// ```
    /// use cos_ci_batch::emulator::Emulator;
    /// use cos_ci_batch::ops::PutObject;
    ///
    /// let emulator = Emulator::start()?;
    /// let client = emulator.client_builder().build()?;
    /// client.put_object(&PutObject::new("lists/one.txt", b"hello\n".to_vec())?)?;
    /// assert_eq!(emulator.object_body("lists/one.txt").as_deref(), Some(&b"hello\n"[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn put_object(&self, put: &PutObject) -> Result<PutObjectResponse, Error> {
        self.execute(put, RetryRule::Idempotent, None)
    }

    /// Polls a job until it is `Success`, `Failed` or `Cancel` and returns that detail
    /// (a failed job is an `Ok` whose state says so).
    ///
    /// ```
    /// use std::time::Duration;
    /// use cos_ci_batch::emulator::Emulator;
    /// use cos_ci_batch::model::{BatchJob, Input, JobState};
    /// use cos_ci_batch::WaitOptions;
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.run_in_real_time();
    /// emulator.set_job_durations(Duration::ZERO, Duration::from_millis(200));
    /// let client = emulator.client_builder().build()?;
    /// let job = BatchJob::workflow("w", "w0123456789abcdef0123456789abcdef", Input::prefix("v/"));
    /// let id = client.create(&job)?.job.job_id;
    /// let options = WaitOptions::default().deadline(Duration::from_secs(10));
    /// // The workflow is unknown to this emulator: the job ends Failed, an Ok.
    /// assert_eq!(client.wait(&id, &options)?.state, JobState::Failed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait(&self, job_id: &str, options: &WaitOptions) -> Result<JobDetail, Error> {
        wait::wait(self, job_id, options, |_| {})
    }

    /// [`Client::wait`], calling `progress` with every detail read.
    pub fn wait_with_progress(
        &self,
        job_id: &str,
        options: &WaitOptions,
        progress: impl FnMut(&JobDetail),
    ) -> Result<JobDetail, Error> {
        wait::wait(self, job_id, options, progress)
    }

    /// Runs an action, trying again what `rule` allows under the retry policy; no attempt
    /// starts or sleeps past `deadline`. The error is the last attempt's, with the count of
    /// requests sent.
    pub(crate) fn execute<A: Action>(
        &self,
        action: &A,
        rule: RetryRule,
        deadline: Option<Instant>,
    ) -> Result<A::Response, Error> {
        self.exchange(action, rule, deadline)
            .map(|(response, _)| response)
    }

    /// [`Client::execute`], also giving the service's clock (the `Date` of the answer read,
    /// in Unix seconds) when it sent a believable one: within [`retry::MAX_SKEW_SECS`] of the
    /// local clock, the one rule by which a `Date` is taken as the service's time.
    ///
    /// One loop for every action: after each failure, a time refusal whose `Date` shows the
    /// time the request was signed with was off is sent again at once, re-signed with the
    /// corrected clock (once per call: a refused signature was not processed, so this is safe
    /// for a create too); any other failure is tried again only when `rule` allows it, after
    /// the policy's backoff. Every try is counted in the error's attempts. The refusal is
    /// judged against the time that request was signed with (the local clock then and the
    /// skew it used), not against the clock or skew since: another thread may have changed
    /// the skew, and the local clock may have been fixed while the answer was on its way. A
    /// stored skew is replaced by the offset from the local clock as it is now, so a local
    /// clock that gets fixed is followed back.
    pub(crate) fn exchange<A: Action>(
        &self,
        action: &A,
        rule: RetryRule,
        deadline: Option<Instant>,
    ) -> Result<(A::Response, Option<i64>), Error> {
        let policy = &self.inner.retry;
        let mut tries = 0u32;
        let mut attempt = 1;
        let mut skew_corrected = false;
        let mut token_renewed = false;
        loop {
            let local = self.local_now();
            let signed_at = local.saturating_add(self.clock_skew());
            tries = tries.saturating_add(1);
            let credentials = match self.credentials_at(self.service_now_estimate(local)) {
                Ok(credentials) => credentials,
                Err(e) => return Err(e.after_attempts(tries)),
            };
            let sent = self.send_once(
                action.request(),
                tries > 1,
                signed_at,
                &credentials,
                deadline,
            );
            let (error, service_now) = match sent {
                Ok(response) => {
                    let service_now = response.date().filter(|&date| {
                        let local = self.local_now();
                        let offset = retry::service_offset(date, local);
                        if let Some(offset) = offset {
                            self.inner.observed_offset.store(offset, Ordering::Relaxed);
                            self.inner.observed_at.store(local, Ordering::Relaxed);
                        }
                        offset.is_some()
                    });
                    match action.parse(&response) {
                        Ok(parsed) => return Ok((parsed, service_now)),
                        Err(e) => (e.without_secrets(&credentials), service_now),
                    }
                }
                Err(e) => (e, None),
            };
            if !token_renewed
                && credentials.has_session_token()
                && retry::is_expired_token_refusal(&error)
            {
                // Refused unprocessed: safe to send once more, with new credentials.
                self.inner.credentials.invalidate(&credentials);
                token_renewed = true;
                continue;
            }
            if !skew_corrected && retry::is_time_refusal(&error) {
                let signed_off = service_now
                    .filter(|&now| now.abs_diff(signed_at) >= retry::MIN_SKEW_SECS.unsigned_abs());
                let offset =
                    signed_off.and_then(|now| retry::service_offset(now, self.local_now()));
                if let Some(offset) = offset {
                    self.inner.skew.store(offset, Ordering::Relaxed);
                    skew_corrected = true;
                    continue;
                }
            }
            if attempt < policy.max_attempts && rule.allows(&error) {
                let pause = policy.backoff(attempt);
                let now = Instant::now();
                match deadline {
                    Some(deadline) if now.checked_add(pause).is_none_or(|t| t >= deadline) => {
                        // No retry fits before the deadline: the caller hears of the failure
                        // when its time is up, as it would had the retry failed.
                        std::thread::sleep(deadline.saturating_duration_since(now));
                    }
                    _ => {
                        std::thread::sleep(pause);
                        attempt += 1;
                        continue;
                    }
                }
            }
            return Err(error.after_attempts(tries));
        }
    }

    /// "Now" on the service's clock as the answers show it, from the local time `local`:
    /// what expirations are judged by. Without an answer in the last
    /// [`OBSERVATION_TRUSTED_SECS`], the signing skew's view.
    fn service_now_estimate(&self, local: i64) -> i64 {
        let observed_at = self.inner.observed_at.load(Ordering::Relaxed);
        let fresh = observed_at != NEVER_OBSERVED
            && local
                .checked_sub(observed_at)
                .is_some_and(|age| (0..=OBSERVATION_TRUSTED_SECS).contains(&age));
        let offset = if fresh {
            self.inner.observed_offset.load(Ordering::Relaxed)
        } else {
            self.clock_skew()
        };
        local.saturating_add(offset)
    }

    /// The provider's credentials for `service_now` (Unix seconds), checked, and not expired
    /// then.
    fn credentials_at(&self, service_now: i64) -> Result<Credentials, Error> {
        let now = UNIX_EPOCH + Duration::from_secs(service_now.max(0) as u64);
        let credentials = self
            .inner
            .credentials
            .credentials(now)
            .map_err(Error::Credentials)?;
        // Whatever the provider, a padded or empty value is not signed with.
        credentials
            .validate()
            .map_err(|e| Error::Credentials(e.into()))?;
        if credentials.expiration().is_some_and(|e| e <= now) {
            return Err(Error::Credentials(
                "the credentials have expired; use a provider that refreshes them".into(),
            ));
        }
        Ok(credentials)
    }

    /// Signs `request` with `credentials` for `signed_at` (Unix seconds on the service's
    /// clock as the client knows it) and sends it.
    fn send_once(
        &self,
        mut request: HttpRequest,
        is_retry: bool,
        signed_at: i64,
        credentials: &Credentials,
        deadline: Option<Instant>,
    ) -> Result<HttpResponse, Error> {
        let timeout = match deadline {
            None => self.inner.timeout,
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Error::Transport(TransportError::new(
                        TransportErrorKind::Timeout,
                        "the deadline passed before the request was sent".into(),
                        true,
                    )));
                }
                left.min(self.inner.timeout)
            }
        };
        if is_retry {
            request.set_header("x-cos-sdk-retry", "true");
        }
        let now = signed_at.max(0) as u64;
        let target = match request.service() {
            Service::Cos => self
                .inner
                .cos
                .as_ref()
                .map_err(|e| Error::Config(e.clone()))?,
            _ => &self.inner.ci,
        };
        request.sign(&target.host, credentials, key_time(now, credentials));
        let started = Instant::now();
        let sent = target
            .transport
            .send(&target.base_url, &request, timeout)
            .map_err(Error::Transport);
        if let Some(observer) = &self.inner.observer {
            let (status, request_id, failure) = match &sent {
                Ok(response) => (
                    Some(response.status),
                    response.header("x-ci-request-id").map(str::to_owned),
                    None,
                ),
                Err(e) => (None, None, Some(e.to_string())),
            };
            observer(&Exchange {
                method: request.method(),
                url: format!("{}{}", target.base_url, request.path_and_query()),
                status,
                request_id,
                failure,
                elapsed: started.elapsed(),
                retry: is_retry,
            });
        }
        sent
    }

    /// `<bucket>.cos.<region>.myqcloud.com`.
    pub(crate) fn bucket_cos_host(&self) -> Result<String, ConfigError> {
        self.inner.bucket_cos_host.clone()
    }

    /// "Now" on the client's clock, in Unix seconds.
    fn local_now(&self) -> i64 {
        unix_time::unix_seconds((self.inner.clock)())
    }
}

/// The signature's validity window around `now` (on the service's clock as signing knows
/// it), never beyond the credentials' expiration, and never empty.
fn key_time(now: u64, credentials: &Credentials) -> KeyTime {
    let window = KeyTime::around(now, SIGN_BACK, SIGN_AHEAD);
    let Some(expiration) = credentials.expiration() else {
        return window;
    };
    let expires = u64::try_from(unix_time::unix_seconds(expiration)).unwrap_or(0);
    KeyTime::new(
        window.start(),
        window
            .end()
            .min(expires.max(window.start().saturating_add(1))),
    )
}
