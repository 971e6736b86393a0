//! Amounts written for people, in the business's locale: "€1,234.50" for en-IE, "1 234,50 €" for
//! fr-FR, "¥1,235" for JPY anywhere. `Money`'s own Display ("1234.50 EUR") stays the unambiguous
//! form for messages and logs; this one is for documents a client reads (PDFs, emails).
//!
//! The desktop UI formats with `Intl.NumberFormat` (CLDR). Paydesk doesn't ship CLDR's data, so this
//! follows CLDR for the locales small businesses use most and falls back to English conventions for
//! the rest. Digits come straight from the exact decimal: the amount is never rounded or converted.

use rust_decimal::Decimal;

use super::Money;

/// Where the currency sign sits, and whether a space separates it from the number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Placement {
    Before,
    BeforeSpaced,
    After,
}

#[derive(Clone, Copy)]
struct Style {
    decimal: char,
    group: char,
    /// 12,34,567 (India) instead of 1,234,567.
    indian: bool,
    /// CLDR's "minimum grouping digits": 2 means 1234 stays ungrouped (Spanish, Polish).
    min_grouping: usize,
    placement: Placement,
    minus: char,
}

const NBSP: char = '\u{00A0}';
const NARROW_NBSP: char = '\u{202F}';

const ENGLISH: Style = Style {
    decimal: '.',
    group: ',',
    indian: false,
    min_grouping: 1,
    placement: Placement::Before,
    minus: '-',
};

/// `tag` is a BCP 47 tag as the business profile stores it ("fr-FR", "sr-Latn-RS", "ja").
fn style(lang: &str, region: &str) -> Style {
    let comma_after = Style {
        decimal: ',',
        group: '.',
        placement: Placement::After,
        ..ENGLISH
    };
    let spaced_after = Style {
        decimal: ',',
        group: NBSP,
        placement: Placement::After,
        ..ENGLISH
    };
    match (lang, region) {
        ("en" | "hi", "IN") | ("hi", _) => Style {
            indian: true,
            ..ENGLISH
        },
        ("de" | "it", "CH") => Style {
            decimal: '.',
            group: '\'',
            placement: Placement::BeforeSpaced,
            ..ENGLISH
        },
        ("de", "AT") | ("pt", "BR") | ("nl", _) => Style {
            placement: Placement::BeforeSpaced,
            ..comma_after
        },
        ("pt", _) => spaced_after,
        ("fr", "CH") => Style {
            decimal: '.',
            group: NARROW_NBSP,
            ..spaced_after
        },
        ("fr", _) => Style {
            group: NARROW_NBSP,
            ..spaced_after
        },
        ("es", _) => Style {
            min_grouping: 2,
            ..comma_after
        },
        ("de" | "it" | "da" | "id" | "el" | "hr" | "ro" | "sl", _) => comma_after,
        ("tr", _) => Style {
            placement: Placement::Before,
            ..comma_after
        },
        ("pl", _) => Style {
            min_grouping: 2,
            ..spaced_after
        },
        ("sv" | "nb" | "nn" | "no" | "fi" | "lt" | "et", _) => Style {
            minus: '\u{2212}',
            ..spaced_after
        },
        ("cs" | "sk" | "ru" | "uk" | "hu" | "bg" | "lv", _) => spaced_after,
        _ => ENGLISH,
    }
}

/// The sign for `code` in a locale of `region`. Signs shared by several currencies ($, kr) are only
/// used at home; abroad the dollar gets its prefix ("US$", "CA$") and the rest their ISO code.
fn symbol(code: &'static str, region: &str) -> &'static str {
    let home = |regions: &[&str]| regions.contains(&region);
    match code {
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        "INR" => "₹",
        "KRW" => "₩",
        "ILS" => "₪",
        "VND" => "₫",
        "NGN" => "₦",
        "PHP" => "₱",
        "UAH" => "₴",
        "BRL" => "R$",
        "USD" if home(&["US", "PR", "EC", "SV"]) => "$",
        "USD" => "US$",
        "CAD" if home(&["CA"]) => "$",
        "CAD" => "CA$",
        "AUD" if home(&["AU"]) => "$",
        "AUD" => "A$",
        "NZD" if home(&["NZ"]) => "$",
        "NZD" => "NZ$",
        "MXN" if home(&["MX"]) => "$",
        "MXN" => "MX$",
        "HKD" if home(&["HK"]) => "$",
        "HKD" => "HK$",
        "TWD" if home(&["TW"]) => "$",
        "TWD" => "NT$",
        "SGD" if home(&["SG"]) => "$",
        "CNY" if home(&["CN"]) => "¥",
        "CNY" => "CN¥",
        "SEK" if home(&["SE"]) => "kr",
        "NOK" if home(&["NO"]) => "kr",
        "DKK" if home(&["DK"]) => "kr.",
        "ISK" if home(&["IS"]) => "kr",
        "PLN" if home(&["PL"]) => "zł",
        "CZK" if home(&["CZ"]) => "Kč",
        "HUF" if home(&["HU"]) => "Ft",
        "RUB" if home(&["RU"]) => "₽",
        "TRY" if home(&["TR"]) => "₺",
        "ZAR" if home(&["ZA"]) => "R",
        "THB" if home(&["TH"]) => "฿",
        _ => code,
    }
}

/// Splits "fr-FR" into ("fr", "FR"); the region is the first 2-letter or 3-digit subtag.
fn language_and_region(tag: &str) -> (String, String) {
    let mut parts = tag.trim().split(['-', '_']);
    let lang = parts.next().unwrap_or("").to_ascii_lowercase();
    let region = parts
        .find(|p| {
            (p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
                || (p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()))
        })
        .unwrap_or("")
        .to_ascii_uppercase();
    (lang, region)
}

fn group_digits(int: &str, s: &Style) -> String {
    if int.len() < 3 + s.min_grouping {
        return int.to_string();
    }
    // Sizes of the groups from the right: 3,3,3… or 3,2,2… (India).
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = int;
    let mut size = 3;
    while rest.len() > size {
        let (head, tail) = rest.split_at(rest.len() - size);
        groups.push(tail);
        rest = head;
        if s.indian {
            size = 2;
        }
    }
    groups.push(rest);
    groups.reverse();
    groups.join(&s.group.to_string())
}

/// The digits of `value` without its sign, grouped and with the locale's decimal mark.
fn digits(value: Decimal, s: &Style) -> String {
    let plain = value.abs().to_string();
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut number = group_digits(int, s);
    if !frac.is_empty() {
        number.push(s.decimal);
        number.push_str(frac);
    }
    number
}

/// A plain number (a quantity, a tax rate) as the locale writes it: "1,5" in fr-FR. Trailing zeros
/// are dropped, since 2.000 hours reads as "2".
pub fn number_for_locale(value: Decimal, locale: &str) -> String {
    let (lang, region) = language_and_region(locale);
    let s = style(&lang, &region);
    let value = value.normalize();
    let minus = if value.is_sign_negative() && !value.is_zero() {
        s.minus.to_string()
    } else {
        String::new()
    };
    format!("{minus}{}", digits(value, &s))
}

/// `money` written for a reader in `locale`, with exactly the currency's decimals.
pub fn for_locale(money: Money, locale: &str) -> String {
    let (lang, region) = language_and_region(locale);
    let s = style(&lang, &region);
    let sign = symbol(money.currency().code(), &region);
    let number = digits(money.amount(), &s);
    let minus = if money.amount().is_sign_negative() && !money.is_zero() {
        s.minus.to_string()
    } else {
        String::new()
    };
    // A sign made of letters ("CHF", "kr") needs a space before the digits; "$" and "€" don't.
    let wordy = sign.chars().last().is_some_and(char::is_alphabetic);
    match s.placement {
        Placement::After => format!("{minus}{number}{NBSP}{sign}"),
        Placement::BeforeSpaced if lang == "nl" => format!("{sign}{NBSP}{minus}{number}"),
        Placement::BeforeSpaced => format!("{minus}{sign}{NBSP}{number}"),
        Placement::Before if wordy => format!("{minus}{sign}{NBSP}{number}"),
        Placement::Before => format!("{minus}{sign}{number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn m(amount: &str, code: &str) -> Money {
        Money::new(
            amount.parse::<Decimal>().unwrap(),
            Currency::parse(code).unwrap(),
        )
        .unwrap()
    }

    /// Spaces shown as "_" (no-break) and "^" (narrow no-break) so the expectations are readable.
    fn f(amount: &str, code: &str, locale: &str) -> String {
        for_locale(m(amount, code), locale)
            .replace(NBSP, "_")
            .replace(NARROW_NBSP, "^")
    }

    // The expectations are what Node's Intl.NumberFormat (ICU 74) prints for the same inputs,
    // except where noted.
    #[test]
    fn english_puts_the_symbol_first_with_comma_groups() {
        assert_eq!(f("1234567.89", "USD", "en-US"), "$1,234,567.89");
        assert_eq!(f("1234567.89", "EUR", "en-IE"), "€1,234,567.89");
        assert_eq!(f("-1234.50", "GBP", "en-GB"), "-£1,234.50");
        assert_eq!(f("1234.50", "USD", "en-GB"), "US$1,234.50");
        assert_eq!(f("1234.50", "CAD", "en-US"), "CA$1,234.50");
        assert_eq!(f("1234.50", "CHF", "en-US"), "CHF_1,234.50");
        assert_eq!(f("0.00", "EUR", "en"), "€0.00");
        assert_eq!(f("999.99", "EUR", "en"), "€999.99");
    }

    #[test]
    fn decimals_follow_the_currency_not_the_locale() {
        assert_eq!(f("1234568", "JPY", "en-US"), "¥1,234,568");
        assert_eq!(f("1234567.891", "KWD", "en-US"), "KWD_1,234,567.891");
        assert_eq!(f("1234567.891", "KWD", "fr-FR"), "1^234^567,891_KWD");
        assert_eq!(f("1234568", "JPY", "de-DE"), "1.234.568_¥");
        // Intl writes a full-width ￥ for ja-JP; the plain sign reads the same and every font has it.
        assert_eq!(f("5000", "JPY", "ja-JP"), "¥5,000");
    }

    #[test]
    fn continental_locales_put_the_symbol_after_with_their_separators() {
        assert_eq!(f("1234567.89", "EUR", "fr-FR"), "1^234^567,89_€");
        assert_eq!(f("1234567.89", "EUR", "de-DE"), "1.234.567,89_€");
        assert_eq!(f("-1234567.89", "EUR", "de-DE"), "-1.234.567,89_€");
        assert_eq!(f("1234567.89", "EUR", "it-IT"), "1.234.567,89_€");
        assert_eq!(f("1234567.89", "EUR", "pt-PT"), "1_234_567,89_€");
        assert_eq!(f("1234567.89", "PLN", "pl-PL"), "1_234_567,89_zł");
        assert_eq!(f("1234567.89", "SEK", "sv-SE"), "1_234_567,89_kr");
        assert_eq!(f("-1234567.89", "EUR", "fi-FI"), "\u{2212}1_234_567,89_€");
        // Intl writes "$US" here; one spelling of the foreign dollar everywhere is simpler to read.
        assert_eq!(f("1234567.89", "USD", "fr-FR"), "1^234^567,89_US$");
    }

    #[test]
    fn some_locales_put_the_symbol_first_with_a_space() {
        assert_eq!(f("1234567.89", "EUR", "nl-NL"), "€_1.234.567,89");
        assert_eq!(f("-1234567.89", "EUR", "nl-NL"), "€_-1.234.567,89");
        assert_eq!(f("1234567.89", "EUR", "de-AT"), "€_1.234.567,89");
        assert_eq!(f("1234567.89", "BRL", "pt-BR"), "R$_1.234.567,89");
        assert_eq!(f("1234567.89", "CHF", "de-CH"), "CHF_1'234'567.89");
        assert_eq!(f("1234567.89", "EUR", "tr-TR"), "€1.234.567,89");
    }

    #[test]
    fn grouping_rules_of_india_spain_and_poland() {
        assert_eq!(f("1234567.89", "INR", "en-IN"), "₹12,34,567.89");
        assert_eq!(f("1234.50", "EUR", "es-ES"), "1234,50_€");
        assert_eq!(f("12345.50", "EUR", "es-ES"), "12.345,50_€");
        assert_eq!(f("1234.50", "PLN", "pl-PL"), "1234,50_zł");
    }

    #[test]
    fn plain_numbers_use_the_locale_marks_and_drop_trailing_zeros() {
        let n = |v: &str, l: &str| number_for_locale(v.parse().unwrap(), l).replace(NBSP, "_");
        assert_eq!(n("1.500", "fr-FR"), "1,5");
        assert_eq!(n("2.000", "en-US"), "2");
        assert_eq!(n("20", "de-DE"), "20");
        assert_eq!(n("5.5", "de-DE"), "5,5");
        assert_eq!(n("12500", "pl-PL"), "12_500");
        assert_eq!(n("1000000", "en-US"), "1,000,000");
    }

    #[test]
    fn unusual_tags_fall_back_to_english_conventions() {
        assert_eq!(f("1234.50", "EUR", "sr-Latn-RS"), "€1,234.50");
        assert_eq!(f("1234.50", "EUR", ""), "€1,234.50");
        assert_eq!(f("1234.50", "EUR", "FR_fr"), "1^234,50_€");
    }
}
