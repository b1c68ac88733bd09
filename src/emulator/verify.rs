//! The service's side of the signature: read an Authorization value and check it against the
//! request received, using only what the Authorization lists (as the service does), so that
//! the emulator does not just trust this crate's signer.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

use crate::sign::{SignedPairs, canonical_name, http_string_digest, signature};

/// The fields of an Authorization value, as a verifier reads them.
pub(crate) struct ParsedAuthorization<'a> {
    pub(crate) secret_id: &'a str,
    pub(crate) sign_time: &'a str,
    pub(crate) key_time: &'a str,
    pub(crate) header_list: Vec<&'a str>,
    pub(crate) param_list: Vec<&'a str>,
    pub(crate) signature: &'a str,
}

/// The most names an Authorization may list in `q-header-list` or `q-url-param-list`: a
/// signer lists each header and parameter it sends, far fewer than this.
const MAX_LISTED: usize = 256;

/// Parses an Authorization value; `None` when a field is missing or repeated, the algorithm
/// is not sha1, or a list holds more than [`MAX_LISTED`] names.
pub(crate) fn parse_authorization<'a>(value: &'a str) -> Option<ParsedAuthorization<'a>> {
    let mut fields = [None; 7];
    const NAMES: [&str; 7] = [
        "q-sign-algorithm",
        "q-ak",
        "q-sign-time",
        "q-key-time",
        "q-header-list",
        "q-url-param-list",
        "q-signature",
    ];
    for part in value.split('&') {
        let (name, field_value) = part.split_once('=')?;
        let index = NAMES.iter().position(|n| *n == name)?;
        if fields[index].replace(field_value).is_some() {
            return None;
        }
    }
    if fields.iter().any(Option::is_none) || fields[0] != Some("sha1") {
        return None;
    }
    let list = |text: &'a str| -> Vec<&'a str> {
        if text.is_empty() {
            Vec::new()
        } else {
            text.split(';').collect()
        }
    };
    let (header_list, param_list) = (list(fields[4]?), list(fields[5]?));
    if header_list.len().max(param_list.len()) > MAX_LISTED {
        return None;
    }
    Some(ParsedAuthorization {
        secret_id: fields[1]?,
        sign_time: fields[2]?,
        key_time: fields[3]?,
        header_list,
        param_list,
        signature: fields[6]?,
    })
}

/// Recomputes the signature of a received request and compares it with `parsed`, in the
/// way the service does. The pairs are the request's decoded query and its headers; only
/// the names listed in the Authorization are signed.
pub(crate) fn verify(
    parsed: &ParsedAuthorization<'_>,
    secret_key: &str,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> bool {
    let (Some(params), Some(headers)) = (
        listed(query, &parsed.param_list),
        listed(headers, &parsed.header_list),
    ) else {
        return false;
    };
    let (params, headers) = (SignedPairs::new(&params), SignedPairs::new(&headers));
    let digest = http_string_digest(&mut String::new(), method, path, &params, &headers);
    let expected = signature(secret_key, parsed.key_time, &digest);
    constant_time_eq(expected.as_bytes(), parsed.signature.as_bytes())
}

/// The pairs whose names are listed, one pair per listed name: a name listed twice takes the
/// first two pairs of that name, in the order received. `None` if a listed pair is missing.
/// Linear in the pairs and names, so that a request
/// with thousands of headers costs the emulator no more than reading it did.
fn listed<'a>(pairs: &[(&'a str, &'a str)], names: &[&str]) -> Option<Vec<(&'a str, &'a str)>> {
    let mut by_name: HashMap<Cow<'a, str>, VecDeque<(&'a str, &'a str)>> = HashMap::new();
    for &pair in pairs {
        by_name
            .entry(canonical_name(pair.0))
            .or_default()
            .push_back(pair);
    }
    names
        .iter()
        .map(|wanted| by_name.get_mut(*wanted)?.pop_front())
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{Credentials, KeyTime, authorization};

    /// The verifier the emulator uses accepts every official vector, and refuses it once a
    /// signed value changes: it reads the names to sign from the Authorization itself, as the
    /// service does, rather than trusting this crate's signer.
    fn borrow(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
        pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn verifier_accepts_every_official_vector_and_refuses_tampering() {
        let text = include_str!("../../tests/data/signing-vectors.jsonl");
        let owned = |v: &serde_json::Value| -> Vec<(String, String)> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
                .collect()
        };
        let mut checked = 0;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let (query, headers) = (owned(&v["query"]), owned(&v["headers"]));
            let parsed = parse_authorization(v["authorization"].as_str().unwrap()).unwrap();
            let (method, path) = (v["method"].as_str().unwrap(), v["path"].as_str().unwrap());
            let key = v["secret_key"].as_str().unwrap();
            assert!(
                verify(
                    &parsed,
                    key,
                    method,
                    path,
                    &borrow(&query),
                    &borrow(&headers)
                ),
                "{}",
                v["id"]
            );
            if let Some((name, value)) = headers.first() {
                let mut tampered = headers.clone();
                tampered[0] = (name.clone(), format!("{value}x"));
                assert!(!verify(
                    &parsed,
                    key,
                    method,
                    path,
                    &borrow(&query),
                    &borrow(&tampered)
                ));
            }
            assert!(!verify(
                &parsed,
                key,
                method,
                &format!("{path}x"),
                &borrow(&query),
                &borrow(&headers)
            ));
            checked += 1;
        }
        assert_eq!(checked, 55);
    }

    #[test]
    fn repeated_query_names_are_checked_in_the_order_received() {
        let credentials = Credentials::new("AKIDx", "key");
        let query = [("a", "1"), ("a", "2")];
        let headers = [("host", "h")];
        let value = authorization(
            &credentials,
            "GET",
            "/p",
            &query,
            &headers,
            KeyTime::new(1, 2),
        );
        let parsed = parse_authorization(&value).unwrap();
        assert_eq!(parsed.param_list, ["a", "a"]);
        assert!(verify(&parsed, "key", "GET", "/p", &query, &headers));
        let changed = [("a", "1"), ("a", "3")];
        assert!(!verify(&parsed, "key", "GET", "/p", &changed, &headers));
        let one = [("a", "1")];
        assert!(!verify(&parsed, "key", "GET", "/p", &one, &headers));
    }
}
