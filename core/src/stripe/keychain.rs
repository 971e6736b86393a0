//! Stripe keys in the keychain: one entry per mode, user `stripe-test` or `stripe-live`. The keychain
//! itself (stores, service names, errors) is the crate's [`crate::keychain`], re-exported here so
//! `stripe::keychain::Keychain` keeps working.

pub use crate::keychain::{Keychain, Store, DEFAULT_SERVICE, SERVICE_ENV, STORE_ENV};

use super::key::StripeMode;
use crate::error::Result;
use crate::secret::Secret;

impl Keychain {
    /// The entry's user name for a mode: `stripe-test` or `stripe-live`.
    pub fn user(mode: StripeMode) -> String {
        format!("stripe-{}", mode.as_str())
    }

    pub async fn save(&self, mode: StripeMode, key: &Secret) -> Result<()> {
        self.save_secret(&Keychain::user(mode), key).await
    }

    /// The stored key, or `None` when there is none for this mode.
    pub async fn load(&self, mode: StripeMode) -> Result<Option<Secret>> {
        self.load_secret(&Keychain::user(mode)).await
    }

    /// Removes the key; removing one that isn't there is fine.
    pub async fn delete(&self, mode: StripeMode) -> Result<()> {
        self.delete_secret(&Keychain::user(mode)).await
    }
}
