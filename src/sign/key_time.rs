//! The validity window of a signature (`q-key-time`), and its text.

use std::fmt;

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
    /// A window from `start` to `end` (Unix seconds), taken as given: a reversed window is
    /// representable on purpose, because it is what a verifier must be shown to refuse (the
    /// service answers it with an error, it does not fail to parse it).
    ///
    /// ```
    /// use cos_ci_batch::sign::KeyTime;
    ///
    /// let reversed = KeyTime::new(1_700_000_900, 1_700_000_000);
    /// assert!(reversed.start() > reversed.end());
    /// ```
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

    /// Parses the `<start>;<end>` form used in an Authorization value: two runs of ASCII
    /// digits that fit a `u64` (no sign, space or `+`, which `str::parse` would allow in
    /// part). The order of the two is not judged here, as in [`KeyTime::new`].
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

/// `<start>;<end>` on the stack, without the formatting machinery (this is on every
/// request's path).
pub(super) struct KeyTimeText {
    bytes: [u8; 41],
    len: usize,
}

impl KeyTimeText {
    pub(super) fn new(key_time: KeyTime) -> Self {
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

    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(super) fn as_str(&self) -> &str {
        // Only ASCII digits and ';' were written, so this never falls back.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_time_parse_rejects_junk() {
        assert_eq!(KeyTime::parse("1;2"), Some(KeyTime::new(1, 2)));
        assert_eq!(KeyTime::parse("1;"), None);
        assert_eq!(KeyTime::parse("+1;2"), None);
        assert_eq!(KeyTime::parse("12"), None);
    }

    #[test]
    fn key_time_text_is_the_display_form() {
        for key_time in [
            KeyTime::new(0, 0),
            KeyTime::new(1, u64::MAX),
            KeyTime::around(1_700_000_000, 60, 900),
        ] {
            assert_eq!(KeyTimeText::new(key_time).as_str(), key_time.to_string());
        }
    }
}
