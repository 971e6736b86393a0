//! What a resource handler sees: the world of its mode, the clock and the request's identity.

use serde_json::Value;

use crate::auth::Mode;
use crate::events::{self, Origin};
use crate::state::{Shared, World};

pub struct Ctx<'a> {
    pub world: &'a mut World,
    pub account: &'a mut Value,
    pub now: i64,
    pub mode: Mode,
    /// Empty for changes not caused by an API request (the pay page): events get `request.id: null`.
    pub request_id: &'a str,
    pub idem_key: Option<&'a str>,
    pub base_url: &'a str,
    pub api_version: &'a str,
}

impl Ctx<'_> {
    pub fn livemode(&self) -> bool {
        self.mode.livemode()
    }

    /// Records an event caused by this request.
    pub fn emit(&mut self, typ: &str, object: &Value, previous: Option<Value>) -> String {
        let origin = Origin {
            request_id: (!self.request_id.is_empty()).then_some(self.request_id),
            idempotency_key: self.idem_key,
            livemode: self.livemode(),
            api_version: self.api_version,
            now: self.now,
        };
        events::emit(self.world, &origin, typ, object, previous)
    }
}

impl Shared {
    /// Runs `f` on the world of `mode` outside any API request (events get `request.id: null`).
    pub fn with_ctx<R>(&self, mode: Mode, f: impl FnOnce(&mut Ctx<'_>) -> R) -> R {
        let mut guard = self.lock();
        let inner = &mut *guard;
        let api_version = inner.api_version.clone();
        let world = match mode {
            Mode::Test => &mut inner.test,
            Mode::Live => &mut inner.live,
        };
        let mut ctx = Ctx {
            world,
            account: &mut inner.account,
            now: self.clock.now(),
            mode,
            request_id: "",
            idem_key: None,
            base_url: &self.base_url,
            api_version: &api_version,
        };
        f(&mut ctx)
    }

    /// The mode whose world holds an object of `kind` with this id.
    pub fn mode_of(&self, kind: &str, id: &str) -> Option<Mode> {
        let inner = self.lock();
        if inner.test.get(kind, id).is_some() {
            Some(Mode::Test)
        } else if inner.live.get(kind, id).is_some() {
            Some(Mode::Live)
        } else {
            None
        }
    }
}
