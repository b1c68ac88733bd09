//! What reaches a person's terminal: text from the service made inert, secrets the service
//! may echo taken out, widths as a terminal draws them, and messages on stderr that never
//! stop the command.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;

use unicode_width::UnicodeWidthStr;

/// `text` with every character that could act on a terminal or hide what it shows written as
/// a visible `\u{..}` escape: controls (C0, DEL, C1), bidirectional marks and overrides,
/// zero-width and invisible formatting characters, and line and paragraph separators. Text
/// from the service goes through this before a table or a message shows it.
pub fn sanitize(text: &str) -> String {
    if !text.chars().any(acts_on_terminal) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts_on_terminal(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `c` is one `sanitize` escapes (and the JSON writer too).
pub fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// Whether stderr is a terminal that can redraw a line in place: not a pipe or a file, and
/// not `TERM=dumb` (Emacs shells, some CI log viewers), which shows escapes as text.
pub fn redraws() -> bool {
    io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// The columns `text` takes on a terminal: CJK ideographs take two.
pub fn width(text: &str) -> usize {
    text.width()
}

/// Writes to stderr what is said while a command runs, secrets taken out. A stderr that
/// cannot be written (closed, full, or a pipe nobody reads) silences it; it does not stop
/// the command, as `eprint!` would.
pub fn tell(text: &str) {
    let _ = io::stderr().write_all(redact(text).as_bytes());
}

/// What is never printed, whoever sends it: the secret key and the session token the tool
/// signs with. A service that echoes a request (a token in an error message) cannot make
/// the tool print them.
static SECRETS: OnceLock<Vec<String>> = OnceLock::new();

/// Values shorter than this are not looked for: they would blank out ordinary words, and no
/// real key or token is that short.
const SHORTEST_SECRET: usize = 8;

/// Sets the secrets [`redact`] takes out; the first call wins.
pub fn keep_secret(values: impl IntoIterator<Item = String>) {
    let values = values
        .into_iter()
        .filter(|v| v.len() >= SHORTEST_SECRET)
        .collect();
    let _ = SECRETS.set(values);
}

/// `text` with every secret replaced by `[redacted]`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let secrets = SECRETS.get().map_or(&[][..], Vec::as_slice);
    let mut text = Cow::Borrowed(text);
    for secret in secrets {
        if text.contains(secret.as_str()) {
            text = Cow::Owned(text.replace(secret.as_str(), "[redacted]"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_bidi_and_invisible_characters_are_made_visible() {
        assert_eq!(
            sanitize("a\u{1b}[2Jb\r\u{9b}c\u{202e}d\u{200b}e\u{2028}f\u{feff}"),
            "a\\u{1b}[2Jb\\u{d}\\u{9b}c\\u{202e}d\\u{200b}e\\u{2028}f\\u{feff}"
        );
    }

    #[test]
    fn printable_text_of_any_script_is_kept() {
        assert_eq!(sanitize("videos/中文 é.mp4 😀"), "videos/中文 é.mp4 😀");
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!((width("abc"), width("中文"), width("é")), (3, 4, 1));
    }
}
