//! In-memory state: one world of objects per mode, plus keys, account, faults, counters.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use crate::auth::{KeyInfo, Mode};
use crate::clock::Clock;
use crate::events::EventRec;
use crate::faults::FaultState;
use crate::idempotency::IdemEntry;

/// Objects of one mode (test or live).
#[derive(Default)]
pub struct World {
    objects: HashMap<&'static str, Vec<Value>>,
    pub events: Vec<EventRec>,
    pub idem: HashMap<String, IdemEntry>,
    /// Payment link id → its line items (`item` objects).
    pub line_items: HashMap<String, Vec<Value>>,
    /// Payout id → the balance transactions it paid out (including its own).
    pub payout_txns: HashMap<String, Vec<String>>,
    /// Checkout Session id → settings used when it is paid (`payment_intent_data`, `setup_intent_data`).
    pub session_data: HashMap<String, Value>,
    /// Deleted objects' stubs (`{"id","object","deleted":true}`), by id.
    pub tombstones: HashMap<String, Value>,
}

impl World {
    pub fn insert(&mut self, kind: &'static str, v: Value) {
        self.objects.entry(kind).or_default().push(v);
    }

    pub fn get(&self, kind: &str, id: &str) -> Option<&Value> {
        self.objects.get(kind)?.iter().find(|v| v["id"] == id)
    }

    pub fn get_mut(&mut self, kind: &str, id: &str) -> Option<&mut Value> {
        self.objects
            .get_mut(kind)?
            .iter_mut()
            .find(|v| v["id"] == id)
    }

    pub fn remove(&mut self, kind: &str, id: &str) -> Option<Value> {
        let list = self.objects.get_mut(kind)?;
        let pos = list.iter().position(|v| v["id"] == id)?;
        Some(list.remove(pos))
    }

    /// All objects of a kind, in insertion order.
    pub fn all(&self, kind: &str) -> &[Value] {
        self.objects.get(kind).map_or(&[], Vec::as_slice)
    }
}

/// Everything behind the lock.
pub struct Inner {
    pub test: World,
    pub live: World,
    pub keys: HashMap<String, KeyInfo>,
    pub account: Value,
    pub faults: FaultState,
    pub counts: HashMap<String, u64>,
    pub api_version: String,
}

impl Inner {
    pub fn world(&mut self, mode: Mode) -> &mut World {
        match mode {
            Mode::Test => &mut self.test,
            Mode::Live => &mut self.live,
        }
    }
}

/// State shared by the server tasks and the [`crate::Simulator`] handle.
pub struct Shared {
    pub inner: Mutex<Inner>,
    pub clock: Clock,
    pub base_url: String,
    pub account_id: String,
    pub secret_test: String,
    pub secret_live: String,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
