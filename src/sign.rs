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
use std::fmt;

use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};

pub use crate::credentials::{
    Credentials, ENV_SECRET_ID, ENV_SECRET_KEY, ENV_SESSION_TOKEN, ENV_TOKEN,
};

type HmacSha1 = Hmac<Sha1>;

/// The validity window of a signature, in Unix seconds (`q-key-time`).
///
/// ```
/// use cos_ci_batch::sign::KeyTime;
///
/// let window = KeyTime::around(1_700_000_000, 60, 900);
/// assert_eq!(window.to_string(), "1699999940;1700000900");
/// assert_eq!(KeyTime::parse("1699999940;1700000900"), Some(window));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyTime {
    start: u64,
    end: u64,
}

impl KeyTime {
    /// A window from `start` to `end` (Unix seconds). Nothing checks that `start <= end`: the
    /// service refuses such a signature, and tests need to build one.
    pub const fn new(start: u64, end: u64) -> Self {
        KeyTime { start, end }
    }

    /// A window around `now`: from `back` seconds before it to `ahead` seconds after it.
    pub const fn around(now: u64, back: u64, ahead: u64) -> Self {
        KeyTime {
            start: now.saturating_sub(back),
            end: now.saturating_add(ahead),
        }
    }

    /// The first second of validity.
    pub const fn start(&self) -> u64 {
        self.start
    }

    /// The last second of validity.
    pub const fn end(&self) -> u64 {
        self.end
    }

    /// Parses the `<start>;<end>` form used in an Authorization value.
    pub fn parse(text: &str) -> Option<Self> {
        let (start, end) = text.split_once(';')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(start) || !digits(end) {
            return None;
        }
        Some(KeyTime::new(start.parse().ok()?, end.parse().ok()?))
    }
}

impl fmt::Display for KeyTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{};{}", self.start, self.end)
    }
}

/// The value of the `Authorization` header for a request.
///
/// Every pair in `query` and `headers` is signed; names are matched case-insensitively and
/// lowercased. `path` is the unencoded request path, starting with `/`.
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

/// `<start>;<end>` on the stack, without the formatting machinery (this is on every
/// request's path).
struct KeyTimeText {
    bytes: [u8; 41],
    len: usize,
}

impl KeyTimeText {
    fn new(key_time: KeyTime) -> Self {
        let mut text = KeyTimeText {
            bytes: [0; 41],
            len: 0,
        };
        text.push_decimal(key_time.start);
        text.bytes[text.len] = b';';
        text.len += 1;
        text.push_decimal(key_time.end);
        text
    }

    fn push_decimal(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let count = digits.len() - i;
        self.bytes[self.len..self.len + count].copy_from_slice(&digits[i..]);
        self.len += count;
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and ';' were written, so this never falls back.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
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
    /// The two hex digits of every byte value.
    const PAIRS: [[u8; 2]; 256] = {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut pairs = [[0u8; 2]; 256];
        let mut b = 0;
        while b < 256 {
            pairs[b] = [DIGITS[b >> 4], DIGITS[b & 15]];
            b += 1;
        }
        pairs
    };
    let mut out = [0u8; 40];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&PAIRS[b as usize]);
    }
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

/// The RFC 3986 unreserved set, as a table: encoding looks up every byte of every value.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~');
        b += 1;
    }
    table
};

fn is_unreserved(byte: u8) -> bool {
    UNRESERVED[byte as usize]
}

/// `%00%01...%FF`: the escape of byte `b` is `ESCAPES[3 * b..3 * b + 3]`.
const ESCAPES: &str = {
    const BYTES: [u8; 768] = {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut bytes = [0u8; 768];
        let mut b = 0;
        while b < 256 {
            bytes[3 * b] = b'%';
            bytes[3 * b + 1] = HEX[b >> 4];
            bytes[3 * b + 2] = HEX[b & 15];
            b += 1;
        }
        bytes
    };
    match std::str::from_utf8(&BYTES) {
        Ok(text) => text,
        Err(_) => panic!("escapes are ASCII"),
    }
};

/// Percent-encodes every byte outside the RFC 3986 unreserved set, with uppercase hex.
///
/// This is the encoding of names and values in the signature, and of query strings and path
/// segments on the wire.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_into(&mut out, text);
    out
}

/// [`encode`], appending to `out`: runs of unreserved characters are copied whole.
pub(crate) fn encode_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if !is_unreserved(byte) {
            // A run is non-empty only between unreserved (ASCII) bytes, so its ends are
            // character boundaries; an empty one may sit inside a multi-byte character.
            if run_start < i {
                out.push_str(&text[run_start..i]);
            }
            let at = 3 * byte as usize;
            out.push_str(&ESCAPES[at..at + 3]);
            run_start = i + 1;
        }
    }
    if run_start < bytes.len() {
        out.push_str(&text[run_start..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_keeps_only_unreserved() {
        assert_eq!(encode("a b+c*~é/"), "a%20b%2Bc%2A~%C3%A9%2F");
    }

    #[test]
    fn key_time_parse_rejects_junk() {
        assert_eq!(KeyTime::parse("1;2"), Some(KeyTime::new(1, 2)));
        assert_eq!(KeyTime::parse("1;"), None);
        assert_eq!(KeyTime::parse("+1;2"), None);
        assert_eq!(KeyTime::parse("12"), None);
    }
}
