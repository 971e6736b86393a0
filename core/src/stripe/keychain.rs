//! Where Stripe keys live: the computer's own keychain, never Paydesk's database, logs or errors.
//!
//! On Linux two stores exist. The Secret Service (GNOME Keyring, KWallet) is what a desktop session
//! has: it survives reboots and the owner can see the item in "Passwords and Keys". The kernel's
//! keyutils store needs no desktop but forgets everything at reboot, so it is only for headless runs
//! (CI). keyring 3.6 built with both features picks the Secret Service by default; we choose per
//! entry instead of through keyring's process-wide default, so nothing else in the process is changed:
//! `PAYDESK_KEYCHAIN=keyutils` selects the kernel store, anything else (or nothing) the Secret Service.
//!
//! Entries are namespaced per build so a development build can never read or overwrite the real
//! shop's key: service `paydesk` in release builds, `paydesk-dev` in debug builds, or whatever
//! `PAYDESK_KEYCHAIN_SERVICE` says (tests use a unique one each). The user is `stripe-test` or
//! `stripe-live`.
//!
//! keyring's calls block (D-Bus round trips), so they run on tokio's blocking pool.

use keyring::Entry;

use super::key::StripeMode;
use super::secret::Secret;
use crate::error::{Error, Result};

pub const SERVICE_ENV: &str = "PAYDESK_KEYCHAIN_SERVICE";
pub const STORE_ENV: &str = "PAYDESK_KEYCHAIN";

#[cfg(debug_assertions)]
pub const DEFAULT_SERVICE: &str = "paydesk-dev";
#[cfg(not(debug_assertions))]
pub const DEFAULT_SERVICE: &str = "paydesk";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    SecretService,
    Keyutils,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keychain {
    service: String,
    store: Store,
}

impl Keychain {
    pub fn new(service: impl Into<String>, store: Store) -> Keychain {
        Keychain {
            service: service.into(),
            store,
        }
    }

    /// The keychain this build uses, as the environment configures it.
    pub fn from_env() -> Keychain {
        let service = std::env::var(SERVICE_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_SERVICE.to_string());
        let store = match std::env::var(STORE_ENV).as_deref() {
            Ok("keyutils") => Store::Keyutils,
            _ => Store::SecretService,
        };
        Keychain::new(service, store)
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    pub fn store(&self) -> Store {
        self.store
    }

    /// The entry's user name for a mode: `stripe-test` or `stripe-live`.
    pub fn user(mode: StripeMode) -> String {
        format!("stripe-{}", mode.as_str())
    }

    pub async fn save(&self, mode: StripeMode, key: &Secret) -> Result<()> {
        let key = key.clone();
        self.blocking(mode, move |entry| entry.set_password(key.expose()))
            .await
    }

    /// The stored key, or `None` when there is none for this mode.
    pub async fn load(&self, mode: StripeMode) -> Result<Option<Secret>> {
        match self.blocking(mode, |entry| entry.get_password()).await {
            Ok(key) => Ok(Some(Secret::new(key))),
            Err(Error::Keychain { missing: true, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes the key; removing one that isn't there is fine.
    pub async fn delete(&self, mode: StripeMode) -> Result<()> {
        match self.blocking(mode, |entry| entry.delete_credential()).await {
            Err(Error::Keychain { missing: true, .. }) => Ok(()),
            other => other,
        }
    }

    fn entry(&self, mode: StripeMode) -> keyring::Result<Entry> {
        let user = Keychain::user(mode);
        Ok(match self.store {
            Store::SecretService => Entry::new_with_credential(Box::new(
                keyring::secret_service::SsCredential::new_with_target(None, &self.service, &user)?,
            )),
            Store::Keyutils => Entry::new_with_credential(Box::new(
                keyring::keyutils::KeyutilsCredential::new_with_target(None, &self.service, &user)?,
            )),
        })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        mode: StripeMode,
        op: impl FnOnce(&Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.entry(mode).and_then(|entry| op(&entry)))
            .await
            .map_err(|e| keychain_error(format!("the keychain call stopped ({e})"), false))?
            .map_err(map_error)
    }
}

fn keychain_error(detail: String, missing: bool) -> Error {
    Error::Keychain {
        message: if missing {
            "There is no Stripe key saved in this computer's keychain.".to_string()
        } else {
            format!(
                "Your computer's keychain is locked or unavailable, so Paydesk can't keep your Stripe \
                 key safe. Unlock the keychain (logging in to the desktop usually does it) and try \
                 again. ({detail})"
            )
        },
        missing,
    }
}

/// keyring's errors carry the platform's error text, never the password (the one variant that
/// holds secret bytes, `BadEncoding`, is reported without them).
fn map_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoEntry => keychain_error(String::new(), true),
        keyring::Error::NoStorageAccess(inner) => {
            keychain_error(format!("no access: {inner}"), false)
        }
        keyring::Error::PlatformFailure(inner) => keychain_error(inner.to_string(), false),
        keyring::Error::BadEncoding(_) => {
            keychain_error("the saved key isn't readable text".into(), false)
        }
        other => keychain_error(other.to_string(), false),
    }
}
