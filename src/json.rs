//! A small strict JSON reader (RFC 8259) for the JSON the crate reads: the instance-role
//! credentials of the CVM metadata service, and callback notifications.
//!
//! It reads a whole document held in memory into a [`Json`] tree, and refuses what a
//! hostile sender could use against the reader: nesting deeper than [`MAX_DEPTH`], a key
//! repeated within one object (two readers could take different values), invalid UTF-8, a
//! lone surrogate escape, control characters inside strings, and anything after the value.
//! Numbers are kept as their text, checked against the grammar, so that no value is out of
//! range until a caller asks for it as a type ([`Json::as_u64`]). The
//! caller bounds the size of what it hands in; reading is linear in it (an object's keys
//! are checked for a repeat through a set once there are more than a few).
//!
//! The default build has no JSON crate: this reader is about 300 lines, and it keeps the
//! duplicate-key and depth rules the crate's XML reader keeps.

use std::collections::HashSet;
use std::fmt;

/// Up to this many keys an object's keys are compared one by one for a repeat; beyond, a
/// set keeps the check linear.
const SCANNED_KEYS: usize = 16;

/// How deeply arrays and objects may nest.
pub const MAX_DEPTH: usize = 64;

/// A JSON value. Objects keep their members in document order; no key appears twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written (it matched the JSON number grammar).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object's members, in document order.
    Object(Vec<(String, Json)>),
}

/// Why a document is not JSON this reader takes. The offset is in bytes from the start;
/// no part of the document is repeated (it may hold secrets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonError {
    /// The bytes are not UTF-8.
    InvalidUtf8 {
        /// Where the first invalid byte is.
        offset: usize,
    },
    /// The text breaks the grammar at `offset`.
    Syntax {
        /// Where.
        offset: usize,
        /// What was expected there.
        expected: &'static str,
    },
    /// Arrays and objects nest deeper than [`MAX_DEPTH`].
    TooDeep {
        /// Where the nesting went too deep.
        offset: usize,
    },
    /// An object names one key twice.
    DuplicateKey {
        /// Where the second one starts.
        offset: usize,
    },
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::InvalidUtf8 { offset } => write!(f, "invalid UTF-8 at byte {offset}"),
            JsonError::Syntax { offset, expected } => {
                write!(f, "expected {expected} at byte {offset}")
            }
            JsonError::TooDeep { offset } => {
                write!(f, "nested deeper than {MAX_DEPTH} levels at byte {offset}")
            }
            JsonError::DuplicateKey { offset } => write!(f, "a repeated key at byte {offset}"),
        }
    }
}

impl std::error::Error for JsonError {}

impl Json {
    /// Reads one JSON document (surrounding whitespace allowed, a UTF-8 BOM refused).
    pub fn parse(bytes: &[u8]) -> Result<Json, JsonError> {
        let text = std::str::from_utf8(bytes).map_err(|e| JsonError::InvalidUtf8 {
            offset: e.valid_up_to(),
        })?;
        let mut reader = Reader {
            bytes: text.as_bytes(),
            at: 0,
        };
        reader.skip_space();
        let value = reader.value(0)?;
        reader.skip_space();
        if reader.at != reader.bytes.len() {
            return Err(reader.expected("the end of the document"));
        }
        Ok(value)
    }

    /// The member `key` of an object (`None` for other values).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// A number that is a whole number in `u64`'s range (`12`, not `12.0` or `-1`).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.parse().ok(),
            _ => None,
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn expected(&self, expected: &'static str) -> JsonError {
        JsonError::Syntax {
            offset: self.at,
            expected,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8, expected: &'static str) -> Result<(), JsonError> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.expected(expected))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Json::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            _ => Err(self.expected("a value")),
        }
    }

    fn literal(&mut self, word: &'static str, value: Json) -> Result<Json, JsonError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.expected(word))
        }
    }

    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            return Err(JsonError::TooDeep { offset: self.at });
        }
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.enter(depth)?;
        self.at += 1;
        let mut members: Vec<(String, Json)> = Vec::new();
        let mut seen: Option<HashSet<String>> = None;
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_space();
            let key_at = self.at;
            if self.peek() != Some(b'"') {
                return Err(self.expected("a key"));
            }
            let key = self.string()?;
            // A scan while the object is small; a set once it is not, so that an object of
            // many keys is read in linear time.
            let repeated = match seen.as_mut() {
                Some(seen) => !seen.insert(key.clone()),
                None => members.iter().any(|(k, _)| *k == key),
            };
            if repeated {
                return Err(JsonError::DuplicateKey { offset: key_at });
            }
            if seen.is_none() && members.len() >= SCANNED_KEYS {
                let mut set: HashSet<String> = members.iter().map(|(k, _)| k.clone()).collect();
                set.insert(key.clone());
                seen = Some(set);
            }
            self.skip_space();
            self.eat(b':', "':'")?;
            self.skip_space();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.expected("',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.enter(depth)?;
        self.at += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.skip_space();
            items.push(self.value(depth)?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.expected("',' or ']'")),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.expected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.expected("a digit"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.expected("a digit"));
            }
        }
        // Only ASCII was consumed, so the slice is on character boundaries.
        let text = std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or_default();
        Ok(Json::Number(text.to_owned()))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .bytes
            .get(self.at..self.at + 4)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .ok_or_else(|| self.expected("four hex digits"))?;
        let text = std::str::from_utf8(digits).unwrap_or_default();
        let value = u32::from_str_radix(text, 16).map_err(|_| self.expected("four hex digits"))?;
        self.at += 4;
        Ok(value)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character whole.
            let run_start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // The run ends before an ASCII byte or at the end: a character boundary.
            out.push_str(std::str::from_utf8(&self.bytes[run_start..self.at]).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return Err(self.expected("no control character in a string")),
                None => return Err(self.expected("'\"'")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let escaped = self.peek().ok_or_else(|| self.expected("an escape"))?;
        self.at += 1;
        Ok(match escaped {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        if !self.bytes[self.at..].starts_with(b"\\u") {
                            return Err(self.expected("a low surrogate escape"));
                        }
                        self.at += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.expected("a low surrogate escape"));
                        }
                        0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(self.expected("a high surrogate first")),
                    _ => first,
                };
                char::from_u32(code).ok_or_else(|| self.expected("a character"))?
            }
            _ => {
                self.at -= 1;
                return Err(self.expected("an escape"));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Json, JsonError> {
        Json::parse(text.as_bytes())
    }

    #[test]
    fn members_keep_their_order_and_values() {
        let doc =
            parse(r#" {"b": [1, -2.5e3, true, null], "a": "x\u00e9\ud83d\ude00\n"} "#).unwrap();
        let Json::Object(members) = &doc else {
            panic!("{doc:?}")
        };
        assert_eq!(members[0].0, "b");
        assert_eq!(
            doc.get("b"),
            Some(&Json::Array(vec![
                Json::Number("1".into()),
                Json::Number("-2.5e3".into()),
                Json::Bool(true),
                Json::Null
            ]))
        );
        assert_eq!(doc.get("a").and_then(Json::as_str), Some("xé😀\n"));
    }

    #[test]
    fn numbers_out_of_range_stay_text_until_asked_for() {
        let doc = parse("[18446744073709551616, 18446744073709551615, 1.0]").unwrap();
        let Json::Array(items) = doc else { panic!() };
        assert_eq!(items[0].as_u64(), None);
        assert_eq!(items[1].as_u64(), Some(u64::MAX));
        assert_eq!(items[2].as_u64(), None);
    }

    #[test]
    fn a_repeated_key_is_refused_where_it_repeats() {
        assert_eq!(
            parse(r#"{"Token":"a","Token":"b"}"#),
            Err(JsonError::DuplicateKey { offset: 13 })
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse(&deep), Err(JsonError::TooDeep { offset: MAX_DEPTH }));
        // A million openers fail at the limit without recursing further.
        assert!(matches!(
            parse(&"{\"a\":".repeat(1_000_000)),
            Err(JsonError::TooDeep { .. })
        ));
    }

    #[test]
    fn broken_documents_name_the_offset_and_never_the_text() {
        assert_eq!(
            Json::parse(b"{\"a\":\"\xff\"}"),
            Err(JsonError::InvalidUtf8 { offset: 6 })
        );
        let cases: &[(&str, usize)] = &[
            ("", 0),
            ("{\"a\":1", 6),
            ("{\"a\":1,}", 7),
            ("[1,]", 3),
            ("01", 1),
            ("1.", 2),
            ("-", 1),
            ("\"\\ud800\"", 7),
            ("\"\\udc00\"", 7),
            ("\"\\x\"", 2),
            ("\"a\u{1}\"", 2),
            ("\"open", 5),
            ("tru", 0),
            ("{} {}", 3),
            ("\u{feff}{}", 0),
        ];
        for &(text, offset) in cases {
            match parse(text) {
                Err(JsonError::Syntax { offset: at, .. }) => assert_eq!(at, offset, "{text:?}"),
                other => panic!("{text:?}: {other:?}"),
            }
        }
        let shown = parse("{\"TmpSecretKey\": \"s3cr3t\" x}")
            .unwrap_err()
            .to_string();
        assert_eq!(shown, "expected ',' or '}' at byte 26");
    }
}
