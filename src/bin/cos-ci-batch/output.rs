//! Where records go: JSON (one document per line) or tables, on stdout.

use std::io::{self, Write};

use crate::json;
use crate::record::{Record, Value};
use crate::table::{Table, write_pairs};
use crate::terminal::{redact, sanitize};

/// Writes the results of one command.
pub struct Printer<W: Write> {
    out: UntilClosed<W>,
    json: bool,
    table: Option<Table>,
    line: String,
}

impl<W: Write> Printer<W> {
    pub fn new(out: W, json: bool) -> Self {
        Printer {
            out: UntilClosed {
                inner: out,
                closed: false,
            },
            json,
            table: None,
            line: String::new(),
        }
    }

    /// Whether the reader has gone (`| head`): a listing can stop, and what is printed after
    /// is dropped, so that the command still ends with the status it earned.
    pub fn reader_gone(&self) -> bool {
        self.out.closed
    }

    /// One result on its own: a JSON document, or a two-column list of its fields that
    /// leaves out the empty ones.
    pub fn document(&mut self, record: &Record) -> io::Result<()> {
        if self.json {
            return self.json_line(record);
        }
        let mut pairs = Vec::new();
        flatten(record, "", &mut pairs);
        write_pairs(&mut self.out, &pairs)
    }

    /// One result of a listing: a JSON line, or a table row of `columns` (keys of `record`).
    pub fn row(&mut self, record: &Record, columns: &[&str]) -> io::Result<()> {
        self.row_at_least(record, columns, &[])
    }

    /// [`Printer::row`], the columns at least `widths` wide: for rows shown as they arrive.
    pub fn row_at_least(
        &mut self,
        record: &Record,
        columns: &[&str],
        widths: &[usize],
    ) -> io::Result<()> {
        if self.json {
            return self.json_line(record);
        }
        let table = self.table.get_or_insert_with(|| {
            Table::with_widths(columns.iter().map(|c| heading(c)).collect(), widths)
        });
        let row = columns
            .iter()
            .map(|c| field(record, c).map_or_else(String::new, cell))
            .collect();
        table.push(&mut self.out, row)
    }

    /// Lines for people after a table (a total, a hint); nothing with `--json`.
    pub fn note(&mut self, text: &str) -> io::Result<()> {
        if self.json {
            return Ok(());
        }
        self.flush_table()?;
        for line in text.split('\n') {
            writeln!(self.out, "{}", sanitize(line))?;
        }
        Ok(())
    }

    /// `text` as given, unsanitized: the tool's own text (a completion script).
    pub fn raw_text(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())
    }

    /// `text` and a line break, as given, in either format (`--quiet`'s job id).
    pub fn raw_line(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "{}", sanitize(text))
    }

    /// Writes what is held, so that it is seen before a long wait or a message on stderr.
    pub fn flush(&mut self) -> io::Result<()> {
        self.flush_table()?;
        self.out.flush()
    }

    /// Writes what is held and flushes the stream.
    pub fn finish(mut self) -> io::Result<()> {
        self.flush()
    }

    fn flush_table(&mut self) -> io::Result<()> {
        match &mut self.table {
            Some(table) => table.flush(&mut self.out),
            None => Ok(()),
        }
    }

    fn json_line(&mut self, record: &Record) -> io::Result<()> {
        self.line.clear();
        json::write_record(&mut self.line, record);
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }
}

/// A stream that takes a closed pipe as the end of reading rather than as an error.
struct UntilClosed<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> UntilClosed<W> {
    fn ended(&mut self, result: io::Result<()>) -> io::Result<()> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

impl<W: Write> Write for UntilClosed<W> {
    /// Writes `buf` whole, secrets taken out. The printer writes each value in one piece, so
    /// a secret is never split between two calls.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.closed {
            let text = String::from_utf8_lossy(buf);
            let written = self.inner.write_all(redact(&text).as_bytes());
            self.ended(written)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let flushed = self.inner.flush();
        self.ended(flushed)
    }
}

/// The field at `path`: a name, or names joined by dots into nested records
/// (`error.message`).
pub fn field<'r>(record: &'r Record, path: &str) -> Option<&'r Value> {
    match path.split_once('.') {
        None => record.get(path),
        Some((outer, inner)) => match record.get(outer)? {
            Value::Record(nested) => field(nested, inner),
            _ => None,
        },
    }
}

/// A column's heading: `job_id` → `JOB ID`; `error.message` → `ERROR`.
fn heading(path: &str) -> String {
    let outer = path.split('.').next().unwrap_or(path);
    outer.replace('_', " ").to_uppercase()
}

/// A value as a table cell: empty for null.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Value::Count(n) => n.to_string(),
        Value::Text(text) => sanitize(text),
        Value::List(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Record(record) => {
            let mut pairs = Vec::new();
            flatten(record, "", &mut pairs);
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

/// The non-empty fields of `record` as labelled cells, nested records' labels prefixed.
fn flatten(record: &Record, prefix: &str, pairs: &mut Vec<(String, String)>) {
    for (key, value) in record.fields() {
        let label = format!("{prefix}{}", sanitize(&key.replace('_', " ")));
        match value {
            Value::Null => {}
            Value::Text(text) if text.is_empty() => {}
            Value::List(items) if items.is_empty() => {}
            Value::Record(inner) => flatten(inner, &format!("{label} "), pairs),
            other => pairs.push((label, cell(other))),
        }
    }
}
