//! CSV as RFC 4180 writes it — comma separated, CRLF line ends, a field quoted when it holds a
//! comma, a quote or a line break, quotes doubled — in UTF-8, with an optional byte-order mark so
//! Excel reads the accents right.
//!
//! Safe to open in a spreadsheet: a *text* cell that begins with `=`, `+`, `-`, `@`, a tab or a
//! carriage return gets a leading apostrophe (OWASP's advice for CSV injection), so it is shown as
//! text and never run as a formula. Amounts are written as plain numbers ("-12.50") and are not
//! text, so they stay numbers.

use std::io::{self, Write};

use super::cell::Cell;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Characters that make a spreadsheet treat a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

pub struct CsvWriter<W: Write> {
    out: W,
    line: String,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(mut out: W, bom: bool) -> io::Result<CsvWriter<W>> {
        if bom {
            out.write_all(BOM)?;
        }
        Ok(CsvWriter {
            out,
            line: String::with_capacity(256),
        })
    }

    pub fn header(&mut self, titles: &[&str]) -> io::Result<()> {
        let cells: Vec<Cell> = titles.iter().map(|t| Cell::Text(t)).collect();
        self.row(&cells)
    }

    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        self.line.clear();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            match *cell {
                Cell::Text(t) => push_text(&mut self.line, t),
                Cell::Date(d) => {
                    use std::fmt::Write as _;
                    let _ = write!(self.line, "{}", d.format("%Y-%m-%d"));
                }
                Cell::Amount(m) => m.write_to(&mut self.line),
                Cell::Int(n) => {
                    use std::fmt::Write as _;
                    let _ = write!(self.line, "{n}");
                }
                Cell::Empty => {}
            }
        }
        self.line.push_str("\r\n");
        self.out.write_all(self.line.as_bytes())
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

fn push_text(line: &mut String, text: &str) {
    let guarded = text.starts_with(FORMULA_STARTS);
    let quoted = text.contains([',', '"', '\r', '\n']);
    if quoted {
        line.push('"');
    }
    if guarded {
        line.push('\'');
    }
    if quoted {
        for ch in text.chars() {
            if ch == '"' {
                line.push('"');
            }
            line.push(ch);
        }
        line.push('"');
    } else {
        line.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::cell::Minor;

    fn line(cells: &[Cell]) -> String {
        let mut w = CsvWriter::new(Vec::new(), false).unwrap();
        w.row(cells).unwrap();
        String::from_utf8(w.into_inner()).unwrap()
    }

    #[test]
    fn quotes_only_what_rfc_4180_requires() {
        assert_eq!(
            line(&[Cell::Text("Zoë Øster"), Cell::Empty]),
            "Zoë Øster,\r\n"
        );
        assert_eq!(
            line(&[
                Cell::Text("a,b"),
                Cell::Text("say \"hi\""),
                Cell::Text("two\nlines")
            ]),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
        );
    }

    #[test]
    fn formula_looking_text_is_guarded_but_amounts_stay_numbers() {
        assert_eq!(
            line(&[
                Cell::Text("=HYPERLINK(\"x\")"),
                Cell::Text("+1"),
                Cell::Text("-2"),
                Cell::Text("@SUM(A1)"),
                Cell::Text("\tx"),
                Cell::Amount(Minor {
                    units: -1250,
                    decimals: 2
                }),
            ]),
            "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),'\tx,-12.50\r\n"
        );
        assert_eq!(line(&[Cell::Text("\rx")]), "\"'\rx\"\r\n");
    }

    #[test]
    fn the_byte_order_mark_is_optional() {
        let w = CsvWriter::new(Vec::new(), true).unwrap();
        assert_eq!(w.into_inner(), BOM);
        let w = CsvWriter::new(Vec::new(), false).unwrap();
        assert!(w.into_inner().is_empty());
    }
}
