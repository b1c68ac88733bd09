//! An emulator of the batch-job service, for tests and demos with no account and no network
//! (feature `emulator`).
//!
//! It serves the four actions on `127.0.0.1` over the real wire format, checks every
//! signature the way the service does (on its own clock, which its `Date` shows, and with
//! temporary credentials that expire), validates create bodies with the service's messages,
//! echoes what was sent, runs jobs through `Submitted`, `Running` and `Success` (or
//! `Failed`) on a clock the test controls, selects objects by Prefix, Object, Manifest or
//! UrlFile and TimeInterval, and injects faults.
//!
//! One misbehaving client cannot take it down or freeze it: a request head is at most
//! 64 KiB (`431` beyond), a body at most 1 MiB (`413`, decided before reading it, also under
//! `Expect: 100-continue`), only `Content-Length` bodies are read (`501` otherwise), every read
//! has a 5 s timeout and a whole request 15 s, at most 128 connections are served at once
//! (`503` beyond), a failed `accept` (no file descriptors left) is waited out, and a panic
//! while answering ends that connection only. Each connection has a thread of its own.
//! At most 1000 header fields are read (`431`); header lines open to two readings (spaces
//! around a name, folded lines) and two differing `Content-Length`s are refused (`400`); an
//! HTTP/1.0 connection is closed after its answer unless it asked to be kept; a `HEAD` gets a
//! head alone, whatever the fault; a TLS handshake sent to its plain-HTTP port gets `400` at
//! once. An Authorization may list at most 256 names per list, and
//! is verified in time linear in the request's headers, without holding up other requests.
//! The log behind [`Emulator::received`] keeps the newest 10 000 requests within 64 MiB of
//! memory, each body cut to its first MiB. The bucket's COS port ([`Emulator::cos_endpoint`])
//! takes uploads of up to [`MAX_UPLOAD`] bytes, and keeps at most 1 GiB of uploaded bodies
//! (`400 EntityTooLarge` beyond, the emulator's own limit). Times saturate: a clock advanced or a job duration set by `Duration::MAX` stops at
//! the last second of year 9999.
//!
//! ```
//! use std::time::Duration;
//! use cos_ci_batch::emulator::Emulator;
//! use cos_ci_batch::model::{BatchJob, Input, JobState};
//!
//! let emulator = Emulator::start()?;
//! emulator.add_workflow("w0123456789abcdef0123456789abcdef");
//! emulator.put_object("videos/a.mp4", emulator.now());
//! emulator.put_object("photos/b.jpg", emulator.now());
//!
//! let client = emulator.client_builder().build()?;
//! let job = BatchJob::workflow("demo", "w0123456789abcdef0123456789abcdef", Input::prefix("videos/"));
//! let created = client.create(&job)?.job;
//! assert_eq!(created.state, JobState::Submitted);
//!
//! emulator.advance(Duration::from_secs(10));
//! assert_eq!(client.describe(&created.job_id)?.job.state, JobState::Success);
//! assert_eq!(emulator.covered_objects(&created.job_id).unwrap(), ["videos/a.mp4"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod callbacks;
mod create_request;
mod fault;
mod handler;
mod http;
mod listing;
mod object_work;
mod service;
mod state;
mod verify;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

pub use callbacks::{
    ATTEMPTS, CallbackDelivery, DELIVERY_TIMEOUT, NotificationListener, PARALLEL_DELIVERIES,
    RETRY_AFTER,
};
pub use fault::{Fault, Route};
pub use service::ReceivedRequest;

/// The largest body the COS port takes (`413` beyond): 128 MiB, a URL file of about
/// 1.5 million object URLs. COS itself takes 5 GB in one upload.
///
/// ```
/// assert_eq!(cos_ci_batch::emulator::MAX_UPLOAD, 128 << 20);
/// ```
pub const MAX_UPLOAD: u64 = 128 << 20;

use crate::client::{Client, ClientBuilder};
use crate::credentials::Credentials;
use crate::ops::Service;
use fault::FaultRule;
use handler::{ReceivedLog, Shared};
use state::State;

/// Locks a mutex, going on after a panic elsewhere: the emulator's state stays usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running emulator. It serves until dropped.
///
/// ```
/// use cos_ci_batch::emulator::Emulator;
///
/// let emulator = Emulator::start()?;
/// println!("{} accepts {}", emulator.endpoint(), emulator.credentials().secret_id());
/// let client = emulator.client_builder().build()?;
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Emulator {
    shared: Arc<Shared>,
    server: http::Server,
    /// The bucket's COS host: uploads.
    cos_server: http::Server,
    deliveries: Arc<Mutex<callbacks::DeliveryLog>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("endpoint", &self.endpoint())
            .field("secret_id", &self.shared.secret_id)
            .finish_non_exhaustive()
    }
}

/// Options for starting an [`Emulator`].
///
/// ```
/// use cos_ci_batch::emulator::Emulator;
///
/// // For tools in other languages: a known port.
/// let emulator = Emulator::builder().port(0).start()?;
/// assert!(emulator.endpoint().starts_with("http://127.0.0.1:"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct EmulatorBuilder {
    port: u16,
    credentials: Option<(String, String)>,
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("port", &self.port)
            .field("secret_id", &self.credentials.as_ref().map(|(id, _)| id))
            .finish_non_exhaustive()
    }
}

impl EmulatorBuilder {
    /// Listens on this loopback port (default 0: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Accepts this SecretId and SecretKey instead of fresh random ones: for scripts that
    /// set their credentials before the emulator starts. They are valid nowhere else.
    ///
    /// ```
    /// use cos_ci_batch::emulator::Emulator;
    ///
    /// let emulator = Emulator::builder().credentials("AKIDtest", "test-key").start()?;
    /// assert_eq!(emulator.credentials().secret_id(), "AKIDtest");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn credentials(
        mut self,
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.credentials = Some((secret_id.into(), secret_key.into()));
        self
    }

    /// Starts the emulator, with fresh credentials and a clock that stands still until
    /// [`Emulator::advance`] or [`Emulator::run_in_real_time`].
    ///
    /// It serves each connection on a thread of its own, with the limits listed in the
    /// [module documentation](self), so one misbehaving client cannot stop it serving the
    /// others.
    pub fn start(self) -> io::Result<Emulator> {
        let mut state = State::new();
        let (secret_id, secret_key) = match self.credentials {
            Some(given) => given,
            None => (
                format!("AKIDemu{}", &state.new_id('x')[1..21]),
                state.new_id('k')[1..].to_owned(),
            ),
        };
        let shared = Arc::new(Shared {
            secret_id,
            secret_key,
            state: Mutex::new(state),
            faults: Mutex::new(Vec::new()),
            received: Mutex::new(ReceivedLog::default()),
            request_counter: AtomicU64::new(0),
            latency_ms: AtomicU64::new(0),
        });
        let serve = |port, max_body, service| {
            let shared = shared.clone();
            http::Server::start(
                port,
                max_body,
                Box::new(move |request, sleep| handler::handle(&shared, service, request, sleep)),
            )
        };
        let server = serve(self.port, http::MAX_BODY, Service::Ci)?;
        let cos_server = serve(0, MAX_UPLOAD, Service::Cos)?;
        let deliveries = Arc::default();
        callbacks::start_delivering(Arc::downgrade(&shared), Arc::clone(&deliveries));
        Ok(Emulator {
            shared,
            server,
            cos_server,
            deliveries,
        })
    }
}

impl Emulator {
    /// Starts an emulator on a free loopback port (`Emulator::builder().start()`).
    pub fn start() -> io::Result<Emulator> {
        Emulator::builder().start()
    }

    /// Options for starting an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            port: 0,
            credentials: None,
        }
    }

    /// The base URL clients use: `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The base URL of the bucket's COS host, where uploads go ([`crate::ops::PutObject`]):
    /// `http://127.0.0.1:<another port>`. It takes bodies of up to [`MAX_UPLOAD`] bytes.
    ///
    /// ```
    /// let emulator = cos_ci_batch::emulator::Emulator::start()?;
    /// assert_ne!(emulator.cos_endpoint(), emulator.endpoint());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn cos_endpoint(&self) -> String {
        format!("http://{}", self.cos_server.addr())
    }

    /// The body of object `key`, when it was uploaded with one ([`crate::ops::PutObject`],
    /// [`Emulator::put_url_file`]).
    ///
    /// ```
    /// let emulator = cos_ci_batch::emulator::Emulator::start()?;
    /// emulator.put_url_file("lists/urls.txt", ["https://b.cos.r.myqcloud.com/a.mp4"]);
    /// assert_eq!(emulator.object_body("lists/urls.txt").unwrap(), b"https://b.cos.r.myqcloud.com/a.mp4\n");
    /// assert_eq!(emulator.object_body("a.mp4"), None);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn object_body(&self, key: &str) -> Option<Vec<u8>> {
        lock(&self.shared.state)
            .object_body(key)
            .map(<[u8]>::to_vec)
    }

    /// The only credentials the emulator accepts.
    pub fn credentials(&self) -> Credentials {
        Credentials::new(&self.shared.secret_id, &self.shared.secret_key)
    }

    /// The SecretKey of [`Emulator::credentials`], for tools in other languages. It is the
    /// emulator's own random key, valid nowhere else.
    pub fn secret_key(&self) -> &str {
        &self.shared.secret_key
    }

    /// Issues temporary credentials (a SecretId, a key and a session token, as STS would)
    /// that the emulator accepts until `ttl` has passed on its clock, and refuses with
    /// `ExpiredToken` after. Their [`Credentials::expiration`] is set, for a
    /// [`crate::credentials::RefreshingCredentials`] to act on.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cos_ci_batch::emulator::Emulator;
    /// use cos_ci_batch::ops::ListQuery;
    ///
    /// let emulator = Emulator::start()?;
    /// let sts = emulator.issue_temporary_credentials(Duration::from_secs(1800));
    /// assert!(sts.has_session_token());
    /// let client = emulator.client_builder().credentials(sts).build()?;
    /// client.list(&ListQuery::new())?;
    /// emulator.advance(Duration::from_secs(1800));
    /// let err = client.list(&ListQuery::new()).unwrap_err();
    /// assert!(err.to_string().contains("expired"), "{err}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn issue_temporary_credentials(&self, ttl: Duration) -> Credentials {
        let mut state = lock(&self.shared.state);
        let expires = state::later(state.clock.now(), ttl);
        let (secret_id, secret_key, token) = state.issue_temporary(expires);
        let expiration = SystemTime::UNIX_EPOCH
            + Duration::from_secs(u64::try_from(expires.unix_timestamp()).unwrap_or(0));
        Credentials::new(secret_id, secret_key)
            .with_session_token(token)
            .with_expiration(expiration)
    }

    /// Plays the metadata service of a CVM instance bound to role `role`, on
    /// [`Emulator::endpoint`]: `GET /latest/meta-data/cam/security-credentials/` names the
    /// role, and `GET /latest/meta-data/cam/security-credentials/<role>` issues temporary
    /// credentials that the emulator accepts for `ttl` on its clock (as
    /// [`Emulator::issue_temporary_credentials`]). Without a role both answer `404`, as
    /// on an instance with none.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cos_ci_batch::credentials::{CredentialChain, CredentialSource};
    /// use cos_ci_batch::emulator::Emulator;
    /// use cos_ci_batch::ops::ListQuery;
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.set_instance_role("CVM_QcsRole", Duration::from_secs(60));
    /// let chain = CredentialChain::new()
    ///     .env_lookup(|_| None)
    ///     .profile_files(["/nonexistent/credentials"])
    ///     .metadata_endpoint(emulator.endpoint());
    /// let client = emulator.client_builder().credential_chain(chain).build()?;
    /// assert!(matches!(
    ///     client.credentials_source(),
    ///     Some(CredentialSource::InstanceRole { role, .. }) if role == "CVM_QcsRole"
    /// ));
    /// // The role's credentials last a minute; the client refreshes them as they expire.
    /// for _ in 0..3 {
    ///     client.list(&ListQuery::new())?;
    ///     emulator.advance(Duration::from_secs(50));
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_instance_role(&self, role: impl Into<String>, ttl: Duration) {
        lock(&self.shared.state).set_instance_role(Some((role.into(), ttl)));
    }

    /// Unbinds the instance role: the metadata service answers `404`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cos_ci_batch::credentials::{ChainError, CredentialChain};
    /// use cos_ci_batch::emulator::Emulator;
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.set_instance_role("r", Duration::from_secs(60));
    /// emulator.remove_instance_role();
    /// let chain = CredentialChain::new()
    ///     .env_lookup(|_| None)
    ///     .profile_files(["/nonexistent/credentials"])
    ///     .metadata_endpoint(emulator.endpoint());
    /// assert!(matches!(chain.resolve(), Err(ChainError::NotFound { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remove_instance_role(&self) {
        lock(&self.shared.state).set_instance_role(None);
    }

    /// Makes each run of workflow `id` report its end to `url` (`WorkflowFinish`), in JSON
    /// when `json`, as a workflow's callback settings do. A `Type=Job` batch job reports
    /// through its own `CallBack` setting: each of its media jobs sends `TaskFinish`. How
    /// deliveries are made and retried: [`NotificationListener`]'s module, and
    /// [`ATTEMPTS`] and [`RETRY_AFTER`] (guesses).
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use std::time::Duration;
    /// use cos_ci_batch::emulator::{Emulator, NotificationListener};
    /// use cos_ci_batch::notify::Notification;
    ///
    /// let (tx, rx) = mpsc::channel();
    /// let listener = NotificationListener::start("127.0.0.1:0".parse()?, "/cb", move |read| {
    ///     let _ = tx.send(read);
    /// })?;
    /// let emulator = Emulator::start()?;
    /// emulator.add_workflow("w1");
    /// emulator.set_workflow_callback("w1", format!("http://{}/cb", listener.addr()), false);
    /// emulator.put_object("in/a.mp4", emulator.now());
    /// let client = emulator.client_builder().build()?;
    /// let run = client.trigger_workflow(&cos_ci_batch::ops::TriggerWorkflow::new("w1", "in/a.mp4")?)?;
    /// emulator.advance(Duration::from_secs(10));
    /// let Notification::WorkflowRun { execution, .. } = rx.recv_timeout(Duration::from_secs(10))??
    /// else { panic!() };
    /// assert_eq!(execution.run_id, run.run_id);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_workflow_callback(&self, id: impl Into<String>, url: impl Into<String>, json: bool) {
        lock(&self.shared.state)
            .workflow_callbacks
            .insert(id.into(), (url.into(), json));
    }

    /// The notifications delivered or tried so far, in the order their deliveries ended
    /// (the newest 10 000). Example: [`Emulator::set_workflow_callback`] delivers them;
    /// this lists what came of each.
    ///
    /// ```
    /// let emulator = cos_ci_batch::emulator::Emulator::start()?;
    /// assert!(emulator.callback_deliveries().is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn callback_deliveries(&self) -> Vec<CallbackDelivery> {
        lock(&self.deliveries).all()
    }

    /// A client builder aimed at this emulator, with its credentials and `http://` allowed.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder("emulator-1250000000", "ap-emulator")
            .endpoint(self.endpoint())
            .cos_endpoint(self.cos_endpoint())
            .allow_http()
            .credentials(self.credentials())
    }

    /// Makes workflow `id` known; a Workflow job naming an unknown workflow ends `Failed`.
    pub fn add_workflow(&self, id: impl Into<String>) {
        lock(&self.shared.state).add_workflow(id.into());
    }

    /// Stores (or replaces) an object uploaded at `uploaded`.
    pub fn put_object(&self, key: impl Into<String>, uploaded: OffsetDateTime) {
        lock(&self.shared.state).put_object(key.into(), uploaded);
    }

    /// Stores (or replaces) many objects at once, all uploaded at `uploaded`: a bucket of a
    /// hundred thousand objects takes a moment.
    ///
    /// ```
    /// use cos_ci_batch::emulator::Emulator;
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.put_objects((0..1000).map(|i| format!("v/{i:04}.mp4")), emulator.now());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn put_objects(
        &self,
        keys: impl IntoIterator<Item = impl Into<String>>,
        uploaded: OffsetDateTime,
    ) {
        let mut state = lock(&self.shared.state);
        for key in keys {
            state.put_object(key.into(), uploaded);
        }
    }

    /// Makes the objects whose key matches `pattern` (exactly, or with `*` matching any run
    /// of characters) fail with `code` and `message` in the batch jobs and triggers created
    /// from now on: their media jobs or workflow runs end `Failed`. The first matching rule
    /// wins.
    ///
    /// ```
    /// use cos_ci_batch::emulator::Emulator;
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.fail_objects("videos/*.avi", "UnsupportedFormat", "avi is not supported");
    /// emulator.fail_objects("videos/broken.mp4", "DecodeError", "no video stream");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn fail_objects(
        &self,
        pattern: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) {
        lock(&self.shared.state).fail_objects(pattern.into(), code.into(), message.into());
    }

    /// Forgets every failure rule: work created from now on succeeds.
    pub fn clear_failures(&self) {
        lock(&self.shared.state).clear_failures();
    }

    /// Stores an inventory manifest listing `keys`, for `Input.Manifest`.
    pub fn put_manifest(
        &self,
        name: impl Into<String>,
        keys: impl IntoIterator<Item = impl Into<String>>,
    ) {
        let keys = keys.into_iter().map(Into::into).collect();
        lock(&self.shared.state).put_manifest(name.into(), keys);
    }

    /// Uploads a URL file as object `key`, one URL per line, for `Input.UrlFile` (which
    /// may name it by its key or by its URL), as [`crate::ops::PutObject`] would.
    pub fn put_url_file(
        &self,
        key: impl Into<String>,
        urls: impl IntoIterator<Item = impl AsRef<str>>,
    ) {
        let mut body = String::new();
        for url in urls {
            body.push_str(url.as_ref());
            body.push('\n');
        }
        // Beyond the emulator's limit on stored bodies, the file is not stored, as an upload
        // would be refused; a URL file naming it then fails the batch job.
        let _ = lock(&self.shared.state).put_object_body(key.into(), body.into_bytes());
    }

    /// The emulator's current time (jobs are stamped with it).
    pub fn now(&self) -> OffsetDateTime {
        lock(&self.shared.state).clock.now()
    }

    /// Moves the emulator's clock forward.
    pub fn advance(&self, by: Duration) {
        lock(&self.shared.state).clock.advance(by);
    }

    /// Lets real time drive the clock from now on (for demos).
    pub fn run_in_real_time(&self) {
        lock(&self.shared.state).clock.run_in_real_time();
    }

    /// How long a job stays `Submitted` and then `Running` (default 1 s and 2 s).
    pub fn set_job_durations(&self, submitted: Duration, running: Duration) {
        lock(&self.shared.state).set_durations(submitted, running);
    }

    /// Spreads the media jobs or runs of each batch job created from now on over time:
    /// `rate` of them each second, the first in the batch job's own second (`None`: all in
    /// it, the default). Each one's work then runs on its own clock from its creation. This
    /// plays a large batch job whose work is started over minutes, with thousands of records
    /// sharing each creation second, for listings sliced by creation time.
    ///
    /// ```
    /// use cos_ci_batch::emulator::Emulator;
    ///
    /// let emulator = Emulator::start()?;
    /// emulator.set_work_per_second(Some(5000));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_work_per_second(&self, rate: Option<u32>) {
        lock(&self.shared.state).set_work_per_second(rate);
    }

    /// Makes every answer wait `latency` before it is sent (default none), as a distant
    /// service does: for benches of listings.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let emulator = cos_ci_batch::emulator::Emulator::start()?;
    /// emulator.set_latency(Duration::from_millis(50));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_latency(&self, latency: Duration) {
        let millis = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        self.shared
            .latency_ms
            .store(millis, std::sync::atomic::Ordering::Relaxed);
    }

    /// Lets each object's media job or workflow run go on for `lag` after its batch job
    /// reports `Success` (default zero: they end together). No source says which the
    /// service does; with a lag the emulator plays the reading where a batch job's
    /// `Success` means only that every object's work has started. Example:
    /// [`Client::wait_for_objects`].
    pub fn set_object_work_lag(&self, lag: Duration) {
        lock(&self.shared.state).set_object_work_lag(lag);
    }

    /// The object keys a job covered, sorted; `None` for an unknown job.
    pub fn covered_objects(&self, job_id: &str) -> Option<Vec<String>> {
        lock(&self.shared.state)
            .find(job_id)
            .map(|j| j.covered.clone())
    }

    /// The ids of every job created, oldest first.
    pub fn job_ids(&self) -> Vec<String> {
        lock(&self.shared.state)
            .jobs
            .iter()
            .map(|j| j.id.clone())
            .collect()
    }

    /// The requests received so far, oldest first: the latest 10 000, within 64 MiB of
    /// targets, headers and bodies (older ones are dropped, so that a long run stays small).
    pub fn received(&self) -> Vec<ReceivedRequest> {
        lock(&self.shared.received).requests()
    }

    /// How many requests were received so far, counting those [`Emulator::received`] no
    /// longer holds.
    pub fn received_count(&self) -> usize {
        lock(&self.shared.received).count()
    }

    /// Forgets the received requests.
    pub fn clear_received(&self) {
        lock(&self.shared.received).clear();
    }

    /// Makes the next `times` requests on `route` fail with `fault`. Faults fire in the order
    /// they were injected.
    pub fn inject(&self, route: Route, fault: Fault, times: usize) {
        if times > 0 {
            lock(&self.shared.faults).push(FaultRule {
                route,
                fault,
                remaining: times,
            });
        }
    }
}
