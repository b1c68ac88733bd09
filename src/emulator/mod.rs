//! An emulator of the batch-job service, for tests and demos with no account and no network
//! (feature `emulator`).
//!
//! It serves the four operations on `127.0.0.1` over the real wire format, checks every
//! signature the way the service does, validates create bodies, runs jobs through
//! `Submitted`, `Running` and `Success` (or `Failed`) on a clock the test controls, selects
//! objects by Prefix, Object, Manifest or UrlFile and TimeInterval, and injects faults.
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
//! let created = client.create(&job)?;
//! assert_eq!(created.state, JobState::Submitted);
//!
//! emulator.advance(Duration::from_secs(10));
//! assert_eq!(client.describe(&created.job_id)?.state, JobState::Success);
//! assert_eq!(emulator.covered_objects(&created.job_id).unwrap(), ["videos/a.mp4"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod fault;
mod gate;
mod handler;
mod service;
mod state;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use time::OffsetDateTime;

pub use fault::{Fault, Route};
pub use service::ReceivedRequest;

use crate::client::{Client, ClientBuilder};
use crate::sign::Credentials;
use fault::FaultRule;
use gate::Gate;
use handler::{Shared, serve};
use state::State;

/// Locks a mutex, going on after a panic elsewhere: the emulator's state stays usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

const HANDLER_THREADS: usize = 4;

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
    handlers: Vec<JoinHandle<()>>,
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
/// // For tools in other languages: a fixed port, and no relay in front of the server.
/// let emulator = Emulator::builder().connection_faults(false).start()?;
/// assert!(emulator.endpoint().starts_with("http://127.0.0.1:"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct EmulatorBuilder {
    port: u16,
    connection_faults: bool,
}

impl EmulatorBuilder {
    /// Listens on this loopback port (default 0: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Whether faults may close connections (default true). They need a relay in front of
    /// the HTTP server, which costs tens of microseconds per request; without it,
    /// [`Fault::close_connection`], [`Fault::silence`], [`Fault::stall_body`] and
    /// [`Fault::oversized_body`] leave the connection open, and a closed-before-answering
    /// fault answers `500` with no body instead.
    pub fn connection_faults(mut self, enabled: bool) -> Self {
        self.connection_faults = enabled;
        self
    }

    /// Starts the emulator, with fresh credentials and a clock that stands still until
    /// [`Emulator::advance`] or [`Emulator::run_in_real_time`].
    pub fn start(self) -> io::Result<Emulator> {
        let server_port = if self.connection_faults { 0 } else { self.port };
        let server =
            tiny_http::Server::http(("127.0.0.1", server_port)).map_err(io::Error::other)?;
        let server_addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| io::Error::other("the HTTP server has no IP address"))?;
        let gate = if self.connection_faults {
            Some(Gate::start(server_addr, self.port)?)
        } else {
            None
        };
        let mut state = State::new();
        let secret_id = format!("AKIDemu{}", &state.new_id('x')[1..21]);
        let secret_key = state.new_id('k')[1..].to_owned();
        let shared = Arc::new(Shared {
            server,
            addr: gate.as_ref().map_or(server_addr, Gate::addr),
            gate,
            secret_id,
            secret_key,
            state: Mutex::new(state),
            faults: Mutex::new(Vec::new()),
            received: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
            request_counter: AtomicU64::new(0),
        });
        let handlers = (0..HANDLER_THREADS)
            .map(|i| {
                let shared = shared.clone();
                thread::Builder::new()
                    .name(format!("emulator-{i}"))
                    .spawn(move || serve(&shared))
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Emulator { shared, handlers })
    }
}

impl Emulator {
    /// Starts an emulator on a free loopback port, with every fault available
    /// (`Emulator::builder().start()`).
    pub fn start() -> io::Result<Emulator> {
        Emulator::builder().start()
    }

    /// Options for starting an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            port: 0,
            connection_faults: true,
        }
    }

    /// The base URL clients use: `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
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

    /// A client builder aimed at this emulator, with its credentials and `http://` allowed.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder("emulator-1250000000", "ap-emulator")
            .endpoint(self.endpoint())
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

    /// Stores an inventory manifest listing `keys`, for `Input.Manifest`.
    pub fn put_manifest(
        &self,
        name: impl Into<String>,
        keys: impl IntoIterator<Item = impl Into<String>>,
    ) {
        let keys = keys.into_iter().map(Into::into).collect();
        lock(&self.shared.state).put_manifest(name.into(), keys);
    }

    /// Stores a URL file listing `urls`, for `Input.UrlFile`.
    pub fn put_url_file(
        &self,
        name: impl Into<String>,
        urls: impl IntoIterator<Item = impl Into<String>>,
    ) {
        let urls = urls.into_iter().map(Into::into).collect();
        lock(&self.shared.state).put_url_file(name.into(), urls);
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

    /// Every request received so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        lock(&self.shared.received).clone()
    }

    /// How many requests were received so far.
    pub fn received_count(&self) -> usize {
        lock(&self.shared.received).len()
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

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        for _ in 0..self.handlers.len() {
            self.shared.server.unblock();
        }
        for handle in self.handlers.drain(..) {
            let _ = handle.join();
        }
    }
}
