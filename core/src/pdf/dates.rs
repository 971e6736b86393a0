//! Dates as printed on documents. The documents' words are English, so dates are written the
//! English way, spelled out so that 03/04 can't be read as either March or April:
//! "23 Nov 2026", or "Nov 23, 2026" for a business in the United States.

use chrono::NaiveDate;

pub(crate) fn date_text(date: NaiveDate, locale: &str) -> String {
    let us = locale
        .split(['-', '_'])
        .skip(1)
        .any(|part| part.eq_ignore_ascii_case("US"));
    if us {
        date.format("%b %-d, %Y").to_string()
    } else {
        date.format("%-d %b %Y").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_spelled_out_day_first_except_in_the_us() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        assert_eq!(date_text(d, "en-GB"), "4 Mar 2026");
        assert_eq!(date_text(d, "fr-FR"), "4 Mar 2026");
        assert_eq!(date_text(d, "en-US"), "Mar 4, 2026");
    }
}
