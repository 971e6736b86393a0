//! ISO 4217 currencies Paydesk can invoice in, with the number of decimals Paydesk keeps for each.
//!
//! The list is Stripe's presentment currencies (stripe.com/docs/currencies). The decimals follow Stripe,
//! not ISO, where the two differ: MGA is zero-decimal at Stripe although ISO gives it two, and ISK is
//! whole krónur in Paydesk (ISO 0) but sent to Stripe in hundredths (see `stripe_units`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use super::MoneyError;

/// A currency Paydesk supports. Cheap to copy; compares by code.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    decimals: u32,
}

const fn c(code: &'static str, decimals: u32) -> Currency {
    Currency { code, decimals }
}

/// Stripe's "zero-decimal" currencies, plus ISK which Paydesk keeps in whole krónur.
const ZERO: u32 = 0;
const TWO: u32 = 2;
/// Stripe's three-decimal currencies.
const THREE: u32 = 3;

#[rustfmt::skip]
static CURRENCIES: &[Currency] = &[
    c("AED", TWO), c("AFN", TWO), c("ALL", TWO), c("AMD", TWO), c("ANG", TWO), c("AOA", TWO),
    c("ARS", TWO), c("AUD", TWO), c("AWG", TWO), c("AZN", TWO), c("BAM", TWO), c("BBD", TWO),
    c("BDT", TWO), c("BGN", TWO), c("BHD", THREE), c("BIF", ZERO), c("BMD", TWO), c("BND", TWO),
    c("BOB", TWO), c("BRL", TWO), c("BSD", TWO), c("BWP", TWO), c("BYN", TWO), c("BZD", TWO),
    c("CAD", TWO), c("CDF", TWO), c("CHF", TWO), c("CLP", ZERO), c("CNY", TWO), c("COP", TWO),
    c("CRC", TWO), c("CVE", TWO), c("CZK", TWO), c("DJF", ZERO), c("DKK", TWO), c("DOP", TWO),
    c("DZD", TWO), c("EGP", TWO), c("ETB", TWO), c("EUR", TWO), c("FJD", TWO), c("FKP", TWO),
    c("GBP", TWO), c("GEL", TWO), c("GIP", TWO), c("GMD", TWO), c("GNF", ZERO), c("GTQ", TWO),
    c("GYD", TWO), c("HKD", TWO), c("HNL", TWO), c("HTG", TWO), c("HUF", TWO), c("IDR", TWO),
    c("ILS", TWO), c("INR", TWO), c("ISK", ZERO), c("JMD", TWO), c("JOD", THREE), c("JPY", ZERO),
    c("KES", TWO), c("KGS", TWO), c("KHR", TWO), c("KMF", ZERO), c("KRW", ZERO), c("KWD", THREE),
    c("KYD", TWO), c("KZT", TWO), c("LAK", TWO), c("LBP", TWO), c("LKR", TWO), c("LRD", TWO),
    c("LSL", TWO), c("MAD", TWO), c("MDL", TWO), c("MGA", ZERO), c("MKD", TWO), c("MMK", TWO),
    c("MNT", TWO), c("MOP", TWO), c("MUR", TWO), c("MVR", TWO), c("MWK", TWO), c("MXN", TWO),
    c("MYR", TWO), c("MZN", TWO), c("NAD", TWO), c("NGN", TWO), c("NIO", TWO), c("NOK", TWO),
    c("NPR", TWO), c("NZD", TWO), c("OMR", THREE), c("PAB", TWO), c("PEN", TWO), c("PGK", TWO),
    c("PHP", TWO), c("PKR", TWO), c("PLN", TWO), c("PYG", ZERO), c("QAR", TWO), c("RON", TWO),
    c("RSD", TWO), c("RUB", TWO), c("RWF", ZERO), c("SAR", TWO), c("SBD", TWO), c("SCR", TWO),
    c("SEK", TWO), c("SGD", TWO), c("SHP", TWO), c("SLE", TWO), c("SOS", TWO), c("SRD", TWO),
    c("SZL", TWO), c("THB", TWO), c("TJS", TWO), c("TND", THREE), c("TOP", TWO), c("TRY", TWO),
    c("TTD", TWO), c("TWD", TWO), c("TZS", TWO), c("UAH", TWO), c("UGX", ZERO), c("USD", TWO),
    c("UYU", TWO), c("UZS", TWO), c("VND", ZERO), c("VUV", ZERO), c("WST", TWO), c("XAF", ZERO),
    c("XCD", TWO), c("XOF", ZERO), c("XPF", ZERO), c("YER", TWO), c("ZAR", TWO), c("ZMW", TWO),
];

impl Currency {
    /// Looks a code up, ignoring case and surrounding spaces ("eur", " EUR ").
    pub fn parse(code: &str) -> Result<Currency, MoneyError> {
        let wanted = code.trim().to_ascii_uppercase();
        CURRENCIES
            .binary_search_by(|c| c.code.cmp(wanted.as_str()))
            .map(|i| CURRENCIES[i])
            .map_err(|_| MoneyError::UnknownCurrency(code.trim().to_string()))
    }

    /// Every supported currency, sorted by code.
    pub fn all() -> &'static [Currency] {
        CURRENCIES
    }

    /// Upper-case ISO code, e.g. "EUR".
    pub fn code(self) -> &'static str {
        self.code
    }

    /// How many decimals an amount in this currency may carry in Paydesk (0 for JPY, 3 for KWD).
    pub fn decimals(self) -> u32 {
        self.decimals
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl std::str::FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// In TypeScript a currency is its ISO code.
#[cfg(feature = "ts")]
impl ts_rs::TS for Currency {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;
    fn name(_: &ts_rs::Config) -> String {
        "string".into()
    }
    fn inline(_: &ts_rs::Config) -> String {
        "string".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_so_binary_search_finds_every_code() {
        for pair in CURRENCIES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for c in CURRENCIES {
            assert_eq!(Currency::parse(c.code).unwrap(), *c);
        }
    }

    #[test]
    fn parse_ignores_case_and_edges_and_names_the_bad_code() {
        assert_eq!(Currency::parse(" eur ").unwrap().code(), "EUR");
        assert_eq!(Currency::parse("JPY").unwrap().decimals(), 0);
        assert_eq!(Currency::parse("kwd").unwrap().decimals(), 3);
        let err = Currency::parse("EURO").unwrap_err();
        assert!(err.to_string().contains("EURO"), "{err}");
    }
}
