//! The blocking client: a thin shell over [`crate::ops`] that signs, sends, retries what is
//! safe to retry, corrects clock skew, and never starts a batch job twice by accident.

mod create;
mod pages;
mod retry;
mod transport;
mod wait;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

pub use pages::JobIter;
pub use retry::RetryPolicy;
pub use wait::WaitOptions;

use crate::error::{Error, InvalidInput};
use crate::model::{BatchJob, JobDetail};
use crate::ops::{CancelJob, DescribeJob, JobPage, ListJobs, ListQuery, Operation};
use crate::sign::{Credentials, KeyTime};
use crate::unix_time;
use transport::{RawResponse, Transport, TransportConfig};

/// The signature starts this long before "now", to tolerate small clock differences.
const SIGN_BACK: u64 = 60;
/// ... and stays valid this long after it.
const SIGN_AHEAD: u64 = 900;

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use cos_ci_batch::{Client, RetryPolicy};
/// use cos_ci_batch::sign::Credentials;
///
/// let client = Client::builder("examplebucket-1250000000", "ap-guangzhou")
///     .credentials(Credentials::new("AKIDexample", "secret"))
///     .timeout(Duration::from_secs(10))
///     .retry_policy(RetryPolicy { max_attempts: 3, ..RetryPolicy::default() })
///     .build()?;
/// assert_eq!(client.host(), "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com");
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    bucket: String,
    region: String,
    endpoint: Option<String>,
    allow_http: bool,
    credentials: Option<Credentials>,
    connect_timeout: Duration,
    timeout: Duration,
    max_body: u64,
    retry: RetryPolicy,
    reconcile: bool,
    clock: Option<Clock>,
}

impl ClientBuilder {
    /// Sends to this URL (`https://host[:port]`) instead of
    /// `https://<bucket>.ci.<region>.myqcloud.com`: a private domain, or the emulator.
    /// A path, query or user info is refused; `http://` needs [`ClientBuilder::allow_http`].
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Allows an `http://` endpoint. Requests and credentials then cross the network in
    /// clear text; use it for loopback and tests only.
    pub fn allow_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// The credentials to sign with (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The longest wait for a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest time one HTTP exchange may take, connecting included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body read (default 4 MiB); a larger one is an error.
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.max_body = bytes;
        self
    }

    /// How describe, list and cancel are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Whether a create whose outcome is unknown is reconciled by listing (default true).
    /// When off, such a create fails with [`Error::CreateOutcomeUnknown`].
    pub fn reconcile_creates(mut self, reconcile: bool) -> Self {
        self.reconcile = reconcile;
        self
    }

    /// The clock signatures are computed from (default: the system clock).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Checks the configuration and builds the client. Sends nothing.
    pub fn build(self) -> Result<Client, InvalidInput> {
        let credentials = self
            .credentials
            .ok_or(InvalidInput::EmptyCredential("SecretId"))?;
        credentials.validate()?;
        let (base_url, host, https) = match &self.endpoint {
            Some(url) => parse_endpoint(url)?,
            None => {
                check_host_label(&self.bucket)?;
                check_host_label(&self.region)?;
                let host = format!("{}.ci.{}.myqcloud.com", self.bucket, self.region);
                (format!("https://{host}"), host, true)
            }
        };
        if !https && !self.allow_http {
            return Err(InvalidInput::InsecureEndpoint);
        }
        let transport = Transport::new(&TransportConfig {
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            max_body: self.max_body,
            https_only: https,
            loopback: is_loopback(&host),
        });
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                base_url,
                host,
                credentials,
                retry: self.retry,
                reconcile: self.reconcile,
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemTime::now)),
                skew: AtomicI64::new(0),
            }),
        })
    }
}

fn check_host_label(value: &str) -> Result<(), InvalidInput> {
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(InvalidInput::BadBucketOrRegion(value.to_owned()))
    }
}

/// Whether a `host[:port]` names this machine.
fn is_loopback(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Splits an endpoint URL into (base URL, Host header value, is https).
fn parse_endpoint(url: &str) -> Result<(String, String, bool), InvalidInput> {
    let bad = |why: &str| InvalidInput::BadEndpoint(format!("{url:?}: {why}"));
    let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(bad("the scheme must be https:// or http://"));
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() {
        return Err(bad("no host"));
    }
    if authority.contains(['/', '?', '#', '@'])
        || authority
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad("only scheme, host and port are allowed"));
    }
    let host = authority.to_ascii_lowercase();
    let scheme = if https { "https" } else { "http" };
    Ok((format!("{scheme}://{host}"), host, https))
}

/// A blocking client for one bucket's batch jobs. Cheap to clone; one client may be shared by
/// many threads (connections are pooled).
///
/// `Debug` shows the host and SecretId, never the key, token or a signature.
///
/// ```
/// # #[cfg(feature = "emulator")] {
/// use cos_ci_batch::emulator::Emulator;
/// use cos_ci_batch::model::{BatchJob, Input, JobState};
/// use cos_ci_batch::ops::ListQuery;
///
/// let emulator = Emulator::start()?;
/// emulator.add_workflow("w0123456789abcdef0123456789abcdef");
/// let client = emulator.client_builder().build()?; // Client::builder(bucket, region) for real
///
/// let job = BatchJob::workflow("covers", "w0123456789abcdef0123456789abcdef", Input::prefix("v/"));
/// let created = client.create(&job)?;
/// assert_eq!(client.describe(&created.job_id)?.state, JobState::Submitted);
/// assert_eq!(client.list(&ListQuery::new().name("covers"))?.jobs.len(), 1);
/// client.cancel(&created.job_id)?;
/// assert_eq!(client.describe(&created.job_id)?.state, JobState::Cancel);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    base_url: String,
    host: String,
    credentials: Credentials,
    retry: RetryPolicy,
    reconcile: bool,
    clock: Clock,
    /// Seconds to add to the local clock, learnt from the service's `Date`.
    skew: AtomicI64,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("allow_http", &self.allow_http)
            .field("credentials", &self.credentials)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_body", &self.max_body)
            .field("retry", &self.retry)
            .field("reconcile_creates", &self.reconcile)
            .field("custom_clock", &self.clock.is_some())
            .finish()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
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
        ClientBuilder {
            bucket: bucket.into(),
            region: region.into(),
            endpoint: None,
            allow_http: false,
            credentials: None,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_body: 4 << 20,
            retry: RetryPolicy::default(),
            reconcile: true,
            clock: None,
        }
    }

    /// The `Host` the client signs and sends.
    pub fn host(&self) -> &str {
        &self.inner.host
    }

    /// The clock correction in seconds learnt from the service (0 until a skew is seen).
    pub fn clock_skew(&self) -> i64 {
        self.inner.skew.load(Ordering::Relaxed)
    }

    /// Starts a batch job and returns its detail (with its `JobId`).
    ///
    /// A create is never replayed blindly. If nothing reached the service (DNS failure,
    /// connection refused), it is sent again under the retry policy. If the outcome is
    /// unknown (a timeout or dropped connection after sending, a 5xx, an unreadable 2xx),
    /// the client lists jobs of this name and type, newest first, and returns the one with
    /// the same input created since two minutes before the first attempt, judged on the
    /// service's clock (the listing's `Date`). If there is none, the job is created again,
    /// at most once more. With reconciliation off, when the listing fails, or when it cannot
    /// be sure (no usable `Date`, a repeated paging token, too many jobs of that name), the
    /// error is [`Error::CreateOutcomeUnknown`]: the job may exist, and was not created twice.
    pub fn create(&self, job: &BatchJob) -> Result<JobDetail, Error> {
        create::create(self, job)
    }

    /// Describes one batch job; [`Error::JobNotFound`] when the service says it does not
    /// exist.
    pub fn describe(&self, job_id: &str) -> Result<JobDetail, Error> {
        let op = DescribeJob::new(job_id)?;
        let described = self.execute(&op)?;
        match described.job {
            Some(job) => Ok(job),
            None => Err(Error::JobNotFound {
                job_id: job_id.to_owned(),
            }),
        }
    }

    /// Lists one page of batch jobs.
    pub fn list(&self, query: &ListQuery) -> Result<JobPage, Error> {
        self.execute(&ListJobs::new(query)?)
    }

    /// Iterates over every job matching `query`, page after page (`query.next_token` is the
    /// starting point). Stops with [`Error::PagingLoop`] if the service repeats a token.
    pub fn list_all(&self, query: &ListQuery) -> JobIter<'_> {
        JobIter::new(self, query.clone())
    }

    /// Cancels a batch job.
    pub fn cancel(&self, job_id: &str) -> Result<(), Error> {
        self.execute(&CancelJob::new(job_id)?)
    }

    /// Polls a job until it is `Success`, `Failed` or `Cancel` and returns that detail
    /// (a failed job is an `Ok` whose state says so).
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

    /// Runs an idempotent operation under the retry policy.
    pub(crate) fn execute<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        let policy = &self.inner.retry;
        let max = policy.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let result = self.attempt(op, attempt > 1);
            match result {
                Ok(output) => return Ok(output),
                Err(e) if attempt < max && retry::is_retryable(&e) => {
                    std::thread::sleep(policy.backoff(attempt));
                    attempt += 1;
                }
                Err(e) if attempt > 1 => {
                    return Err(Error::RetriesExhausted {
                        attempts: attempt,
                        last: Box::new(e),
                    });
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// One exchange, plus at most one re-signed resend when the service refuses the
    /// signature's time and its `Date` shows the local clock is off. (A refused signature
    /// means nothing was processed, so this is safe for a create too.)
    pub(crate) fn attempt<O: Operation>(&self, op: &O, is_retry: bool) -> Result<O::Output, Error> {
        let response = self.send_once(op, is_retry)?;
        let result = op.parse(response.status, &response.headers(), &response.body);
        match result {
            Err(e) if retry::is_time_refusal(&e) => {
                let local = self.local_now();
                let Some(skew) = retry::skew_from_date(response.date.as_deref(), local) else {
                    return Err(e);
                };
                if (skew - self.clock_skew()).abs() < retry::MIN_SKEW_SECS {
                    // Already corrected for this skew and still refused: do not loop.
                    return Err(e);
                }
                self.inner.skew.store(skew, Ordering::Relaxed);
                let response = self.send_once(op, true)?;
                op.parse(response.status, &response.headers(), &response.body)
            }
            other => other,
        }
    }

    fn send_once<O: Operation>(&self, op: &O, is_retry: bool) -> Result<RawResponse, Error> {
        let mut request = op.request();
        if is_retry {
            request.set_header("x-cos-sdk-retry", "true");
        }
        request.sign(&self.inner.host, &self.inner.credentials, self.key_time());
        self.inner
            .transport
            .send(&self.inner.base_url, &request)
            .map_err(Error::Transport)
    }

    fn key_time(&self) -> KeyTime {
        let now = self.local_now() + self.clock_skew();
        KeyTime::around(now.max(0) as u64, SIGN_BACK, SIGN_AHEAD)
    }

    /// "Now" on the client's clock, in Unix seconds.
    pub(crate) fn local_now(&self) -> i64 {
        unix_time::unix_seconds((self.inner.clock)())
    }

    pub(crate) fn reconciles(&self) -> bool {
        self.inner.reconcile
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_hosts() {
        for host in [
            "127.0.0.1:9000",
            "127.1.2.3",
            "localhost:80",
            "[::1]:9000",
            "LOCALHOST",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "b-1250000000.ci.ap-guangzhou.myqcloud.com",
            "10.0.0.1:80",
            "[::2]:1",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
