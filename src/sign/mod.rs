//! The COS request signature (`q-sign-algorithm=sha1`), pure and free of IO.
//!
//! The algorithm, in five steps, as the COS documentation and every official SDK compute it:
//!
//! 1. `KeyTime = "<start>;<end>"` (Unix seconds).
//! 2. `SignKey = hex(HMAC-SHA1(SecretKey, KeyTime))`.
//! 3. `HttpString = lower(method) \n path \n params \n headers \n`, where params and headers are
//!    `enc(name).lower() = enc(value)` pairs sorted by name and joined with `&`.
//! 4. `StringToSign = "sha1" \n KeyTime \n hex(SHA1(HttpString)) \n`.
//! 5. `Signature = hex(HMAC-SHA1(SignKey, StringToSign))`.
//!
//! [`authorization`] signs exactly the parameters and headers it is given; choosing *which*
//! headers to sign is the caller's business (the [`crate::ops`] requests sign `host`, the
//! content headers they send and every `x-ci-*` header).
//!
//! ```
//! use cos_ci_batch::sign::{authorization, Credentials, KeyTime};
//!
//! let credentials = Credentials::new("AKIDexample", "secret");
//! let value = authorization(
//!     &credentials,
//!     "GET",
//!     "/inventorytriggerjob",
//!     &[("size", "10")],
//!     &[("host", "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com")],
//!     KeyTime::new(1_700_000_000, 1_700_000_900),
//! );
//! assert!(value.starts_with("q-sign-algorithm=sha1&q-ak=AKIDexample&q-sign-time=1700000000;1700000900"));
//! assert!(value.contains("&q-header-list=host&q-url-param-list=size&q-signature="));
//! ```

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};

pub use crate::credentials::{
    Credentials, ENV_SECRET_ID, ENV_SECRET_KEY, ENV_SESSION_TOKEN, ENV_TOKEN,
};
use crate::encode::{encode, encode_into};

type HmacSha1 = Hmac<Sha1>;

mod key_time;

pub use key_time::KeyTime;
use key_time::KeyTimeText;

/// The value of the `Authorization` header for a request.
///
/// Every pair in `query` and `headers` is signed; names are matched case-insensitively and
/// lowercased. `path` is the unencoded request path, starting with `/`.
///
/// ```
/// use cos_ci_batch::sign::{Credentials, KeyTime, authorization};
///
/// // The example of COS's signature documentation.
/// let credentials = Credentials::new(
///     "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q",
///     "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz",
/// );
/// let headers = [
///     ("Date", "Thu, 16 May 2019 06:45:51 GMT"),
///     ("Host", "examplebucket-1250000000.cos.ap-beijing.myqcloud.com"),
///     ("Content-Type", "text/plain"),
///     ("Content-Length", "13"),
///     ("Content-MD5", "mQ/fVh815F3k6TAUm8m0eg=="),
///     ("x-cos-acl", "private"),
///     ("x-cos-grant-read", "uin=\"100000000011\""),
/// ];
/// let value = authorization(
///     &credentials,
///     "PUT",
///     "/exampleobject(腾讯云)",
///     &[],
///     &headers,
///     KeyTime::new(1557989151, 1557996351),
/// );
/// assert!(value.ends_with("&q-signature=3b8851a11a569213c17ba8fa7dcf2abec6935172"));
/// ```
pub fn authorization(
    credentials: &Credentials,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    key_time: KeyTime,
) -> String {
    let params = SignedPairs::new(query);
    let headers = SignedPairs::new(headers);
    let mut out = String::with_capacity(512);
    out.push_str("q-sign-algorithm=sha1&q-ak=");
    out.push_str(credentials.secret_id());
    let key_time = KeyTimeText::new(key_time);
    let key_time_text = key_time.as_str();
    out.push_str("&q-sign-time=");
    out.push_str(key_time_text);
    out.push_str("&q-key-time=");
    out.push_str(key_time_text);
    out.push_str("&q-header-list=");
    headers.write_names(&mut out);
    out.push_str("&q-url-param-list=");
    params.write_names(&mut out);
    out.push_str("&q-signature=");
    let digest = http_string_digest(&mut out, method, path, &params, &headers);
    write_signature(
        &mut out,
        credentials.secret_key(),
        key_time.as_bytes(),
        &digest,
    );
    out
}

/// Signed pairs in signature order: names encoded and lowercased, sorted; values raw (they
/// are encoded as they are written).
pub(crate) struct SignedPairs<'a>(Vec<(Cow<'a, str>, &'a str)>);

impl<'a> SignedPairs<'a> {
    pub(crate) fn new(pairs: &[(&'a str, &'a str)]) -> Self {
        let mut signed: Vec<(Cow<'a, str>, &'a str)> = pairs
            .iter()
            .map(|&(name, value)| (canonical_name(name), value))
            .collect();
        signed.sort_by(signature_order);
        SignedPairs(signed)
    }

    fn write_names(&self, out: &mut String) {
        for (i, (name, _)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(name);
        }
    }
}

/// Pairs sort by canonical name; several values of one name by their encoded form.
fn signature_order(a: &(Cow<'_, str>, &str), b: &(Cow<'_, str>, &str)) -> std::cmp::Ordering {
    a.0.cmp(&b.0).then_with(|| encode(a.1).cmp(&encode(b.1)))
}

/// `enc(name).lower()`, borrowed when the name is already in that form (the usual case).
pub(crate) fn canonical_name(name: &str) -> Cow<'_, str> {
    let canonical = name.bytes().all(|b| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.' | b'~')
    });
    if canonical {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(encode(name).to_ascii_lowercase())
    }
}

/// SHA-1 of the HttpString, written at the end of `scratch` (whose length is restored): the
/// Authorization value being built has room to spare, which saves an allocation.
pub(crate) fn http_string_digest(
    scratch: &mut String,
    method: &str,
    path: &str,
    params: &SignedPairs<'_>,
    headers: &SignedPairs<'_>,
) -> [u8; 20] {
    let start = scratch.len();
    scratch.extend(method.chars().map(|c| c.to_ascii_lowercase()));
    scratch.push('\n');
    scratch.push_str(path);
    scratch.push('\n');
    for section in [params, headers] {
        for (i, (name, value)) in section.0.iter().enumerate() {
            if i > 0 {
                scratch.push('&');
            }
            scratch.push_str(name);
            scratch.push('=');
            encode_into(scratch, value);
        }
        scratch.push('\n');
    }
    let digest = Sha1::digest(&scratch.as_bytes()[start..]).into();
    scratch.truncate(start);
    digest
}

/// Steps 2, 4 and 5: the signature over an HttpString digest under a key time.
#[cfg(feature = "emulator")]
pub(crate) fn signature(secret_key: &str, key_time: &str, http_string_digest: &[u8; 20]) -> String {
    let mut out = String::with_capacity(40);
    write_signature(
        &mut out,
        secret_key,
        key_time.as_bytes(),
        http_string_digest,
    );
    out
}

fn write_signature(
    out: &mut String,
    secret_key: &str,
    key_time: &[u8],
    http_string_digest: &[u8; 20],
) {
    let sign_key = lower_hex(&hmac_sha1(secret_key.as_bytes(), &[key_time]));
    let digest_hex = lower_hex(http_string_digest);
    let string_to_sign: [&[u8]; 5] = [b"sha1\n", key_time, b"\n", &digest_hex, b"\n"];
    let signature = lower_hex(&hmac_sha1(&sign_key, &string_to_sign));
    out.extend(signature.iter().map(|&b| char::from(b)));
}

/// Lowercase hex of a SHA-1 sized value, on the stack.
fn lower_hex(bytes: &[u8; 20]) -> [u8; 40] {
    let mut out = [0u8; 40];
    hex::encode_to_slice(bytes, &mut out).expect("forty bytes hold the hex of twenty");
    out
}

fn hmac_sha1(key: &[u8], message: &[&[u8]]) -> [u8; 20] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac = HmacSha1::new_from_slice(key).expect("HMAC takes keys of any length");
    for piece in message {
        mac.update(piece);
    }
    mac.finalize().into_bytes().into()
}
