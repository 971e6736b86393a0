//! Where Paydesk's secrets live: the computer's own keychain, never Paydesk's database, logs or
//! errors. A secret is stored under a user name that says what it is: `stripe-test` / `stripe-live`
//! (Stripe keys, see `stripe::keychain`), `smtp-password` (the mail server's password),
//! `oauth-google` / `oauth-microsoft` (email sign-in tokens).
//!
//! On Linux two stores exist. The Secret Service (GNOME Keyring, KWallet) is what a desktop session
//! has: it survives reboots and the owner can see the item in "Passwords and Keys". The kernel's
//! keyutils store needs no desktop but forgets everything at reboot, so it is only for headless runs
//! (CI). keyring 3.6 built with both features picks the Secret Service by default; we choose per
//! entry instead of through keyring's process-wide default, so nothing else in the process is changed:
//! `PAYDESK_KEYCHAIN=keyutils` selects the kernel store, anything else (or nothing) the Secret Service.
//!
//! Entries are namespaced per build so a development build can never read or overwrite the real
//! shop's secrets: service `paydesk` in release builds, `paydesk-dev` in debug builds, or whatever
//! `PAYDESK_KEYCHAIN_SERVICE` says (tests use a unique one each).
//!
//! keyring's calls block (D-Bus round trips), so they run on tokio's blocking pool.

use keyring::Entry;

use crate::error::{Error, Result};
use crate::secret::Secret;

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

    /// Stores `secret` under `user`, replacing what was there.
    pub async fn save_secret(&self, user: &str, secret: &Secret) -> Result<()> {
        let secret = secret.clone();
        self.blocking(user, move |entry| entry.set_password(secret.expose()))
            .await
    }

    /// The secret stored under `user`, or `None` when there is none.
    pub async fn load_secret(&self, user: &str) -> Result<Option<Secret>> {
        match self.blocking(user, |entry| entry.get_password()).await {
            Ok(secret) => Ok(Some(Secret::new(secret))),
            Err(Error::Keychain { missing: true, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes the secret stored under `user`; removing one that isn't there is fine.
    pub async fn delete_secret(&self, user: &str) -> Result<()> {
        match self.blocking(user, |entry| entry.delete_credential()).await {
            Err(Error::Keychain { missing: true, .. }) => Ok(()),
            other => other,
        }
    }

    fn entry(&self, user: &str) -> keyring::Result<Entry> {
        Ok(match self.store {
            Store::SecretService => Entry::new_with_credential(Box::new(
                keyring::secret_service::SsCredential::new_with_target(None, &self.service, user)?,
            )),
            Store::Keyutils => Entry::new_with_credential(Box::new(
                keyring::keyutils::KeyutilsCredential::new_with_target(None, &self.service, user)?,
            )),
        })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        user: &str,
        op: impl FnOnce(&Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T> {
        let this = self.clone();
        let what = describe(user);
        let user = user.to_string();
        tokio::task::spawn_blocking(move || this.entry(&user).and_then(|entry| op(&entry)))
            .await
            .map_err(|e| keychain_error(what, format!("the keychain call stopped ({e})"), false))?
            .map_err(|e| map_error(what, e))
    }
}

/// What the secret under `user` is, in the owner's words, for messages about it.
fn describe(user: &str) -> &'static str {
    if user.starts_with("stripe-") {
        "Stripe key"
    } else if user.starts_with("smtp-") {
        "email password"
    } else if user.starts_with("oauth-") {
        "email sign-in"
    } else {
        "saved password"
    }
}

fn keychain_error(what: &str, detail: String, missing: bool) -> Error {
    Error::Keychain {
        message: if missing {
            format!("There is no {what} saved in this computer's keychain.")
        } else {
            format!(
                "Your computer's keychain is locked or unavailable, so Paydesk can't keep your {what} \
                 safe. Unlock the keychain (logging in to the desktop usually does it) and try \
                 again. ({detail})"
            )
        },
        missing,
    }
}

/// keyring's errors carry the platform's error text, never the password (the one variant that
/// holds secret bytes, `BadEncoding`, is reported without them).
fn map_error(what: &str, e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoEntry => keychain_error(what, String::new(), true),
        keyring::Error::NoStorageAccess(inner) => {
            keychain_error(what, format!("no access: {inner}"), false)
        }
        keyring::Error::PlatformFailure(inner) => keychain_error(what, inner.to_string(), false),
        keyring::Error::BadEncoding(_) => {
            keychain_error(what, format!("the saved {what} isn't readable text"), false)
        }
        other => keychain_error(what, other.to_string(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_secret_and_keep_the_stripe_wording() {
        let missing = |user| keychain_error(describe(user), String::new(), true).to_string();
        assert_eq!(
            missing("stripe-live"),
            "There is no Stripe key saved in this computer's keychain."
        );
        assert_eq!(
            missing("smtp-password"),
            "There is no email password saved in this computer's keychain."
        );
        let locked = keychain_error(describe("stripe-test"), "x".into(), false).to_string();
        assert!(
            locked.contains("can't keep your Stripe key safe."),
            "{locked}"
        );
    }
}
