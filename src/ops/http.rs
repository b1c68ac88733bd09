//! Requests and answers as plain data: what goes on the wire and what comes back.

use std::fmt;

use super::{COS_SECURITY_TOKEN_HEADER, REQUEST_ID_HEADERS, SECURITY_TOKEN_HEADER};
use crate::credentials::Credentials;
use crate::encode::encode_into;
use crate::sign::{self, KeyTime};

/// The HTTP methods the API uses.
///
/// ```
/// use cos_ci_batch::ops::Method;
///
/// assert_eq!(Method::Post.as_str(), "POST");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`: describe and list.
    Get,
    /// `POST`: create.
    Post,
    /// `PUT`: cancel, and upload an object.
    Put,
}

/// Which of a bucket's two hosts a request goes to: its Cloud Infinite host
/// (`<BucketName-APPID>.ci.<Region>.myqcloud.com`, every batch-job and media action) or its
/// COS host (`<BucketName-APPID>.cos.<Region>.myqcloud.com`, [`super::PutObject`]). Both take
/// the same signature; they name the session token's header differently.
///
/// ```
/// use cos_ci_batch::ops::{Action, DescribeJob, PutObject, Service};
///
/// assert_eq!(DescribeJob::new("b1")?.request().service(), Service::Ci);
/// assert_eq!(PutObject::new("lists/urls.txt", b"x".to_vec())?.request().service(), Service::Cos);
/// assert_eq!(Service::Cos.host("examplebucket-1250000000", "ap-guangzhou"), "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com");
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Service {
    /// Cloud Infinite: `<BucketName-APPID>.ci.<Region>.myqcloud.com`.
    Ci,
    /// Cloud Object Storage: `<BucketName-APPID>.cos.<Region>.myqcloud.com`.
    Cos,
}

impl Service {
    /// The bucket's default host on this service. Example: [`Service`].
    pub fn host(self, bucket: &str, region: &str) -> String {
        let label = match self {
            Service::Ci => "ci",
            Service::Cos => "cos",
        };
        format!("{bucket}.{label}.{region}.myqcloud.com")
    }

    /// The header that carries a session token to this service.
    ///
    /// ```
    /// use cos_ci_batch::ops::Service;
    ///
    /// assert_eq!(Service::Cos.security_token_header(), "x-cos-security-token");
    /// assert_eq!(Service::Ci.security_token_header(), "x-ci-security-token");
    /// ```
    pub fn security_token_header(self) -> &'static str {
        match self {
            Service::Ci => SECURITY_TOKEN_HEADER,
            Service::Cos => COS_SECURITY_TOKEN_HEADER,
        }
    }
}

impl Method {
    /// The method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// A request as plain data. Every header listed here is signed by [`HttpRequest::sign`], and
/// must be sent exactly as listed.
///
/// `Debug` redacts the `Authorization` and security-token values.
///
/// ```
/// use cos_ci_batch::ops::{Action, ListJobs, ListQuery};
/// use cos_ci_batch::sign::{Credentials, KeyTime};
///
/// let mut request = ListJobs::new(&ListQuery::new().name("nightly"))?.request();
/// request.sign("b-1250000000.ci.ap-guangzhou.myqcloud.com", &Credentials::new("AKIDx", "k"), KeyTime::new(1, 901));
/// assert_eq!(request.path_and_query(), "/inventorytriggerjob?name=nightly");
/// assert!(request.header("Authorization").unwrap().contains("&q-url-param-list=name&"));
/// assert!(!format!("{request:?}").contains("q-signature"));
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    service: Service,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpRequest {
    pub(crate) fn new(method: Method, path: String) -> Self {
        HttpRequest {
            service: Service::Ci,
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub(crate) fn with_query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_owned(), value.into()));
        self
    }

    /// Appends every pair of a query an action built once.
    pub(crate) fn with_queries(mut self, pairs: &[(&str, String)]) -> Self {
        self.query
            .extend(pairs.iter().map(|(n, v)| ((*n).to_owned(), v.clone())));
        self
    }

    pub(crate) fn with_body(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.headers
            .push(("content-type".to_owned(), content_type.to_owned()));
        self.headers
            .push(("content-length".to_owned(), body.len().to_string()));
        self.body = body;
        self
    }

    /// A POST with no body still declares its length, as the service expects.
    pub(crate) fn with_empty_body(mut self) -> Self {
        self.headers
            .push(("content-length".to_owned(), "0".to_owned()));
        self
    }

    /// Sends to the bucket's COS host rather than its CI host.
    pub(crate) fn for_cos(mut self) -> Self {
        self.service = Service::Cos;
        self
    }

    /// The host the request goes to.
    pub fn service(&self) -> Service {
        self.service
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The unencoded path, as signed (`/inventorytriggerjob/<id>`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query parameters, unencoded, in the order sent.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The headers to send (names lowercase), `Host` excepted.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body (empty but for create).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The percent-encoded path and query string, as they go on the request line.
    /// A parameter with an empty value is written bare (`?cancel`).
    pub fn path_and_query(&self) -> String {
        let mut out = String::with_capacity(self.path.len() + 16 * self.query.len());
        for (i, segment) in self.path.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            encode_into(&mut out, segment);
        }
        for (i, (name, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            encode_into(&mut out, name);
            if !value.is_empty() {
                out.push('=');
                encode_into(&mut out, value);
            }
        }
        out
    }

    /// Sets a header (replacing one of the same name). Call before [`HttpRequest::sign`].
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let name = name.to_ascii_lowercase();
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.into()));
    }

    /// Signs the request for `host` (the exact `Host` header that will be sent, with a port
    /// when it is not the default): adds the session token header when the credentials have
    /// one, then the `Authorization` over `host`, every listed header and every query
    /// parameter. Signing again replaces the previous signature.
    pub fn sign(&mut self, host: &str, credentials: &Credentials, key_time: KeyTime) {
        // Signing again replaces what the last signing added, the token of other credentials
        // included.
        let token_header = self.service.security_token_header();
        self.headers
            .retain(|(n, _)| n != "authorization" && n != token_header);
        if let Some(token) = credentials.session_token() {
            self.set_header(token_header, token);
        }
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(self.headers.len() + 1);
        headers.push(("host", host));
        headers.extend(self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let value = sign::authorization(
            credentials,
            self.method.as_str(),
            &self.path,
            &query,
            &headers,
            key_time,
        );
        self.headers.push(("authorization".to_owned(), value));
    }
}

/// The value of the first header called `name`, in any case.
pub(crate) fn find_header<'a, S: AsRef<str>>(headers: &'a [(S, S)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

/// Headers as `Debug` shows them: the values of `Authorization` and the security-token
/// headers are redacted.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let is_secret = |name: &str| {
            [
                "authorization",
                SECURITY_TOKEN_HEADER,
                COS_SECURITY_TOKEN_HEADER,
            ]
            .iter()
            .any(|secret| name.eq_ignore_ascii_case(secret))
        };
        f.debug_map()
            .entries(self.0.iter().map(|(n, v)| {
                let shown = if is_secret(n) { "<redacted>" } else { v };
                (n, shown)
            }))
            .finish()
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("service", &self.service)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// `text` trimmed, unless it is blank: the one rule for every request id read.
pub(crate) fn non_blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// An answer as plain data: the status, every header (names in any case) and the whole
/// body. [`crate::ops::Action::parse`] reads it; the client builds it from what its HTTP stack
/// returned, and so can any other.
///
/// ```
/// use cos_ci_batch::ops::HttpResponse;
///
/// let answer = HttpResponse::new(200, b"<Response/>")
///     .with_header("x-ci-request-id", " ")
///     .with_header("X-Cos-Request-Id", "NjJi");
/// assert_eq!(answer.request_id(), Some("NjJi"));
/// assert_eq!(answer.header("x-cos-request-id"), Some("NjJi"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The headers, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// An answer with this status and body, and no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The value of the first header called `name`, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The request id: `x-ci-request-id`, else `x-cos-request-id`, trimmed; a blank one
    /// does not count.
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| non_blank(self.header(name)))
    }

    /// The service's clock, from the `Date` header, in Unix seconds.
    pub(crate) fn date(&self) -> Option<i64> {
        self.header("date")
            .and_then(crate::unix_time::parse_http_date)
    }
}
