//! Invoice numbers: a format like "INV-{YYYY}-{SEQ:4}" and a counter per series that only goes up.
//!
//! Tokens: `{YYYY}`, `{YY}`, `{MM}` from the issue date; `{SEQ}` or `{SEQ:n}` (zero-padded to n digits),
//! exactly once. The series is the number with `{SEQ}` left out ("INV-2026-"), so a yearly format
//! restarts at 1 each year while a plain "A-{SEQ}" counts on forever.

use chrono::{Datelike, NaiveDate};
use sqlx::SqliteConnection;

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Text(&'a str),
    Year4,
    Year2,
    Month,
    Seq(usize),
}

fn tokens(format: &str) -> Result<Vec<Token<'_>>> {
    let bad = |why: &str| {
        Error::invalid(
            "invoice_number_format",
            format!("Invoice number format \"{format}\": {why}"),
        )
    };
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        if rest[..open].contains('}') {
            return Err(bad("a \"}\" has no matching \"{\"."));
        }
        if open > 0 {
            out.push(Token::Text(&rest[..open]));
        }
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| bad("a \"{\" is never closed."))?
            + open;
        let name = &rest[open + 1..close];
        out.push(match name {
            "YYYY" => Token::Year4,
            "YY" => Token::Year2,
            "MM" => Token::Month,
            "SEQ" => Token::Seq(1),
            _ => {
                match name
                    .strip_prefix("SEQ:")
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    Some(width @ 1..=9) => Token::Seq(width),
                    _ => {
                        return Err(bad(&format!(
                        "{{{name}}} isn't a known part; use {{YYYY}}, {{YY}}, {{MM}} or {{SEQ:4}}."
                    )))
                    }
                }
            }
        });
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return Err(bad("a \"}\" has no matching \"{\"."));
    }
    if !rest.is_empty() {
        out.push(Token::Text(rest));
    }
    Ok(out)
}

impl NumberFormat {
    pub fn parse(format: &str) -> Result<NumberFormat> {
        let f = format.trim();
        let seqs = tokens(f)?
            .iter()
            .filter(|t| matches!(t, Token::Seq(_)))
            .count();
        if seqs != 1 {
            return Err(Error::invalid(
                "invoice_number_format",
                "The invoice number format needs exactly one {SEQ} (or {SEQ:4} for 0001) for the running number.",
            ));
        }
        if f.chars().count() > 40 {
            return Err(Error::invalid(
                "invoice_number_format",
                "The invoice number format can be at most 40 characters.",
            ));
        }
        Ok(NumberFormat(f.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn render_with(&self, date: NaiveDate, seq: Option<u64>) -> String {
        let mut out = String::new();
        for t in tokens(&self.0).expect("validated at parse") {
            match t {
                Token::Text(s) => out.push_str(s),
                Token::Year4 => out.push_str(&format!("{:04}", date.year())),
                Token::Year2 => out.push_str(&format!("{:02}", date.year() % 100)),
                Token::Month => out.push_str(&format!("{:02}", date.month())),
                Token::Seq(width) => {
                    if let Some(n) = seq {
                        out.push_str(&format!("{n:0width$}"))
                    }
                }
            }
        }
        out
    }

    pub fn render(&self, date: NaiveDate, seq: u64) -> String {
        self.render_with(date, Some(seq))
    }

    /// The counter this number belongs to.
    pub fn series(&self, date: NaiveDate) -> String {
        self.render_with(date, None)
    }
}

/// Takes the next number in the series, inside the caller's write transaction. Skips any number
/// already used (possible after the format was changed), so a number is never given twice.
pub(crate) async fn take_next(
    conn: &mut SqliteConnection,
    format: &NumberFormat,
    date: NaiveDate,
) -> Result<String> {
    let series = format.series(date);
    loop {
        let (n,): (i64,) = sqlx::query_as(
            "INSERT INTO invoice_counters (series, last_value) VALUES (?, 1)
             ON CONFLICT (series) DO UPDATE SET last_value = last_value + 1
             RETURNING last_value",
        )
        .bind(&series)
        .fetch_one(&mut *conn)
        .await?;
        let number = format.render(date, u64::try_from(n).unwrap_or(0));
        let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM invoices WHERE number = ?")
            .bind(&number)
            .fetch_optional(&mut *conn)
            .await?;
        if taken.is_none() {
            return Ok(number);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 15).unwrap()
    }

    #[test]
    fn renders_year_month_and_padded_sequence() {
        let f = NumberFormat::parse("INV-{YYYY}-{SEQ:4}").unwrap();
        assert_eq!(f.render(d(2026, 3), 1), "INV-2026-0001");
        assert_eq!(f.render(d(2026, 3), 12345), "INV-2026-12345");
        assert_eq!(f.series(d(2026, 3)), "INV-2026-");
        let g = NumberFormat::parse("{YY}{MM}/{SEQ}").unwrap();
        assert_eq!(g.render(d(2027, 1), 7), "2701/7");
    }

    #[test]
    fn formats_without_exactly_one_sequence_or_with_unknown_parts_are_refused() {
        for bad in [
            "INV-{YYYY}",
            "{SEQ}-{SEQ}",
            "INV-{DD}-{SEQ}",
            "INV-{SEQ",
            "INV-}{SEQ}",
            "{SEQ:0}",
            "{SEQ:10}",
        ] {
            let e = NumberFormat::parse(bad).unwrap_err();
            assert_eq!(e.field(), Some("invoice_number_format"), "{bad}");
        }
    }
}
