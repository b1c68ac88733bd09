//! `PUT /<ObjectKey>` on the bucket's COS host: upload one object (a URL file for a re-run).
//!
//! COS documents the request as a simple upload (PUT Object, product/436/7749): the key is
//! the path, the body the object, `Content-Length` required; a `200` with an empty body and
//! an `ETag` answers it, and an object of the same key is replaced.

use super::{Action, HttpRequest, HttpResponse, Method, read_empty_answer};
use crate::error::{Error, InvalidInput};

/// The longest object key COS takes, in bytes of UTF-8.
///
/// ```
/// use cos_ci_batch::ops::{MAX_OBJECT_KEY_BYTES, PutObject};
///
/// assert!(PutObject::new(&"k".repeat(MAX_OBJECT_KEY_BYTES), Vec::new()).is_ok());
/// assert!(PutObject::new(&"k".repeat(MAX_OBJECT_KEY_BYTES + 1), Vec::new()).is_err());
/// ```
pub const MAX_OBJECT_KEY_BYTES: usize = 850;

/// Uploads one object to the bucket's COS host ([`super::Service::Cos`]), replacing any
/// object of the same key. The key is sent percent-encoded and signed as given.
///
/// ```
/// use cos_ci_batch::ops::{Action, Method, PutObject, Service};
///
/// let request = PutObject::new("lists/fail ed.txt", b"https://x/a.mp4\n".to_vec())?.request();
/// assert_eq!((request.service(), request.method()), (Service::Cos, Method::Put));
/// assert_eq!(request.path_and_query(), "/lists/fail%20ed.txt");
/// assert_eq!(request.header("content-length"), Some("16"));
///
/// // Keys that a URL would not carry as given are refused before anything is sent.
/// assert!(PutObject::new("a/../b.txt", Vec::new()).is_err());
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone)]
pub struct PutObject {
    key: String,
    body: Vec<u8>,
}

impl std::fmt::Debug for PutObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PutObject")
            .field("key", &self.key)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl PutObject {
    /// An upload of `body` as `key`. Refused ([`InvalidInput::BadObjectKey`]): an empty key,
    /// one longer than [`MAX_OBJECT_KEY_BYTES`], one starting with `/`, one with a `.` or `..`
    /// segment (HTTP stacks fold those away, so another key would be written), and one with
    /// a control character.
    pub fn new(key: &str, body: Vec<u8>) -> Result<Self, InvalidInput> {
        validate_key(key)?;
        Ok(PutObject {
            key: key.to_owned(),
            body,
        })
    }

    /// The key written.
    ///
    /// ```
    /// let put = cos_ci_batch::ops::PutObject::new("lists/a.txt", Vec::new())?;
    /// assert_eq!(put.key(), "lists/a.txt");
    /// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// Refuses keys that cannot be written as given; see [`PutObject::new`].
pub(crate) fn validate_key(key: &str) -> Result<(), InvalidInput> {
    let refuse = |reason| {
        Err(InvalidInput::BadObjectKey {
            key: key.to_owned(),
            reason,
        })
    };
    if key.is_empty() {
        return refuse("is empty");
    }
    if key.len() > MAX_OBJECT_KEY_BYTES {
        return refuse("is longer than 850 bytes");
    }
    validate_key_path(key)?;
    if key.chars().any(char::is_control) {
        return refuse("holds a control character");
    }
    Ok(())
}

/// Refuses keys a URL path cannot carry as given: a leading `/` is read as part of the
/// path, and HTTP stacks fold `.` and `..` segments away (`in/../x.avi` is sent as `x.avi`).
pub(crate) fn validate_key_path(key: &str) -> Result<(), InvalidInput> {
    let refuse = |reason| {
        Err(InvalidInput::BadObjectKey {
            key: key.to_owned(),
            reason,
        })
    };
    if key.starts_with('/') {
        return refuse("starts with '/', which a URL path cannot carry as given");
    }
    if key
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return refuse("has a '.' or '..' segment, which a URL path cannot carry as given");
    }
    Ok(())
}

/// The answer to an upload: an empty `200`.
///
/// ```
/// use cos_ci_batch::ops::{Action, HttpResponse, PutObject};
///
/// let answer = HttpResponse::new(200, b"")
///     .with_header("x-cos-request-id", "NjU1")
///     .with_header("ETag", "\"b1946ac92492d2347c6235b4d2611184\"");
/// let put = PutObject::new("a.txt", b"hello\n".to_vec())?.parse(&answer)?;
/// assert_eq!(put.request_id.as_deref(), Some("NjU1"));
/// assert_eq!(put.etag.as_deref(), Some("\"b1946ac92492d2347c6235b4d2611184\""));
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PutObjectResponse {
    /// The request id (`x-cos-request-id`).
    pub request_id: Option<String>,
    /// `ETag`, as sent (quoted).
    pub etag: Option<String>,
}

impl Action for PutObject {
    type Response = PutObjectResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Put, format!("/{}", self.key))
            .with_body("text/plain", self.body.clone())
            .for_cos()
    }

    fn parse(&self, response: &HttpResponse) -> Result<PutObjectResponse, Error> {
        Ok(PutObjectResponse {
            request_id: read_empty_answer(response)?,
            etag: response.header("etag").map(str::to_owned),
        })
    }
}
