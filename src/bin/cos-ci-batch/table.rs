//! Tables for people: columns aligned as a terminal draws them.

use std::io::{self, Write};

use crate::terminal::width;

/// Rows are written in blocks of this many, so a listing of any length is printed in
/// bounded memory. The first block sets the columns' widths for good: a wider cell later
/// pushes the rest of its own row only, and every other row stays aligned with the header.
const BLOCK: usize = 1000;

/// A table written to `out` block by block, its header first. Cells are shown as given:
/// the caller makes them safe for a terminal.
pub struct Table {
    headers: Vec<String>,
    widths: Vec<usize>,
    rows: Vec<Vec<String>>,
    header_written: bool,
}

impl Table {
    /// A table whose columns are at least `widths` wide: for rows that arrive one at a
    /// time, where the first block is a single row.
    pub fn with_widths(headers: Vec<String>, widths: &[usize]) -> Self {
        let widths = headers
            .iter()
            .enumerate()
            .map(|(i, h)| width(h).max(widths.get(i).copied().unwrap_or(0)))
            .collect();
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
        if !self.header_written {
            for row in &self.rows {
                for (column, cell) in self.widths.iter_mut().zip(row) {
                    *column = (*column).max(width(cell));
                }
            }
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
    for (i, (cell, column)) in cells.iter().zip(widths).enumerate() {
        line.push_str(cell);
        if i + 1 < cells.len() {
            let pad = column.saturating_sub(width(cell)) + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

/// Writes `(label, value)` pairs, labels aligned: one result, read top to bottom.
pub fn write_pairs(out: &mut impl Write, pairs: &[(String, String)]) -> io::Result<()> {
    let column = pairs.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    for (label, value) in pairs {
        let pad = column - width(label) + 2;
        writeln!(out, "{label}{}{value}", " ".repeat(pad))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[[&str; 3]]) -> String {
        let mut table =
            Table::with_widths(vec!["OBJECT".into(), "STATE".into(), "CODE".into()], &[]);
        let mut out = Vec::new();
        for row in rows {
            table
                .push(&mut out, row.iter().map(|c| c.to_string()).collect())
                .unwrap();
        }
        table.flush(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn columns_are_aligned_to_the_widest_cell_and_lines_have_no_trailing_space() {
        assert_eq!(
            table(&[["a.mp4", "Success", ""], ["videos/b.avi", "Failed", "E1"]]),
            "OBJECT        STATE    CODE\na.mp4         Success\nvideos/b.avi  Failed   E1\n"
        );
    }

    #[test]
    fn wide_characters_are_aligned_by_the_columns_they_take() {
        assert_eq!(
            table(&[["中文.mp4", "Failed", "E1"], ["a.mp4", "Success", ""]]),
            "OBJECT    STATE    CODE\n中文.mp4  Failed   E1\na.mp4     Success\n"
        );
    }

    #[test]
    fn a_wider_cell_in_a_later_block_moves_only_its_own_row() {
        let mut table = Table::with_widths(vec!["A".into(), "B".into()], &[]);
        let mut out = Vec::new();
        table
            .push(&mut out, vec!["abc".into(), "x".into()])
            .unwrap();
        table.flush(&mut out).unwrap();
        table
            .push(&mut out, vec!["much wider".into(), "y".into()])
            .unwrap();
        table.push(&mut out, vec!["n".into(), "z".into()]).unwrap();
        table.flush(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A    B\nabc  x\nmuch wider  y\nn    z\n"
        );
    }

    #[test]
    fn a_later_block_keeps_the_columns_at_least_as_wide() {
        let mut table = Table::with_widths(vec!["A".into(), "B".into()], &[]);
        let mut out = Vec::new();
        table
            .push(&mut out, vec!["wide cell".into(), "x".into()])
            .unwrap();
        table.flush(&mut out).unwrap();
        table.push(&mut out, vec!["n".into(), "y".into()]).unwrap();
        table.flush(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A          B\nwide cell  x\nn          y\n"
        );
    }
}
