//! Credentials of a CVM instance role, from the instance metadata service.
//!
//! The service answers two plain-HTTP `GET`s on the instance (CVM metadata documentation,
//! "Querying instance metadata", tencentyun/intlcloud-documents; tencentcloud-sdk-go's
//! `CvmRoleProvider`, tencentcloud-sdk-python's `CVMRoleCredential`):
//! `/latest/meta-data/cam/security-credentials/` names the role bound to the instance, and
//! `/latest/meta-data/cam/security-credentials/<role>` gives its temporary credentials as
//! JSON: `TmpSecretId`, `TmpSecretKey`, `Token`, `ExpiredTime` (Unix seconds), `Expiration`
//! (RFC 3339) and `Code` (`Success`). The SDKs set no timeout on these requests; this crate
//! gives each one [`super::chain::METADATA_TIMEOUT`] by default, so that a machine off
//! Tencent Cloud learns within a second that there is no metadata service.
//!
//! The parsing is pure ([`role_name`], [`role_credentials`]); [`Metadata`] does the I/O.

use std::time::{Duration, SystemTime};

use super::Credentials;
use crate::json::Json;

/// The path under the metadata address that names the role, and, followed by the role's
/// name, gives its credentials.
pub(super) const CREDENTIALS_PATH: &str = "/latest/meta-data/cam/security-credentials/";

/// A metadata answer larger than this is not the metadata service's.
const MAX_ANSWER: u64 = 64 * 1024;

/// The role named by the metadata service's answer: its first line, trimmed; `None` when
/// it names none. A CAM role name holds letters, digits and `+=,.@_-` (CAM's role-name
/// rule); anything else (an HTML page of a captive portal, say), and `.` or `..`, which
/// would change the path, is not a role name.
pub(super) fn role_name(body: &[u8]) -> Result<Option<String>, &'static str> {
    let text = std::str::from_utf8(body).map_err(|_| "a role name that is not UTF-8")?;
    let Some(name) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if name.len() > 128 || !name.chars().all(allowed) || name == "." || name == ".." {
        return Err("something that is not a role name");
    }
    Ok(Some(name.to_owned()))
}

/// The latest `ExpiredTime` taken: the last second of year 9999. A larger number is not Unix
/// seconds (milliseconds, say), and credentials read as lasting for ever would never be
/// refreshed.
const LATEST_EXPIRY: u64 = 253_402_300_799;

/// How much of a `Code` other than `Success` an error repeats.
const CODE_SHOWN: usize = 64;

/// The temporary credentials in the JSON answer for a role.
pub(super) fn role_credentials(body: &[u8]) -> Result<Credentials, String> {
    let json = Json::parse(body).map_err(|e| format!("credentials that are not JSON ({e})"))?;
    if let Some(code) = json.get("Code") {
        if code.as_str() != Some("Success") {
            // The code is the service's word, not a secret; a long one is cut.
            let shown: String = code
                .as_str()
                .unwrap_or("not a string")
                .chars()
                .take(CODE_SHOWN)
                .collect();
            return Err(format!("credentials with Code {shown:?}, not \"Success\""));
        }
    }
    let text = |key: &'static str| {
        json.get(key)
            .and_then(Json::as_str)
            .ok_or_else(|| format!("credentials without {key}"))
    };
    let (secret_id, secret_key, token) =
        (text("TmpSecretId")?, text("TmpSecretKey")?, text("Token")?);
    let expiration = match json.get("ExpiredTime") {
        Some(seconds) => seconds
            .as_u64()
            .filter(|s| *s <= LATEST_EXPIRY)
            .and_then(|s| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s)))
            .ok_or("credentials whose ExpiredTime is not Unix seconds")?,
        None => {
            let at = text("Expiration")
                .map_err(|_| "credentials without ExpiredTime or Expiration".to_owned())?;
            crate::model::parse_time(at)
                .map(SystemTime::from)
                .ok_or("credentials whose Expiration is not an RFC 3339 time")?
        }
    };
    let credentials = Credentials::new(secret_id, secret_key)
        .with_session_token(token)
        .with_expiration(expiration);
    credentials
        .validate()
        .map_err(|e| format!("unusable credentials ({e})"))?;
    Ok(credentials)
}

/// The metadata service at one address, asked with a timeout on every request.
#[derive(Clone, Debug)]
pub(super) struct Metadata {
    base_url: String,
    agent: ureq::Agent,
    timeout: Duration,
}

/// What a `GET` to the metadata service came to.
pub(super) enum Fetched {
    /// It answered this status and body.
    Answer(u16, Vec<u8>),
    /// It did not answer: why, in words with no secret.
    NoAnswer(String),
}

impl Metadata {
    pub(super) fn new(base_url: &str, timeout: Duration) -> Self {
        // The metadata service is on the instance's own network: never through a proxy.
        let agent = crate::client::local_agent(timeout);
        Metadata {
            base_url: base_url.trim_end_matches('/').to_owned(),
            agent,
            timeout,
        }
    }

    pub(super) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `GET` of `path` (which starts with `/`).
    pub(super) fn get(&self, path: &str) -> Fetched {
        let url = format!("{}{path}", self.base_url);
        let response = match self.agent.get(&url).call() {
            Ok(response) => response,
            Err(ureq::Error::Timeout(_)) => {
                return Fetched::NoAnswer(format!(
                    "no answer within {} ms",
                    self.timeout.as_millis()
                ));
            }
            Err(e) => return Fetched::NoAnswer(describe(&e)),
        };
        let status = response.status().as_u16();
        let mut body = response.into_body();
        match body.with_config().limit(MAX_ANSWER).read_to_vec() {
            Ok(bytes) => Fetched::Answer(status, bytes),
            Err(ureq::Error::Timeout(_)) => Fetched::NoAnswer(format!(
                "no whole answer within {} ms",
                self.timeout.as_millis()
            )),
            Err(ureq::Error::BodyExceedsLimit(_)) => {
                Fetched::NoAnswer(format!("an answer larger than {MAX_ANSWER} bytes"))
            }
            Err(e) => Fetched::NoAnswer(describe(&e)),
        }
    }
}

/// A transport failure in a few words: ureq's own text, which names no secret (these
/// requests carry none).
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::HostNotFound => "no answer (its host name does not resolve)".to_owned(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "no answer (the connection was refused)".to_owned()
        }
        other => format!("no answer ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_name_is_the_first_line_and_nothing_else() {
        assert_eq!(role_name(b"CVM_QcsRole\n"), Ok(Some("CVM_QcsRole".into())));
        assert_eq!(
            role_name(b"\n  ci-role@x \nsecond\n"),
            Ok(Some("ci-role@x".into()))
        );
        assert_eq!(role_name(b" \n"), Ok(None));
        assert!(role_name(b"..").is_err());
        assert!(role_name(b"<html>login</html>").is_err());
        assert!(role_name(b"../../admin").is_err());
        assert!(role_name(b"\xff").is_err());
    }

    #[test]
    fn role_credentials_read_the_documented_fields() {
        let body = br#"{"TmpSecretId":"AKIDtmp","TmpSecretKey":"k","ExpiredTime":1800000000,
            "Expiration":"2027-01-15T08:00:00Z","Token":"tok","Code":"Success"}"#;
        let credentials = role_credentials(body).unwrap();
        assert_eq!(credentials.secret_id(), "AKIDtmp");
        assert_eq!(credentials.session_token(), Some("tok"));
        assert_eq!(
            credentials.expiration(),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000))
        );
        // Without ExpiredTime, Expiration is read.
        let body = br#"{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","Expiration":"2027-01-15T08:00:00Z"}"#;
        let expected: SystemTime = crate::model::parse_time("2027-01-15T08:00:00Z")
            .unwrap()
            .into();
        assert_eq!(role_credentials(body).unwrap().expiration(), Some(expected));
    }

    #[test]
    fn unusable_answers_say_why_without_their_secrets() {
        let cases: &[(&[u8], &str)] = &[
            (
                b"<html>",
                "credentials that are not JSON (expected a value at byte 0)",
            ),
            (
                br#"{"Code":"Failed","TmpSecretKey":"sekrit"}"#,
                "credentials with Code \"Failed\", not \"Success\"",
            ),
            (
                br#"{"TmpSecretId":"a","TmpSecretKey":"sekrit"}"#,
                "credentials without Token",
            ),
            (
                br#"{"TmpSecretId":"a","TmpSecretKey":"sekrit","Token":"t"}"#,
                "credentials without ExpiredTime or Expiration",
            ),
            (
                br#"{"TmpSecretId":"a","TmpSecretKey":"sekrit","Token":"t","ExpiredTime":-1}"#,
                "credentials whose ExpiredTime is not Unix seconds",
            ),
            (
                br#"{"TmpSecretId":"a","TmpSecretKey":"sekrit","Token":"t","ExpiredTime":1800000000000}"#,
                "credentials whose ExpiredTime is not Unix seconds",
            ),
            (
                br#"{"TmpSecretId":"a","TmpSecretKey":" sekrit","Token":"t","ExpiredTime":1}"#,
                "unusable credentials (the SecretKey has surrounding whitespace or control characters)",
            ),
        ];
        for (body, expected) in cases {
            let err = role_credentials(body).unwrap_err();
            assert_eq!(err, *expected);
            assert!(!err.contains("sekrit"));
        }
    }
}
