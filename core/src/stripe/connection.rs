//! Connecting a Stripe account: the owner pastes a key; Paydesk asks Stripe whose account it opens,
//! checks a restricted key has every permission Paydesk uses, and only when all of that worked keeps
//! the key (keychain) and what Stripe said about the account (database). A failed check stores
//! nothing, so there is never a half-connected state to explain.

use chrono::{DateTime, Utc};
use hyper::Method;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::client::{Repeat, StripeClient, StripeSettings};
use super::errors::{MissingPermission, StripeError};
use super::key::{self, KeyKind, ParsedKey, StripeMode};
use super::IdempotencyKey;
use crate::db::{instant_col, instant_text};
use crate::error::{Error, Result};
use crate::Paydesk;

/// What Stripe still needs from the owner before it pays out or keeps taking payments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Requirements {
    #[serde(default)]
    pub currently_due: Vec<String>,
    #[serde(default)]
    pub past_due: Vec<String>,
}

/// A connected Stripe account in one mode, as stored. The key is not part of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StripeConnection {
    pub mode: StripeMode,
    pub account_id: String,
    pub key_kind: KeyKind,
    /// The key's last four characters, to match it against the Dashboard's list.
    pub key_last4: String,
    pub account_name: String,
    pub country: String,
    /// Lower-case ISO code as Stripe gives it (`eur`), or empty when Stripe didn't say.
    pub default_currency: String,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub requirements: Requirements,
    pub connected_at: DateTime<Utc>,
    pub refreshed_at: DateTime<Utc>,
}

/// The answer to a successful connect.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Connected {
    pub connection: StripeConnection,
    /// Spaces or line breaks around the pasted key were removed ("we removed spaces around the key").
    pub key_was_trimmed: bool,
}

/// Both modes at once; `None` where that mode isn't connected.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StripeStatus {
    pub test: Option<StripeConnection>,
    pub live: Option<StripeConnection>,
    /// The mode new Stripe work uses (see `active_mode`); `None` when nothing is connected.
    pub active: Option<StripeMode>,
}

/// One permission Paydesk uses, and a request that shows whether a restricted key has it without
/// changing anything. Stripe checks permissions before parameters, so: 403 = missing; 400 or 404 =
/// allowed. Writes POST to a collection whose required parameters are absent (400), or, where an
/// empty POST would create something (customers, SetupIntents, and Checkout Sessions whose required
/// fields vary by API version), update an object that doesn't exist (404).
struct Probe {
    label: &'static str,
    method: Method,
    path: &'static str,
}

const fn read(label: &'static str, path: &'static str) -> Probe {
    Probe {
        label,
        method: Method::GET,
        path,
    }
}

const fn write(label: &'static str, path: &'static str) -> Probe {
    Probe {
        label,
        method: Method::POST,
        path,
    }
}

fn probes() -> Vec<Probe> {
    vec![
        write(
            "Checkout Sessions (write)",
            "/checkout/sessions/cs_paydesk_permission_check",
        ),
        write("Payment Links (write)", "/payment_links"),
        write("PaymentIntents (write)", "/payment_intents"),
        write(
            "SetupIntents (write)",
            "/setup_intents/seti_paydesk_permission_check",
        ),
        write(
            "Customers (write)",
            "/customers/cus_paydesk_permission_check",
        ),
        write("PaymentMethods (write)", "/payment_methods"),
        write("Products (write)", "/products"),
        write("Prices (write)", "/prices"),
        write("Refunds (write)", "/refunds"),
        read("Events (read)", "/events"),
        read("Disputes (read)", "/disputes"),
        read("Balance (read)", "/balance"),
        read("Balance transactions (read)", "/balance_transactions"),
        read("Payouts (read)", "/payouts"),
    ]
}

/// Paydesk's Stripe use cases, for one set of settings. Get one with [`Paydesk::stripe`].
#[derive(Clone)]
pub struct Stripe {
    app: Paydesk,
    settings: StripeSettings,
}

impl Paydesk {
    /// Stripe, configured from the environment (`PAYDESK_STRIPE_API_BASE`, `PAYDESK_KEYCHAIN…`).
    pub fn stripe(&self) -> Stripe {
        self.stripe_with(StripeSettings::from_env())
    }

    pub fn stripe_with(&self, settings: StripeSettings) -> Stripe {
        Stripe {
            app: self.clone(),
            settings,
        }
    }
}

impl Stripe {
    pub(crate) fn app(&self) -> &Paydesk {
        &self.app
    }

    pub fn settings(&self) -> &StripeSettings {
        &self.settings
    }

    /// Checks the pasted key with Stripe and, only if every check passes, keeps it. `mode` is the
    /// mode the owner meant (the key must match it); `None` takes the key's own mode.
    pub async fn connect(&self, pasted: &str, mode: Option<StripeMode>) -> Result<Connected> {
        let key = key::parse(pasted)?;
        if let Some(wanted) = mode.filter(|m| *m != key.mode) {
            return Err(StripeError::WrongMode {
                key_mode: key.mode,
                wanted,
            }
            .into());
        }
        let client = StripeClient::new(key.secret.clone(), key.mode, &self.settings)?;
        let account = fetch_account(&client).await?;
        if key.kind == KeyKind::Restricted {
            check_permissions(&client).await?;
        }

        let keychain = &self.settings.keychain;
        let previous = keychain.load(key.mode).await?;
        keychain.save(key.mode, &key.secret).await?;
        let now = self.app.now();
        let connection = account.into_connection(&key, now, now);
        if let Err(e) = store::upsert(&self.app, &connection).await {
            // A failed connect changes nothing, even when the database is what failed: put back
            // the key the still-stored row belongs to, or remove the new one.
            let _ = match previous {
                Some(old) => keychain.save(key.mode, &old).await,
                None => keychain.delete(key.mode).await,
            };
            return Err(e);
        }
        Ok(Connected {
            connection,
            key_was_trimmed: key.trimmed,
        })
    }

    /// Both modes as last seen. Makes no request to Stripe.
    pub async fn status(&self) -> Result<StripeStatus> {
        Ok(StripeStatus {
            test: store::get(&self.app, StripeMode::Test).await?,
            live: store::get(&self.app, StripeMode::Live).await?,
            active: self.active_mode().await?,
        })
    }

    pub async fn connection(&self, mode: StripeMode) -> Result<Option<StripeConnection>> {
        store::get(&self.app, mode).await
    }

    /// Asks Stripe again about the connected account (payouts enabled yet? anything due?).
    pub async fn refresh(&self, mode: StripeMode) -> Result<StripeConnection> {
        let old = store::get(&self.app, mode)
            .await?
            .ok_or(StripeError::NotConnected { mode })?;
        let client = self.client(mode).await?;
        let account = fetch_account(&client).await?;
        if account.id != old.account_id {
            return Err(Error::conflict(format!(
                "The saved {} key now opens a different Stripe account ({} instead of {}). \
                 Disconnect and connect again.",
                mode.as_str(),
                account.id,
                old.account_id
            )));
        }
        let connection = account.into_connection_parts(
            mode,
            old.key_kind,
            &old.key_last4,
            old.connected_at,
            self.app.now(),
        );
        store::upsert(&self.app, &connection).await?;
        Ok(connection)
    }

    /// Forgets the key and the account row of one mode. Returns false when it wasn't connected.
    /// Payments and other history recorded from Stripe stay.
    pub async fn disconnect(&self, mode: StripeMode) -> Result<bool> {
        let connected = store::get(&self.app, mode).await?.is_some();
        match self.settings.keychain.delete(mode).await {
            Ok(()) => {}
            // Nothing connected: a keychain that can't be opened holds nothing of ours to remove.
            Err(Error::Keychain { .. }) if !connected => return Ok(false),
            Err(e) => return Err(e),
        }
        let removed = sqlx::query("DELETE FROM stripe_accounts WHERE mode = ?")
            .bind(mode.as_str())
            .execute(self.app.db.pool())
            .await?
            .rows_affected();
        Ok(removed > 0)
    }

    /// A client with the saved key of `mode`.
    pub async fn client(&self, mode: StripeMode) -> Result<StripeClient> {
        let secret = self
            .settings
            .keychain
            .load(mode)
            .await?
            .ok_or(StripeError::NotConnected { mode })?;
        Ok(StripeClient::new(secret, mode, &self.settings)?)
    }

    /// A fresh idempotency key for a write, recorded locally before the request is sent. Keep the
    /// returned key with the local record of the write and reuse it for every retry.
    pub async fn new_write_key(&self, mode: StripeMode, purpose: &str) -> Result<IdempotencyKey> {
        let mut conn = self.app.db.pool().acquire().await?;
        record_write_key(&mut conn, mode, purpose, self.app.now()).await
    }
}

/// Makes and records an idempotency key on `conn` — inside the caller's transaction when the key
/// must be written together with the record of the write it belongs to.
pub(crate) async fn record_write_key(
    conn: &mut sqlx::SqliteConnection,
    mode: StripeMode,
    purpose: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<IdempotencyKey> {
    let text = format!(
        "paydesk-{}-{:016x}{:016x}",
        mode.as_str(),
        fastrand::u64(..),
        fastrand::u64(..)
    );
    sqlx::query(
        "INSERT INTO stripe_idempotency_keys (key, mode, purpose, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(&text)
    .bind(mode.as_str())
    .bind(purpose)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    IdempotencyKey::new(&text)
        .map_err(|e| Error::from(StripeError::Config(format!("idempotency key: {e}"))))
}

/// The parts of `GET /v1/account` Paydesk shows. Read loosely (every field optional) rather than
/// with async-stripe's strict `Account` type, so an answer shaped by another API version, or a
/// stand-in's trimmed one, still connects.
#[derive(Debug, Default, Deserialize)]
struct Account {
    id: String,
    #[serde(default)]
    business_profile: Option<BusinessProfile>,
    #[serde(default)]
    settings: Option<serde_json::Value>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    default_currency: Option<String>,
    #[serde(default)]
    charges_enabled: bool,
    #[serde(default)]
    payouts_enabled: bool,
    #[serde(default)]
    requirements: Option<Requirements>,
}

#[derive(Debug, Default, Deserialize)]
struct BusinessProfile {
    #[serde(default)]
    name: Option<String>,
}

impl Account {
    fn name(&self) -> String {
        let display_name = self
            .settings
            .as_ref()
            .and_then(|s| s.pointer("/dashboard/display_name"))
            .and_then(|v| v.as_str())
            .map(str::to_string);
        self.business_profile
            .as_ref()
            .and_then(|b| b.name.clone())
            .or(display_name)
            .or_else(|| self.email.clone())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_default()
    }

    fn into_connection(
        self,
        key: &ParsedKey,
        connected_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StripeConnection {
        self.into_connection_parts(key.mode, key.kind, &key.last4, connected_at, now)
    }

    fn into_connection_parts(
        self,
        mode: StripeMode,
        key_kind: KeyKind,
        key_last4: &str,
        connected_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StripeConnection {
        StripeConnection {
            account_name: self.name(),
            mode,
            key_kind,
            key_last4: key_last4.to_string(),
            account_id: self.id,
            country: self.country.unwrap_or_default(),
            default_currency: self.default_currency.unwrap_or_default(),
            charges_enabled: self.charges_enabled,
            payouts_enabled: self.payouts_enabled,
            requirements: self.requirements.unwrap_or_default(),
            connected_at,
            refreshed_at: now,
        }
    }
}

async fn fetch_account(client: &StripeClient) -> Result<Account> {
    let value = client
        .json(
            Method::GET,
            "/account",
            None,
            Repeat::Safe,
            "Account details (read)",
        )
        .await?;
    let account: Account = serde_json::from_value(value).map_err(|e| StripeError::BadResponse {
        detail: format!("account: {e}"),
    })?;
    if account.id.is_empty() {
        return Err(StripeError::BadResponse {
            detail: "the account has no id".into(),
        }
        .into());
    }
    Ok(account)
}

/// Runs every probe and fails with the full list of missing permissions, so the owner fixes the key
/// in one visit to the Dashboard.
async fn check_permissions(client: &StripeClient) -> Result<()> {
    let mut missing: Vec<MissingPermission> = Vec::new();
    for probe in probes() {
        let query = (probe.method == Method::GET && probe.path != "/balance").then_some("limit=1");
        let response = client
            .request(probe.method.clone(), probe.path, query, None, Repeat::Safe)
            .await?;
        match response.status {
            200..=299 | 400 | 404 => {}
            _ => match StripeError::from_response(response.status, &response.body, probe.label) {
                StripeError::Permission { missing: found } => missing.extend(found),
                other => return Err(other.into()),
            },
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(StripeError::Permission { missing }.into())
    }
}

mod store {
    use super::*;

    pub async fn upsert(app: &Paydesk, c: &StripeConnection) -> Result<()> {
        let requirements = serde_json::to_string(&c.requirements).unwrap_or_else(|_| "{}".into());
        sqlx::query(
            "INSERT INTO stripe_accounts (mode, account_id, key_kind, key_last4, account_name, country,
                 default_currency, charges_enabled, payouts_enabled, requirements, connected_at, refreshed_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (mode) DO UPDATE SET
                 account_id = excluded.account_id, key_kind = excluded.key_kind,
                 key_last4 = excluded.key_last4, account_name = excluded.account_name,
                 country = excluded.country, default_currency = excluded.default_currency,
                 charges_enabled = excluded.charges_enabled, payouts_enabled = excluded.payouts_enabled,
                 requirements = excluded.requirements, connected_at = excluded.connected_at,
                 refreshed_at = excluded.refreshed_at",
        )
        .bind(c.mode.as_str())
        .bind(&c.account_id)
        .bind(c.key_kind.as_str())
        .bind(&c.key_last4)
        .bind(&c.account_name)
        .bind(&c.country)
        .bind(&c.default_currency)
        .bind(c.charges_enabled)
        .bind(c.payouts_enabled)
        .bind(requirements)
        .bind(instant_text(c.connected_at))
        .bind(instant_text(c.refreshed_at))
        .execute(app.db.pool())
        .await?;
        Ok(())
    }

    pub async fn get(app: &Paydesk, mode: StripeMode) -> Result<Option<StripeConnection>> {
        let Some(row) = sqlx::query(
            "SELECT account_id, key_kind, key_last4, account_name, country, default_currency,
                    charges_enabled, payouts_enabled, requirements, connected_at, refreshed_at
             FROM stripe_accounts WHERE mode = ?",
        )
        .bind(mode.as_str())
        .fetch_optional(app.db.pool())
        .await?
        else {
            return Ok(None);
        };
        let kind: String = row.try_get("key_kind")?;
        let requirements: String = row.try_get("requirements")?;
        Ok(Some(StripeConnection {
            mode,
            account_id: row.try_get("account_id")?,
            key_kind: KeyKind::parse(&kind).ok_or_else(|| {
                Error::Database(sqlx::Error::Decode(
                    format!("column key_kind holds \"{kind}\"").into(),
                ))
            })?,
            key_last4: row.try_get("key_last4")?,
            account_name: row.try_get("account_name")?,
            country: row.try_get("country")?,
            default_currency: row.try_get("default_currency")?,
            charges_enabled: row.try_get("charges_enabled")?,
            payouts_enabled: row.try_get("payouts_enabled")?,
            requirements: serde_json::from_str(&requirements).unwrap_or_default(),
            connected_at: instant_col("connected_at", row.try_get("connected_at")?)?,
            refreshed_at: instant_col("refreshed_at", row.try_get("refreshed_at")?)?,
        }))
    }
}
