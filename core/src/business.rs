//! The business profile: who is sending the invoices, in which currency and time zone, and how
//! invoices are numbered and worded. There is exactly one.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::instant_text;
use crate::error::{Error, Result};
use crate::invoice::numbering::NumberFormat;
use crate::money::Currency;
use crate::validate::{optional_email, optional_text};
use crate::Paydesk;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BusinessProfile {
    pub name: String,
    pub address: String,
    pub email: String,
    pub phone: String,
    pub tax_id: String,
    pub has_logo: bool,
    pub currency: Currency,
    /// IANA name, e.g. "Europe/Paris".
    pub time_zone: String,
    /// BCP 47 tag used to format dates and money for people, e.g. "fr-FR".
    pub locale: String,
    /// e.g. "INV-{YYYY}-{SEQ:4}"; see `invoice::numbering`.
    pub invoice_number_format: String,
    pub payment_terms_days: u32,
    /// Printed at the bottom of every invoice unless the invoice has its own.
    pub invoice_terms: String,
    /// Whether a client paying a pay link may keep their card on file for later charges.
    pub save_cards_on_pay: bool,
    /// The invoice template's colour, `#RRGGBB`.
    pub accent_color: String,
}

impl BusinessProfile {
    pub fn time_zone(&self) -> Result<Tz> {
        parse_time_zone(&self.time_zone)
    }
}

/// Changes to the profile; fields left out stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BusinessUpdate {
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub name: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub address: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub email: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub phone: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub tax_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub currency: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub time_zone: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub locale: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub invoice_number_format: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub payment_terms_days: Option<u32>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub invoice_terms: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub save_cards_on_pay: Option<bool>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub accent_color: Option<String>,
}

/// The largest logo accepted: enough for a crisp print header, small enough for every email.
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;

pub fn parse_time_zone(name: &str) -> Result<Tz> {
    name.trim().parse::<Tz>().map_err(|_| {
        Error::invalid(
            "time_zone",
            format!(
                "\"{name}\" isn't a time zone. Use a name like Europe/London or America/New_York."
            ),
        )
    })
}

fn validate_locale(text: &str) -> Result<String> {
    let t = text.trim();
    let mut parts = t.split('-');
    let lang_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()));
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if lang_ok && rest_ok {
        Ok(t.to_string())
    } else {
        Err(Error::invalid(
            "locale",
            format!("\"{t}\" isn't a locale. Use a tag like en-US, fr-FR or ja-JP."),
        ))
    }
}

/// `#RRGGBB` (or `RRGGBB`), upper-cased. Any colour is the owner's choice: the PDF uses it only for
/// accents, never for the text that must stay readable.
fn validate_color(text: &str) -> Result<String> {
    let t = text.trim();
    let hex = t.strip_prefix('#').unwrap_or(t);
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_ascii_uppercase()))
    } else {
        Err(Error::invalid(
            "accent_color",
            format!("\"{t}\" isn't a colour. Use the #RRGGBB form, e.g. #0D54BF."),
        ))
    }
}

impl BusinessProfile {
    /// The accent colour as red, green, blue from 0 to 255.
    pub fn accent_rgb(&self) -> (u8, u8, u8) {
        let hex = self.accent_color.trim_start_matches('#');
        let part = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .unwrap_or(0)
        };
        (part(0), part(2), part(4))
    }
}

fn apply(mut p: BusinessProfile, u: BusinessUpdate) -> Result<BusinessProfile> {
    if let Some(v) = u.name {
        p.name = optional_text("name", "Business name", &v, 200)?;
    }
    if let Some(v) = u.address {
        p.address = optional_text("address", "Address", &v, 1000)?;
    }
    if let Some(v) = u.email {
        p.email = optional_email("email", &v)?;
    }
    if let Some(v) = u.phone {
        p.phone = optional_text("phone", "Phone", &v, 50)?;
    }
    if let Some(v) = u.tax_id {
        p.tax_id = optional_text("tax_id", "Tax id", &v, 50)?;
    }
    if let Some(v) = u.currency {
        p.currency = Currency::parse(&v).map_err(|e| Error::from(e).in_field("currency"))?;
    }
    if let Some(v) = u.time_zone {
        p.time_zone = parse_time_zone(&v)?.name().to_string();
    }
    if let Some(v) = u.locale {
        p.locale = validate_locale(&v)?;
    }
    if let Some(v) = u.invoice_number_format {
        p.invoice_number_format = NumberFormat::parse(&v)?.as_str().to_string();
    }
    if let Some(v) = u.payment_terms_days {
        if v > 365 {
            return Err(Error::invalid(
                "payment_terms_days",
                "Payment terms can be at most 365 days.",
            ));
        }
        p.payment_terms_days = v;
    }
    if let Some(v) = u.invoice_terms {
        p.invoice_terms = optional_text("invoice_terms", "Invoice terms", &v, 4000)?;
    }
    if let Some(v) = u.save_cards_on_pay {
        p.save_cards_on_pay = v;
    }
    if let Some(v) = u.accent_color {
        p.accent_color = validate_color(&v)?;
    }
    Ok(p)
}

/// What a logo file is, judged by its first bytes rather than its name.
fn logo_mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

pub(crate) mod store {
    use super::*;

    #[derive(sqlx::FromRow)]
    struct Row {
        name: String,
        address: String,
        email: String,
        phone: String,
        tax_id: String,
        has_logo: bool,
        currency: String,
        time_zone: String,
        locale: String,
        invoice_number_format: String,
        payment_terms_days: i64,
        invoice_terms: String,
        save_cards_on_pay: bool,
        accent_color: String,
    }

    pub async fn get(conn: &mut SqliteConnection) -> Result<BusinessProfile> {
        let r: Row = sqlx::query_as(
            "SELECT name, address, email, phone, tax_id, logo IS NOT NULL AS has_logo, currency, time_zone,
                    locale, invoice_number_format, payment_terms_days, invoice_terms, save_cards_on_pay,
                    accent_color
             FROM business WHERE id = 1",
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(BusinessProfile {
            name: r.name,
            address: r.address,
            email: r.email,
            phone: r.phone,
            tax_id: r.tax_id,
            has_logo: r.has_logo,
            currency: Currency::parse(&r.currency)?,
            time_zone: r.time_zone,
            locale: r.locale,
            invoice_number_format: r.invoice_number_format,
            payment_terms_days: u32::try_from(r.payment_terms_days).unwrap_or(0),
            invoice_terms: r.invoice_terms,
            save_cards_on_pay: r.save_cards_on_pay,
            accent_color: r.accent_color,
        })
    }

    /// The logo's bytes, if one is set.
    pub async fn logo(conn: &mut SqliteConnection) -> Result<Option<Vec<u8>>> {
        let row: Option<(Option<Vec<u8>>,)> =
            sqlx::query_as("SELECT logo FROM business WHERE id = 1")
                .fetch_optional(&mut *conn)
                .await?;
        Ok(row.and_then(|(bytes,)| bytes))
    }

    pub async fn put(conn: &mut SqliteConnection, p: &BusinessProfile, now: &str) -> Result<()> {
        sqlx::query(
            "UPDATE business SET name = ?, address = ?, email = ?, phone = ?, tax_id = ?, currency = ?,
                    time_zone = ?, locale = ?, invoice_number_format = ?, payment_terms_days = ?,
                    invoice_terms = ?, save_cards_on_pay = ?, accent_color = ?, updated_at = ?
             WHERE id = 1",
        )
        .bind(&p.name)
        .bind(&p.address)
        .bind(&p.email)
        .bind(&p.phone)
        .bind(&p.tax_id)
        .bind(p.currency.code())
        .bind(&p.time_zone)
        .bind(&p.locale)
        .bind(&p.invoice_number_format)
        .bind(i64::from(p.payment_terms_days))
        .bind(&p.invoice_terms)
        .bind(p.save_cards_on_pay)
        .bind(&p.accent_color)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

impl Paydesk {
    pub async fn business(&self) -> Result<BusinessProfile> {
        let mut conn = self.db.pool().acquire().await?;
        store::get(&mut conn).await
    }

    pub async fn update_business(&self, update: BusinessUpdate) -> Result<BusinessProfile> {
        let mut tx = self.db.write().await?;
        let current = store::get(&mut tx).await?;
        let updated = apply(current, update)?;
        store::put(&mut tx, &updated, &instant_text(self.now())).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Sets the logo printed on invoices: a PNG or JPEG of at most 1 MiB.
    pub async fn set_logo(&self, bytes: &[u8]) -> Result<()> {
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(Error::invalid(
                "logo",
                "The logo is larger than 1 MB. Save a smaller PNG or JPEG and try again.",
            ));
        }
        let mime = logo_mime(bytes)
            .ok_or_else(|| Error::invalid("logo", "The logo must be a PNG or JPEG image."))?;
        sqlx::query("UPDATE business SET logo = ?, logo_mime = ?, updated_at = ? WHERE id = 1")
            .bind(bytes)
            .bind(mime)
            .bind(instant_text(self.now()))
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// The logo's bytes and MIME type, if one is set.
    pub async fn logo(&self) -> Result<Option<(Vec<u8>, String)>> {
        let row: Option<(Option<Vec<u8>>, Option<String>)> =
            sqlx::query_as("SELECT logo, logo_mime FROM business WHERE id = 1")
                .fetch_optional(self.db.pool())
                .await?;
        Ok(match row {
            Some((Some(bytes), Some(mime))) => Some((bytes, mime)),
            _ => None,
        })
    }

    pub async fn remove_logo(&self) -> Result<()> {
        sqlx::query(
            "UPDATE business SET logo = NULL, logo_mime = NULL, updated_at = ? WHERE id = 1",
        )
        .bind(instant_text(self.now()))
        .execute(self.db.pool())
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_of_the_usual_shape_pass() {
        for ok in ["en-US", "fr-FR", "ja", "sr-Latn-RS"] {
            assert!(validate_locale(ok).is_ok(), "{ok}");
        }
        for bad in ["", "english", "EN-us-", "e"] {
            assert!(validate_locale(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn logos_are_recognised_by_their_bytes() {
        assert_eq!(logo_mime(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(logo_mime(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(logo_mime(b"GIF89a"), None);
    }
}
