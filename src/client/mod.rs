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
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use pages::{JobIter, MAX_EMPTY_PAGES};
pub use retry::RetryPolicy;
pub use wait::WaitOptions;

use crate::credentials::{Credentials, ProvideCredentials};
use crate::error::{Error, InvalidInput, TransportError, TransportErrorKind};
use crate::model::{BatchJob, JobDetail};
use crate::ops::{CancelJob, DescribeJob, HttpRequest, JobPage, ListJobs, ListQuery, Operation};
use crate::sign::KeyTime;
use crate::unix_time;
use transport::{RawResponse, Transport, TransportConfig};

/// The signature starts this long before "now", to tolerate small clock differences.
const SIGN_BACK: u64 = 60;
/// ... and stays valid this long after it.
const SIGN_AHEAD: u64 = 900;

/// Timeouts and waits longer than this are taken as this: about a century, which is as good as
/// forever and still leaves room for `Instant` arithmetic.
pub(crate) const LONGEST_WAIT: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

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
    static_credentials: Option<Credentials>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    connect_timeout: Duration,
    timeout: Duration,
    max_body: u64,
    retry: RetryPolicy,
    reconcile: bool,
    create_search: Duration,
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

    /// The credentials to sign with. These or a
    /// [`credentials_provider`](ClientBuilder::credentials_provider) are required.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.static_credentials = Some(credentials);
        self.credentials = None;
        self
    }

    /// Where to get the credentials for each request, for credentials that change (STS
    /// tokens): see [`crate::credentials::RefreshingCredentials`].
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use cos_ci_batch::credentials::RefreshingCredentials;
    /// use cos_ci_batch::{Client, Credentials};
    ///
    /// let sts = RefreshingCredentials::new(Duration::from_secs(300), || {
    ///     // Ask STS for a token here.
    ///     let expires = SystemTime::now() + Duration::from_secs(1800);
    ///     Ok(Credentials::new("AKIDtmp", "key").with_session_token("t").with_expiration(expires))
    /// });
    /// let client = Client::builder("examplebucket-1250000000", "ap-guangzhou")
    ///     .credentials_provider(sts)
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
    /// ```
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials) -> Self {
        self.credentials = Some(Arc::new(provider));
        self.static_credentials = None;
        self
    }

    /// The longest wait for a connection (default 5 s). Zero is refused by
    /// [`build`](ClientBuilder::build); more than a century is taken as a century.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest time one HTTP exchange may take, connecting included (default 30 s).
    /// Zero is refused by [`build`](ClientBuilder::build); more than a century is taken as a
    /// century.
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

    /// Whether a create whose outcome is unknown is looked for by listing (default true).
    /// When off, a create sends no listing, and such a create fails with
    /// [`Error::CreateOutcomeUnknown`]. See [`Client::create`].
    pub fn reconcile_creates(mut self, reconcile: bool) -> Self {
        self.reconcile = reconcile;
        self
    }

    /// How long a create whose outcome is unknown is looked for before the client gives up
    /// with [`Error::CreateOutcomeUnknown`] (default 30 s; zero lists once). See
    /// [`Client::create`].
    pub fn create_search(mut self, duration: Duration) -> Self {
        self.create_search = duration;
        self
    }

    /// The clock signatures are computed from (default: the system clock).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Checks the configuration and builds the client. Sends nothing.
    pub fn build(self) -> Result<Client, InvalidInput> {
        let credentials = match (self.static_credentials, self.credentials) {
            (Some(credentials), _) => {
                credentials.validate()?;
                Arc::new(credentials)
            }
            (None, Some(provider)) => provider,
            (None, None) => return Err(InvalidInput::NoCredentials),
        };
        for (name, timeout) in [
            ("connect_timeout", self.connect_timeout),
            ("timeout", self.timeout),
        ] {
            if timeout.is_zero() {
                return Err(InvalidInput::ZeroTimeout(name));
            }
        }
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
            connect_timeout: self.connect_timeout.min(LONGEST_WAIT),
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
                timeout: self.timeout.min(LONGEST_WAIT),
                retry: self.retry,
                reconcile: self.reconcile,
                create_search: self.create_search.min(LONGEST_WAIT),
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
    let authority = authority.to_ascii_lowercase();
    // The port follows the last ':' unless that ':' is inside an IPv6 literal.
    let (name, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority.as_str(), None),
    };
    if name.is_empty() || (name.contains(':') && !name.starts_with('[')) {
        return Err(bad(
            "the host is not a name, an IPv4 address or a bracketed IPv6 address",
        ));
    }
    let default_port = if https { 443 } else { 80 };
    let port = match port {
        None => None,
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port > 0 && text.bytes().all(|b| b.is_ascii_digit()) => Some(port),
            _ => return Err(bad("the port must be a number from 1 to 65535")),
        },
    };
    let host = match port {
        Some(port) if port != default_port => format!("{name}:{port}"),
        _ => name.to_owned(),
    };
    // HTTP clients leave the scheme's default port out of the Host header, so the signed host
    // must leave it out too.
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
    credentials: Arc<dyn ProvideCredentials>,
    timeout: Duration,
    retry: RetryPolicy,
    reconcile: bool,
    create_search: Duration,
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
            .field("credentials", &self.static_credentials)
            .field("credentials_provider", &self.credentials)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_body", &self.max_body)
            .field("retry", &self.retry)
            .field("reconcile_creates", &self.reconcile)
            .field("create_search", &self.create_search)
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
            static_credentials: None,
            credentials: None,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_body: 4 << 20,
            retry: RetryPolicy::default(),
            reconcile: true,
            create_search: Duration::from_secs(30),
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
    /// A create is never sent twice for one call unless the first request certainly never
    /// reached the service, and never returns another job as its own. The rule:
    ///
    /// 1. Before sending, the client lists the jobs that already have this name and type
    ///    (one page of up to 100, newest first): none of them can be the one it creates.
    ///    (With [`ClientBuilder::reconcile_creates`]`(false)` it skips this and step 3.)
    /// 2. A failure that happened before the request could reach the service (the host did
    ///    not resolve, no connection or TLS session, the request not sent whole) is sent again
    ///    under the [`RetryPolicy`]. Any other failure (a refusal, a 4xx) is returned.
    /// 3. After a failure that may have reached the service (a timeout or lost connection
    ///    after sending, a 5xx, an unreadable success) the client never sends the create
    ///    again: it only searches. It lists jobs by name and type, newest first, after 0.5 s
    ///    and then at doubling intervals of at most 8 s, for
    ///    [`ClientBuilder::create_search`] (30 s by default). A listed job is the one it
    ///    created only if it was not listed in step 1 and carries everything the request
    ///    said: the name, the type, the input and every element of the Operation, as the
    ///    service echoes them (elements the service adds are allowed).
    /// 4. When the search ends without such a job, or when reconciliation is off, the error is
    ///    [`Error::CreateOutcomeUnknown`]: the job may exist, and was not created twice.
    ///
    /// Two callers creating identical jobs (same name, type, input and Operation) at the
    /// same moment cannot be told apart by the service's answers; give concurrent creates
    /// distinct names.
    pub fn create(&self, job: &BatchJob) -> Result<JobDetail, Error> {
        create::create(self, job)
    }

    /// Describes one batch job; [`Error::JobNotFound`] when the service says it does not
    /// exist.
    pub fn describe(&self, job_id: &str) -> Result<JobDetail, Error> {
        self.describe_until(job_id, None)
    }

    pub(crate) fn describe_until(
        &self,
        job_id: &str,
        deadline: Option<Instant>,
    ) -> Result<JobDetail, Error> {
        let op = DescribeJob::new(job_id)?;
        let described = self.execute(&op, deadline)?;
        match described.job {
            Some(job) => Ok(job),
            None => Err(Error::JobNotFound {
                job_id: job_id.to_owned(),
            }),
        }
    }

    /// Lists one page of batch jobs.
    pub fn list(&self, query: &ListQuery) -> Result<JobPage, Error> {
        self.execute(&ListJobs::new(query)?, None)
    }

    /// Iterates over every job matching `query`, page after page (`query.next_token` is the
    /// starting point). See [`JobIter`] for how a misbehaving service is bounded.
    pub fn list_all(&self, query: &ListQuery) -> JobIter<'_> {
        JobIter::new(self, query.clone())
    }

    /// Cancels a batch job.
    pub fn cancel(&self, job_id: &str) -> Result<(), Error> {
        self.execute(&CancelJob::new(job_id)?, None)
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

    /// Runs an idempotent operation under the retry policy; no attempt starts or sleeps past
    /// `deadline`.
    pub(crate) fn execute<O: Operation>(
        &self,
        op: &O,
        deadline: Option<Instant>,
    ) -> Result<O::Output, Error> {
        let policy = &self.inner.retry;
        let max = policy.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let error = match self.attempt(op, attempt > 1, deadline) {
                Ok(output) => return Ok(output),
                Err(e) => e,
            };
            if attempt < max && retry::is_retryable(&error) {
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
            return Err(if attempt > 1 {
                Error::RetriesExhausted {
                    attempts: attempt,
                    last: Box::new(error),
                }
            } else {
                error
            });
        }
    }

    /// One exchange, plus at most one re-signed resend when the service refuses the
    /// signature's time and its `Date` shows that the clock the request was signed with was
    /// off. The refusal is judged against the skew that request used, not the one stored
    /// since (another thread may have changed it), and a stored skew is replaced, so a local
    /// clock that gets fixed is followed back. (A refused signature means nothing was
    /// processed, so this is safe for a create too.)
    pub(crate) fn attempt<O: Operation>(
        &self,
        op: &O,
        is_retry: bool,
        deadline: Option<Instant>,
    ) -> Result<O::Output, Error> {
        let skew = self.clock_skew();
        let response = self.send_once(op.request(), is_retry, skew, deadline)?;
        let result = op.parse(response.status, &response.headers(), &response.body);
        let Err(error) = result else {
            return result;
        };
        if !retry::is_time_refusal(&error) {
            return Err(error);
        }
        let service_now = response
            .date
            .as_deref()
            .and_then(unix_time::parse_http_date);
        let Some(offset) = service_now.and_then(|now| retry::service_offset(now, self.local_now()))
        else {
            return Err(error);
        };
        if (offset - skew).abs() < retry::MIN_SKEW_SECS {
            // The clock was right: the refusal has another cause.
            return Err(error);
        }
        self.inner.skew.store(offset, Ordering::Relaxed);
        let response = self.send_once(op.request(), true, offset, deadline)?;
        op.parse(response.status, &response.headers(), &response.body)
    }

    fn send_once(
        &self,
        mut request: HttpRequest,
        is_retry: bool,
        skew: i64,
        deadline: Option<Instant>,
    ) -> Result<RawResponse, Error> {
        let timeout = match deadline {
            None => self.inner.timeout,
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Error::Transport(TransportError {
                        kind: TransportErrorKind::Timeout,
                        message: "the deadline passed before the request was sent".into(),
                        never_sent: true,
                    }));
                }
                left.min(self.inner.timeout)
            }
        };
        if is_retry {
            request.set_header("x-cos-sdk-retry", "true");
        }
        let now = (self.local_now().saturating_add(skew)).max(0) as u64;
        let service_now = UNIX_EPOCH + Duration::from_secs(now);
        let credentials = self
            .inner
            .credentials
            .credentials(service_now)
            .map_err(Error::Credentials)?;
        request.sign(&self.inner.host, &credentials, key_time(now, &credentials)?);
        self.inner
            .transport
            .send(&self.inner.base_url, &request, timeout)
            .map_err(Error::Transport)
    }

    /// "Now" on the client's clock, in Unix seconds.
    pub(crate) fn local_now(&self) -> i64 {
        unix_time::unix_seconds((self.inner.clock)())
    }

    pub(crate) fn reconciles(&self) -> bool {
        self.inner.reconcile
    }

    pub(crate) fn create_search(&self) -> Duration {
        self.inner.create_search
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }
}

/// The signature's validity window around `now` (on the service's clock), never beyond the
/// credentials' expiration.
fn key_time(now: u64, credentials: &Credentials) -> Result<KeyTime, Error> {
    let window = KeyTime::around(now, SIGN_BACK, SIGN_AHEAD);
    let Some(expiration) = credentials.expiration() else {
        return Ok(window);
    };
    let expires = unix_time::unix_seconds(expiration);
    if expires <= now as i64 {
        return Err(Error::Credentials(
            "the credentials have expired; use a provider that refreshes them".into(),
        ));
    }
    Ok(KeyTime::new(
        window.start(),
        window.end().min(expires as u64),
    ))
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
