//! A JSON writer for the tool's records, one document per line (JSON Lines).
//!
//! Hand-written because a record is a flat list of named strings and numbers: the measured
//! alternatives (serde_json with and without serde's derive, miniserde, nanoserde) add crates
//! and build time to write the same bytes; see the README's performance table.

use crate::record::{Record, Value};
use crate::terminal::acts_on_terminal;

/// Appends `record` to `out` as one JSON object, without a line break.
pub fn write_record(out: &mut String, record: &Record) {
    out.push('{');
    for (i, (key, value)) in record.fields().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Count(n) => out.push_str(&n.to_string()),
        Value::Text(text) => write_string(out, text),
        Value::Record(record) => write_record(out, record),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
    }
}

/// Writes `text` as a JSON string (RFC 8259). Beyond what the RFC requires, every character
/// a table would show escaped is escaped too (DEL, C1 controls, bidi and invisible
/// formatting characters, line and paragraph separators), so that a line of output stays one
/// line for every reader and nothing in it acts on a terminal that shows it raw.
fn write_string(out: &mut String, text: &str) {
    out.push('"');
    let mut plain = 0;
    for (i, c) in text.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if acts_on_terminal(c) => "",
            _ => continue,
        };
        out.push_str(&text[plain..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push_str(escape);
        }
        plain = i + c.len_utf8();
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> String {
        let mut out = String::new();
        write_string(&mut out, text);
        out
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(string(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn control_characters_are_escaped_and_nothing_else_is() {
        assert_eq!(
            string("\u{1}\u{1b}[2J\n\t\u{7f}\u{9b}é中\u{2028}\u{202e}😀"),
            "\"\\u0001\\u001b[2J\\n\\t\\u007f\\u009bé中\\u2028\\u202e😀\""
        );
    }

    #[test]
    fn a_record_keeps_its_field_order_and_writes_null_for_absent_values() {
        let mut inner = Record::new();
        inner.text("prefix", "v/");
        let mut record = Record::new();
        record.text("job_id", "b1");
        record.optional("code", None::<&str>);
        record.optional_count("total", Some(3));
        record.record("input", inner);
        let mut out = String::new();
        write_record(&mut out, &record);
        assert_eq!(
            out,
            r#"{"job_id":"b1","code":null,"total":3,"input":{"prefix":"v/"}}"#
        );
    }
}
