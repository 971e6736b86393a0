//! JSON for exact decimals: written as strings ("45.50") so no reader turns them into floats, read from
//! strings or whole numbers. A JSON number with a fraction (45.5) is refused: it may already have passed
//! through a float on its way here, and money must not.

use rust_decimal::Decimal;
use serde::{de, Deserializer, Serializer};
use std::fmt;

pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalVisitor)
}

struct DecimalVisitor;

impl de::Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal written as a string, such as \"45.50\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        v.trim()
            .parse::<Decimal>()
            .map_err(|_| E::custom(format!("\"{v}\" is not a number")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        Err(E::custom(format!(
            "write {v} as a string (\"{v}\") so it stays exact"
        )))
    }
}

/// The same rules for an optional decimal.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        struct Opt;
        impl<'de> de::Visitor<'de> for Opt {
            type Value = Option<Decimal>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal string or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                super::deserialize(d).map(Some)
            }
        }
        d.deserialize_option(Opt)
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(with = "super")]
        v: Decimal,
    }

    #[test]
    fn strings_and_whole_numbers_read_exactly_and_fractions_are_refused() {
        let h: Holder = serde_json::from_str(r#"{"v":"0.10"}"#).unwrap();
        assert_eq!(h.v.to_string(), "0.10");
        let h: Holder = serde_json::from_str(r#"{"v":3}"#).unwrap();
        assert_eq!(h.v, Decimal::from(3));
        let err = serde_json::from_str::<Holder>(r#"{"v":0.1}"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("as a string"), "{err}");
    }
}
