//! The one place that talks ureq: send a signed [`HttpRequest`], read a bounded answer.

use std::time::Duration;

use crate::error::{TransportError, TransportErrorKind};
use crate::ops::{HttpRequest, Method, REQUEST_ID_HEADER};

/// The parts of an answer the operations and the retry logic read.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) request_id: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
    pub(crate) fn headers(&self) -> Vec<(&str, &str)> {
        let mut headers = Vec::with_capacity(2);
        if let Some(id) = &self.request_id {
            headers.push((REQUEST_ID_HEADER, id.as_str()));
        }
        if let Some(date) = &self.date {
            headers.push(("date", date.as_str()));
        }
        headers
    }
}

pub(crate) struct Transport {
    agent: ureq::Agent,
    max_body: u64,
}

pub(crate) struct TransportConfig {
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
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
        let agent = builder
            .http_status_as_error(false)
            // Redirects would carry the signed request to another host.
            .max_redirects(0)
            .https_only(config.https_only)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.timeout))
            .user_agent(concat!("cos-ci-batch/", env!("CARGO_PKG_VERSION")))
            // The service sends XML uncompressed; ureq is built without gzip.
            .accept("application/xml")
            .build()
            .new_agent();
        Transport {
            agent,
            max_body: config.max_body,
        }
    }

    /// Sends `request` to `base_url` (scheme and authority). Every header of the request is
    /// sent as it was signed.
    pub(crate) fn send(
        &self,
        base_url: &str,
        request: &HttpRequest,
    ) -> Result<RawResponse, TransportError> {
        let url = format!("{base_url}{}", request.path_and_query());
        let result = match request.method() {
            Method::Get => with_headers(self.agent.get(&url), request).call(),
            Method::Put => with_headers(self.agent.put(&url), request).send(request.body()),
            Method::Post => with_headers(self.agent.post(&url), request).send(request.body()),
        };
        let mut response = result.map_err(|e| map_error(e, self.max_body))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let request_id = header(REQUEST_ID_HEADER);
        let date = header("date");
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(self.max_body)
            .read_to_vec()
            .map_err(|e| map_error(e, self.max_body))?;
        Ok(RawResponse {
            status,
            request_id,
            date,
            body,
        })
    }
}

fn with_headers<B>(
    mut builder: ureq::RequestBuilder<B>,
    request: &HttpRequest,
) -> ureq::RequestBuilder<B> {
    for (name, value) in request.headers() {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
}

/// Maps a ureq error to a kind the retry logic can reason about. The message never holds
/// request headers: ureq errors describe the failure, not the request.
fn map_error(error: ureq::Error, max_body: u64) -> TransportError {
    use std::io::ErrorKind as Io;
    use ureq::Error as U;
    use ureq::Timeout as T;
    let kind = match &error {
        U::HostNotFound => TransportErrorKind::Dns,
        U::ConnectionFailed => TransportErrorKind::Connect,
        U::Timeout(T::Resolve) => TransportErrorKind::Dns,
        U::Timeout(T::Connect) => TransportErrorKind::Connect,
        U::Timeout(_) => TransportErrorKind::Timeout,
        U::Io(e)
            if matches!(
                e.kind(),
                Io::ConnectionRefused
                    | Io::HostUnreachable
                    | Io::NetworkUnreachable
                    | Io::NetworkDown
                    | Io::AddrNotAvailable
            ) =>
        {
            TransportErrorKind::Connect
        }
        U::Io(e) if e.kind() == Io::TimedOut => TransportErrorKind::Timeout,
        U::Io(_) => TransportErrorKind::Io,
        U::BodyExceedsLimit(_) => TransportErrorKind::BodyTooLarge { limit: max_body },
        U::Tls(_) | U::Rustls(_) | U::Pem(_) | U::TlsRequired | U::RequireHttpsOnly(_) => {
            TransportErrorKind::Tls
        }
        _ => TransportErrorKind::Protocol,
    };
    TransportError {
        kind,
        message: error.to_string(),
    }
}
