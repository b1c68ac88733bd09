//! Tables for people: aligned columns, and nothing a terminal would act on.

use std::io::{self, Write};

/// Rows are written in blocks of this many, so a listing of any length is printed in
/// bounded memory; a later block's columns are at least as wide as an earlier one's.
const BLOCK: usize = 1000;

/// A table written to `out` block by block, its header first.
pub struct Table {
    headers: Vec<String>,
    widths: Vec<usize>,
    rows: Vec<Vec<String>>,
    header_written: bool,
}

impl Table {
    pub fn new(headers: Vec<String>) -> Self {
        let widths = headers.iter().map(|h| h.chars().count()).collect();
        Table {
            headers,
            widths,
            rows: Vec::new(),
            header_written: false,
        }
    }

    pub fn push(&mut self, out: &mut impl Write, row: Vec<String>) -> io::Result<()> {
        self.rows.push(row);
        if self.rows.len() >= BLOCK {
            self.flush(out)?;
        }
        Ok(())
    }

    /// Writes the rows held (and the header, the first time).
    pub fn flush(&mut self, out: &mut impl Write) -> io::Result<()> {
        for row in &self.rows {
            for (width, cell) in self.widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        if !self.header_written {
            write_row(out, &self.widths, &self.headers)?;
            self.header_written = true;
        }
        for row in self.rows.drain(..) {
            write_row(out, &self.widths, &row)?;
        }
        Ok(())
    }
}

fn write_row(out: &mut impl Write, widths: &[usize], cells: &[String]) -> io::Result<()> {
    let mut line = String::new();
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        line.push_str(cell);
        if i + 1 < cells.len() {
            let pad = width.saturating_sub(cell.chars().count()) + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

/// Writes `(label, value)` pairs, labels aligned: one result, read top to bottom.
pub fn write_pairs(out: &mut impl Write, pairs: &[(String, String)]) -> io::Result<()> {
    let width = pairs
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (label, value) in pairs {
        writeln!(out, "{label:width$}  {value}")?;
    }
    Ok(())
}

/// `text` with every control character (C0, DEL, C1) and every bidirectional override
/// written as a visible `\u{..}` escape, so that text from the service cannot move the
/// cursor, recolor, retitle or reorder what the terminal shows.
pub fn sanitize(text: &str) -> String {
    let risky = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(risky) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if risky(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_aligned_to_the_widest_cell_and_lines_have_no_trailing_space() {
        let mut table = Table::new(vec!["OBJECT".into(), "STATE".into(), "CODE".into()]);
        let mut out = Vec::new();
        table
            .push(
                &mut out,
                vec!["a.mp4".into(), "Success".into(), String::new()],
            )
            .unwrap();
        table
            .push(
                &mut out,
                vec!["videos/b.avi".into(), "Failed".into(), "E1".into()],
            )
            .unwrap();
        table.flush(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "OBJECT        STATE    CODE\na.mp4         Success\nvideos/b.avi  Failed   E1\n"
        );
    }

    #[test]
    fn escape_sequences_and_bidi_overrides_are_made_visible() {
        assert_eq!(
            sanitize("a\u{1b}[2Jb\r\u{9b}c\u{202e}d"),
            "a\\u{1b}[2Jb\\u{d}\\u{9b}c\\u{202e}d"
        );
        assert_eq!(sanitize("videos/中文.mp4"), "videos/中文.mp4");
    }
}
