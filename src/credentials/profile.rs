//! The Tencent Cloud profile file (`~/.tencentcloud/credentials`): an INI file whose
//! sections are profiles holding `secret_id`, `secret_key` and, optionally, `token`.
//!
//! Read as the official SDKs read it (tencentcloud-sdk-python's `ProfileCredential`
//! through `configparser`, tencentcloud-sdk-nodejs's `ProfileCredential`,
//! tencentcloud-sdk-go's `ProfileProvider`): `[section]` headers, `key = value` or
//! `key: value` lines, `#` and `;` comment lines, key names in any case, values trimmed. Only
//! the Node.js SDK reads `token`; the others ignore it, so a file that holds one works with
//! this crate and Node.js alone.
//!
//! As strict as `configparser` (in its default strict mode) where a guess could sign with
//! the wrong key: a line that is neither a header, a comment nor a `key = value` pair, a
//! section or key given twice, and a key outside any section are errors that name the line,
//! never its text. A UTF-8 byte order mark is skipped, and a header may end in a comment
//! (`[default] # laptop`).

use std::fmt;

use super::Credentials;

/// Why a profile file gave no credentials. No variant holds a value from the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ProfileError {
    /// A line that is not a header, a comment or a `key = value` pair (1-based).
    Malformed { line: usize },
    /// A `key = value` line before the first section header.
    OutsideSection { line: usize },
    /// A section header given twice.
    RepeatedSection { line: usize },
    /// A key given twice in one section.
    RepeatedKey { line: usize },
    /// The file has no section of this name; the sections it has.
    NoSection {
        profile: String,
        sections: Vec<String>,
    },
    /// The section lacks a key the credentials need.
    MissingKey { profile: String, key: &'static str },
    /// A value is empty or holds control characters.
    BadValue { profile: String, key: &'static str },
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileError::Malformed { line } => {
                write!(
                    f,
                    "line {line} is not `key = value`, `[section]` or a comment"
                )
            }
            ProfileError::OutsideSection { line } => {
                write!(f, "line {line} sets a key before any [section]")
            }
            ProfileError::RepeatedSection { line } => {
                write!(f, "line {line} repeats a [section] header")
            }
            ProfileError::RepeatedKey { line } => write!(f, "line {line} repeats a key"),
            ProfileError::NoSection { profile, sections } if sections.is_empty() => {
                write!(f, "no [{profile}] section (the file has no sections)")
            }
            ProfileError::NoSection { profile, sections } => write!(
                f,
                "no [{profile}] section (it has [{}])",
                sections.join("], [")
            ),
            ProfileError::MissingKey { profile, key } => {
                write!(f, "[{profile}] has no {key}")
            }
            ProfileError::BadValue { profile, key } => {
                write!(f, "[{profile}] {key} is empty or holds control characters")
            }
        }
    }
}

/// The credentials of section `profile` of a profile file's text.
pub(super) fn read(text: &str, profile: &str) -> Result<Credentials, ProfileError> {
    let mut sections: Vec<&str> = Vec::new();
    // The keys of the section asked for, once its header is seen (sections cannot repeat,
    // so it is the one being read exactly when it is the last header seen).
    let mut wanted: Option<Vec<(String, &str)>> = None;
    let mut keys_here: Vec<String> = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(header) = trimmed.strip_prefix('[') {
            let (name, after) = header
                .split_once(']')
                .ok_or(ProfileError::Malformed { line })?;
            let after = after.trim_start();
            if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                return Err(ProfileError::Malformed { line });
            }
            let name = name.trim();
            if sections.contains(&name) {
                return Err(ProfileError::RepeatedSection { line });
            }
            sections.push(name);
            keys_here.clear();
            if name == profile {
                wanted = Some(Vec::new());
            }
            continue;
        }
        let split = trimmed
            .find(['=', ':'])
            .ok_or(ProfileError::Malformed { line })?;
        let key = trimmed[..split].trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(ProfileError::Malformed { line });
        }
        if sections.is_empty() {
            return Err(ProfileError::OutsideSection { line });
        }
        if keys_here.contains(&key) {
            return Err(ProfileError::RepeatedKey { line });
        }
        keys_here.push(key.clone());
        if let Some(pairs) = wanted
            .as_mut()
            .filter(|_| sections.last() == Some(&profile))
        {
            pairs.push((key, trimmed[split + 1..].trim()));
        }
    }
    let Some(pairs) = wanted else {
        return Err(ProfileError::NoSection {
            profile: profile.to_owned(),
            sections: sections.iter().map(|s| (*s).to_owned()).collect(),
        });
    };
    let value = |key: &'static str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
    let required = |key: &'static str| {
        value(key).ok_or_else(|| ProfileError::MissingKey {
            profile: profile.to_owned(),
            key,
        })
    };
    let checked = |key: &'static str, value: &str| {
        super::check_secret_value(key, value).map_err(|_| ProfileError::BadValue {
            profile: profile.to_owned(),
            key,
        })
    };
    let secret_id = required("secret_id")?;
    checked("secret_id", secret_id)?;
    let secret_key = required("secret_key")?;
    checked("secret_key", secret_key)?;
    let mut credentials = Credentials::new(secret_id, secret_key);
    if let Some(token) = value("token") {
        checked("token", token)?;
        credentials = credentials.with_session_token(token);
    }
    Ok(credentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# written by hand
[default]
secret_id = AKIDdefault
secret_key = key=with=equals

[ci]
SECRET_ID: AKIDci
secret_key:k2
token = tok
";

    #[test]
    fn the_section_asked_for_is_read_with_its_token() {
        assert_eq!(
            read(FILE, "default"),
            Ok(Credentials::new("AKIDdefault", "key=with=equals"))
        );
        assert_eq!(
            read(FILE, "ci"),
            Ok(Credentials::new("AKIDci", "k2").with_session_token("tok"))
        );
    }

    #[test]
    fn a_missing_section_names_the_sections_there_are() {
        assert_eq!(
            read(FILE, "prod").unwrap_err().to_string(),
            "no [prod] section (it has [default], [ci])"
        );
        assert_eq!(
            read("", "default").unwrap_err().to_string(),
            "no [default] section (the file has no sections)"
        );
    }

    #[test]
    fn a_half_filled_section_is_an_error() {
        let err = read("[default]\nsecret_id = AKID\n", "default").unwrap_err();
        assert_eq!(err.to_string(), "[default] has no secret_key");
        let err = read("[default]\nsecret_id = AKID\nsecret_key =\n", "default").unwrap_err();
        assert_eq!(
            err,
            ProfileError::BadValue {
                profile: "default".into(),
                key: "secret_key"
            }
        );
    }

    #[test]
    fn malformed_lines_are_named_by_number_and_never_shown() {
        let cases = [
            (
                "[default]\nsecret_key mysecret\n",
                ProfileError::Malformed { line: 2 },
            ),
            (
                "secret_id = AKID\n[default]\n",
                ProfileError::OutsideSection { line: 1 },
            ),
            ("[default\n", ProfileError::Malformed { line: 1 }),
            ("[a]\n[b]\n[a]\n", ProfileError::RepeatedSection { line: 3 }),
            (
                "[default]\nsecret_key = one\nSecret_Key = two\n",
                ProfileError::RepeatedKey { line: 3 },
            ),
            (
                "[default]\n= mysecret\n",
                ProfileError::Malformed { line: 2 },
            ),
        ];
        for (text, expected) in cases {
            let err = read(text, "default").unwrap_err();
            assert_eq!(err, expected, "{text:?}");
            assert!(!err.to_string().contains("mysecret"));
        }
    }

    #[test]
    fn a_byte_order_mark_and_a_comment_after_a_header_are_taken() {
        let text = "\u{feff}[default] # laptop\r\nsecret_id = a\r\nsecret_key = b\r\n";
        assert_eq!(read(text, "default"), Ok(Credentials::new("a", "b")));
        assert_eq!(
            read("[default] x\n", "default"),
            Err(ProfileError::Malformed { line: 1 })
        );
    }

    #[test]
    fn other_sections_may_hold_anything_well_formed() {
        let text = "[other]\nregion = ap-guangzhou\n[default]\nsecret_id=a\nsecret_key=b\n";
        assert_eq!(read(text, "default"), Ok(Credentials::new("a", "b")));
    }
}
