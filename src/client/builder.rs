//! Configuring a client: where it sends, how it signs, how long it waits, how it retries.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::{Duration, SystemTime};

use super::endpoint::{Endpoint, redact_user_info};
use super::transport::{Transport, TransportConfig};
use super::{Client, Clock, Inner, LONGEST_WAIT, RetryPolicy, Target};
use crate::credentials::{CredentialChain, Credentials, ProvideCredentials};
use crate::error::ConfigError;
use crate::ops::Service;

/// Configures a [`Client`]; nothing is checked until [`ClientBuilder::build`].
///
/// ```
/// use std::time::Duration;
/// use cos_ci_batch::{Client, Credentials, RetryPolicy};
///
/// let client = Client::builder("examplebucket-1250000000", "ap-guangzhou")
///     .credentials(Credentials::new("AKIDexample", "secret"))
///     .timeout(Duration::from_secs(10))
///     .retry_policy(RetryPolicy::default().max_attempts(3))
///     .build()?;
/// assert_eq!(client.host(), "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com");
/// # Ok::<(), cos_ci_batch::error::ConfigError>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    bucket: String,
    region: String,
    endpoint: Option<String>,
    cos_endpoint: Option<String>,
    allow_http: bool,
    credentials: Option<Credentials>,
    provider: Option<Arc<dyn ProvideCredentials>>,
    chain: Option<CredentialChain>,
    observer: Option<super::observe::Observer>,
    connect_timeout: Duration,
    timeout: Duration,
    max_body: u64,
    retry: RetryPolicy,
    reconcile: bool,
    create_search: Duration,
    clock: Option<Clock>,
}

impl ClientBuilder {
    pub(super) fn new(bucket: String, region: String) -> Self {
        ClientBuilder {
            bucket,
            region,
            endpoint: None,
            cos_endpoint: None,
            allow_http: false,
            credentials: None,
            provider: None,
            chain: None,
            observer: None,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_body: 4 << 20,
            retry: RetryPolicy::default(),
            reconcile: true,
            create_search: Duration::from_secs(30),
            clock: None,
        }
    }

    /// Sends to this URL (`https://host[:port]`) instead of
    /// `https://<bucket>.ci.<region>.myqcloud.com`: a private domain, or the emulator.
    /// A path, query or user info is refused; `http://` needs [`ClientBuilder::allow_http`].
    /// The scheme's default port is left out of the signed `Host`, as clients leave it out of
    /// the header.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Uploads ([`crate::ops::PutObject`], the URL file of a re-run) go to this URL
    /// (`https://host[:port]`) instead of `https://<bucket>.cos.<region>.myqcloud.com`; the
    /// same rules as [`ClientBuilder::endpoint`] apply.
    ///
    /// ```
    /// use cos_ci_batch::Client;
    /// use cos_ci_batch::sign::Credentials;
    ///
    /// let client = Client::builder("examplebucket-1250000000", "ap-guangzhou")
    ///     .credentials(Credentials::new("AKIDexample", "secret"))
    ///     .cos_endpoint("https://cos.example.com")
    ///     .build()?;
    /// assert_eq!(client.host(), "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com");
    /// # Ok::<(), cos_ci_batch::error::ConfigError>(())
    /// ```
    pub fn cos_endpoint(mut self, url: impl Into<String>) -> Self {
        self.cos_endpoint = Some(url.into());
        self
    }

    /// Allows an `http://` endpoint. Requests and credentials then cross the network in
    /// clear text; use it for loopback and tests only.
    pub fn allow_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// The credentials to sign with. Of these, a
    /// [`credentials_provider`](ClientBuilder::credentials_provider) and a
    /// [`credential_chain`](ClientBuilder::credential_chain), the last one set is used;
    /// without any, [`build`](ClientBuilder::build) runs the default
    /// [`CredentialChain`].
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self.provider = None;
        self.chain = None;
        self
    }

    /// Finds the credentials with this chain when the client is built: to name a profile,
    /// or to point the metadata service elsewhere. Without credentials, a provider or a
    /// chain, the default chain is run.
    ///
    /// ```
    /// use cos_ci_batch::Client;
    /// use cos_ci_batch::credentials::{CredentialChain, CredentialSource};
    ///
    /// let env = |name: &str| match name {
    ///     "TENCENTCLOUD_SECRET_ID" => Some("AKIDexample".to_string()),
    ///     "TENCENTCLOUD_SECRET_KEY" => Some("secret".to_string()),
    ///     _ => None,
    /// };
    /// let client = Client::builder("examplebucket-1250000000", "ap-guangzhou")
    ///     .credential_chain(CredentialChain::new().env_lookup(env))
    ///     .build()?;
    /// assert_eq!(client.credentials_source(), Some(&CredentialSource::Environment));
    /// # Ok::<(), cos_ci_batch::error::ConfigError>(())
    /// ```
    pub fn credential_chain(mut self, chain: CredentialChain) -> Self {
        self.chain = Some(chain);
        self.credentials = None;
        self.provider = None;
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
    /// # Ok::<(), cos_ci_batch::error::ConfigError>(())
    /// ```
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials) -> Self {
        self.provider = Some(Arc::new(provider));
        self.credentials = None;
        self.chain = None;
        self
    }

    /// Calls `observer` after each request with what came of it ([`super::Exchange`]):
    /// for logs, or a `--verbose` line per request. It runs on the calling thread, so it
    /// should be quick.
    ///
    /// ```
    /// use cos_ci_batch::{Client, Credentials};
    ///
    /// let client = Client::builder("examplebucket-1250000000", "ap-guangzhou")
    ///     .credentials(Credentials::new("AKIDexample", "secret"))
    ///     .on_exchange(|exchange| eprintln!("{exchange}"))
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), cos_ci_batch::error::ConfigError>(())
    /// ```
    pub fn on_exchange(
        mut self,
        observer: impl Fn(&super::Exchange) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Arc::new(observer));
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

    /// The largest response body read (default 4 MiB); a larger one is an error. Zero is
    /// refused by [`build`](ClientBuilder::build).
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.max_body = bytes;
        self
    }

    /// How failed calls are tried again (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Whether a create lists same-named jobs first and searches for its job when the outcome
    /// is unknown (default true). When off, a create sends no listing, and such a create fails
    /// with [`crate::Error::CreateOutcomeUnknown`]. See [`Client::create`].
    pub fn reconcile_creates(mut self, reconcile: bool) -> Self {
        self.reconcile = reconcile;
        self
    }

    /// How long a create whose outcome is unknown is searched for before the client gives up
    /// with [`crate::Error::CreateOutcomeUnknown`] (default 30 s; zero lists once). See
    /// [`Client::create`].
    pub fn create_search(mut self, duration: Duration) -> Self {
        self.create_search = duration;
        self
    }

    /// The clock that signatures and expirations are judged by (default: the system clock).
    /// For programs that keep time their own way: a simulation, a fixed clock in a
    /// reproducible run, or a clock known to be more trustworthy than the host's.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Checks the configuration and builds the client. It sends nothing to the service;
    /// without credentials given, it runs the credential chain, which may ask the metadata
    /// service (at most about a second off Tencent Cloud, and not at all when the
    /// environment has credentials).
    pub fn build(self) -> Result<Client, ConfigError> {
        for (name, timeout) in [
            ("connect_timeout", self.connect_timeout),
            ("timeout", self.timeout),
        ] {
            if timeout.is_zero() {
                return Err(ConfigError::Zero(name));
            }
        }
        if self.max_body == 0 {
            return Err(ConfigError::Zero("max_response_body"));
        }
        let endpoint = match &self.endpoint {
            Some(url) => Endpoint::parse(url)?,
            None => Endpoint::for_bucket(&self.bucket, &self.region, Service::Ci)?,
        };
        // The COS host is needed by uploads alone: with a CI endpoint of its own, a bucket
        // the default COS host cannot be made of fails the upload, not the build.
        let bucket_cos = Endpoint::for_bucket(&self.bucket, &self.region, Service::Cos);
        let bucket_cos_host = bucket_cos
            .as_ref()
            .map(|e| e.host.clone())
            .map_err(Clone::clone);
        let cos = match &self.cos_endpoint {
            Some(url) => Ok(Endpoint::parse(url).map_err(|e| match e {
                ConfigError::BadEndpoint(why) => ConfigError::BadCosEndpoint(why),
                other => other,
            })?),
            None => bucket_cos,
        };
        if !self.allow_http {
            if !endpoint.https {
                return Err(ConfigError::InsecureEndpoint);
            }
            if cos.as_ref().is_ok_and(|e| !e.https) {
                return Err(ConfigError::InsecureCosEndpoint);
            }
        }
        // Last, as it may ask the metadata service: everything cheap is checked first.
        let clock: Clock = self.clock.unwrap_or_else(|| Arc::new(SystemTime::now));
        let (credentials, credentials_source): (Arc<dyn ProvideCredentials>, _) =
            match (self.credentials, self.provider) {
                (Some(credentials), _) => {
                    credentials.validate()?;
                    (Arc::new(credentials), None)
                }
                (None, Some(provider)) => (provider, None),
                (None, None) => {
                    let found = self
                        .chain
                        .unwrap_or_default()
                        .resolve_at(clock())
                        .map_err(ConfigError::NoCredentials)?;
                    (found.provider(), Some(found.source().clone()))
                }
            };
        // Each host has a transport of its own: one on loopback (the emulator) never goes
        // through a proxy from the environment, whatever the other host is.
        let target = |endpoint: Endpoint| Target {
            transport: Transport::new(&TransportConfig {
                connect_timeout: self.connect_timeout.min(LONGEST_WAIT),
                max_body: self.max_body,
                https_only: endpoint.https,
                loopback: endpoint.is_loopback(),
            }),
            base_url: endpoint.base_url,
            host: endpoint.host,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                ci: target(endpoint),
                cos: cos.map(target),
                bucket_cos_host,
                credentials,
                credentials_source,
                observer: self.observer,
                timeout: self.timeout.min(LONGEST_WAIT),
                retry: self.retry,
                reconcile: self.reconcile,
                create_search: self.create_search.min(LONGEST_WAIT),
                clock,
                skew: AtomicI64::new(0),
                observed_offset: AtomicI64::new(0),
                observed_at: AtomicI64::new(super::NEVER_OBSERVED),
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint.as_deref().map(redact_user_info))
            .field(
                "cos_endpoint",
                &self.cos_endpoint.as_deref().map(redact_user_info),
            )
            .field("allow_http", &self.allow_http)
            .field("credentials", &self.credentials)
            .field("credentials_provider", &self.provider)
            .field("credential_chain", &self.chain)
            .field("observer", &self.observer.is_some())
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
