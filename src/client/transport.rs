//! The one place that talks ureq: send a signed [`HttpRequest`], read a bounded answer, and
//! tell from the failure's structure (not its message) whether the request can have reached
//! the server.
//!
//! Name resolution and connection setup (TCP, proxy, TLS handshake) run inside wrappers of
//! ureq's own resolver and connector that mark their failures. A marked failure happened
//! before a byte of the request left this process, which is what lets a create be sent again
//! safely. The wrappers use ureq's `unversioned` module, whose API may change only in minor
//! releases; Cargo.toml pins the minor version for that reason.

use std::fmt;
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport as Connection,
};

use crate::error::{TransportError, TransportErrorKind};
use crate::ops::{HttpRequest, HttpResponse, Method};

/// An agent for the crate's few requests that are not to the service: the CVM metadata
/// service and the emulator's callback receivers, both on the machine's own network. Each
/// exchange is bounded by `timeout` whole, an answer's status is an answer (not an error),
/// redirects are not followed, and no proxy is used.
pub(crate) fn local_agent(timeout: std::time::Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .build()
        .new_agent()
}

pub(crate) struct Transport {
    agent: ureq::Agent,
    max_body: u64,
}

pub(crate) struct TransportConfig {
    pub(crate) connect_timeout: Duration,
    pub(crate) max_body: u64,
    pub(crate) https_only: bool,
    /// Loopback endpoints (the emulator) never go through a proxy from the environment.
    pub(crate) loopback: bool,
}

impl Transport {
    pub(crate) fn new(config: &TransportConfig) -> Self {
        let mut builder = ureq::Agent::config_builder();
        if config.loopback {
            builder = builder.proxy(None);
        }
        let agent_config = builder
            .http_status_as_error(false)
            // Redirects would carry the signed request to another host.
            .max_redirects(0)
            .https_only(config.https_only)
            .timeout_connect(Some(config.connect_timeout))
            .user_agent(concat!("cos-ci-batch/", env!("CARGO_PKG_VERSION")))
            // The service sends XML uncompressed; ureq is built without gzip.
            .accept("application/xml")
            .build();
        let agent = ureq::Agent::with_parts(
            agent_config,
            MarkSetupFailure(DefaultConnector::new()),
            MarkResolveFailure(DefaultResolver::default()),
        );
        Transport {
            agent,
            max_body: config.max_body,
        }
    }

    /// Sends `request` to `base_url` (scheme and authority); the whole exchange, connecting
    /// and reading the body included, may take `timeout`. Every header of the request is
    /// sent as it was signed.
    pub(crate) fn send(
        &self,
        base_url: &str,
        request: &HttpRequest,
        timeout: Duration,
    ) -> Result<HttpResponse, TransportError> {
        let url = format!("{base_url}{}", request.path_and_query());
        let result = match request.method() {
            Method::Get => prepare(self.agent.get(&url), request, timeout).call(),
            Method::Put => prepare(self.agent.put(&url), request, timeout).send(request.body()),
            Method::Post => prepare(self.agent.post(&url), request, timeout).send(request.body()),
        };
        let mut response = result.map_err(|e| classify(e, self.max_body))?;
        let status = response.status().as_u16();
        // Header values that are not text are left out: none the crate reads can be one.
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(self.max_body)
            .read_to_vec()
            .map_err(|e| classify(e, self.max_body))?;
        let mut answer = HttpResponse::new(status, body);
        answer.headers = headers;
        Ok(answer)
    }
}

fn prepare<B>(
    builder: ureq::RequestBuilder<B>,
    request: &HttpRequest,
    timeout: Duration,
) -> ureq::RequestBuilder<B> {
    let mut builder = builder.config().timeout_global(Some(timeout)).build();
    for (name, value) in request.headers() {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
}

/// Where an exchange failed before anything was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Setup {
    Resolve,
    Connect,
}

/// A failure of name resolution or connection setup, carried through ureq as
/// `ureq::Error::Other` so that [`classify`] can recognise it by type.
#[derive(Debug)]
struct SetupFailure {
    stage: Setup,
    source: ureq::Error,
}

impl fmt::Display for SetupFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.source.fmt(f)
    }
}

impl std::error::Error for SetupFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn mark(stage: Setup) -> impl FnOnce(ureq::Error) -> ureq::Error {
    move |source| ureq::Error::Other(Box::new(SetupFailure { stage, source }))
}

#[derive(Debug)]
struct MarkResolveFailure(DefaultResolver);

impl Resolver for MarkResolveFailure {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // An address needs no lookup, and no lookup thread (ureq starts one for every call
        // that has a timeout).
        if let Some(addr) = literal_address(uri) {
            let mut addrs = self.0.empty();
            addrs.push(addr);
            return Ok(addrs);
        }
        self.0
            .resolve(uri, config, timeout)
            .map_err(mark(Setup::Resolve))
    }
}

/// The socket address of a URI whose host is an IP address, with its port or the scheme's.
fn literal_address(uri: &Uri) -> Option<std::net::SocketAddr> {
    let host = uri.host()?;
    let ip: std::net::IpAddr = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
        .parse()
        .ok()?;
    let port = uri.port_u16().or_else(|| match uri.scheme_str()? {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    })?;
    Some(std::net::SocketAddr::new(ip, port))
}

#[derive(Debug)]
struct MarkSetupFailure(DefaultConnector);

impl Connector for MarkSetupFailure {
    type Out = Box<dyn Connection>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        self.0
            .connect(details, chained)
            .map_err(mark(Setup::Connect))
    }
}

/// Maps a ureq error to a kind the retry logic can reason about, and to whether the request
/// certainly never left. The message never holds request headers: ureq errors describe the
/// failure, not the request.
fn classify(error: ureq::Error, max_body: u64) -> TransportError {
    use ureq::Error as U;
    use ureq::Timeout as T;
    let message = error.to_string();
    let (kind, never_sent) = match &error {
        U::Other(inner) => match inner.downcast_ref::<SetupFailure>() {
            Some(failure) => (setup_kind(failure), true),
            None => (TransportErrorKind::Protocol, false),
        },
        // ureq checks the time left before it starts; such a timeout sent nothing.
        U::Timeout(T::Resolve) => (TransportErrorKind::Dns, true),
        U::Timeout(T::Connect) => (TransportErrorKind::Connect, true),
        // The request (line, headers or body) was not sent whole, so it cannot be processed:
        // the body's length is declared.
        U::Timeout(T::SendRequest | T::SendBody) => (TransportErrorKind::Timeout, true),
        U::Timeout(_) => (TransportErrorKind::Timeout, false),
        U::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            (TransportErrorKind::Timeout, false)
        }
        U::Io(_) => (TransportErrorKind::Io, false),
        U::BodyExceedsLimit(_) => (TransportErrorKind::BodyTooLarge { limit: max_body }, false),
        U::Tls(_) | U::Rustls(_) | U::Pem(_) | U::TlsRequired => (TransportErrorKind::Tls, false),
        U::RequireHttpsOnly(_) => (TransportErrorKind::Tls, true),
        // The request could not even be built.
        U::BadUri(_) | U::Http(_) => (TransportErrorKind::Protocol, true),
        _ => (TransportErrorKind::Protocol, false),
    };
    TransportError::new(kind, message, never_sent)
}

/// The kind of a failure before sending: name resolution, TLS (a certificate or handshake
/// failure surfaces from the handshake as `InvalidData`, as end-of-file, or as a rustls
/// error), or the connection itself.
fn setup_kind(failure: &SetupFailure) -> TransportErrorKind {
    use ureq::Error as U;
    match (&failure.stage, &failure.source) {
        (Setup::Resolve, _) | (Setup::Connect, U::HostNotFound) => TransportErrorKind::Dns,
        (_, U::Tls(_) | U::Rustls(_) | U::Pem(_) | U::TlsRequired) => TransportErrorKind::Tls,
        (_, U::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => TransportErrorKind::Tls,
        // A TCP connect never ends in end-of-file: the peer closed during the TLS handshake,
        // as a plain-HTTP server does when it is sent a ClientHello.
        (Setup::Connect, U::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            TransportErrorKind::Tls
        }
        _ => TransportErrorKind::Connect,
    }
}
