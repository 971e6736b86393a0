-- Stripe connections. The keys themselves live in the computer's keychain, never in this file.

-- One row per mode: the Stripe account a key of that mode reaches, as Stripe described it when it
-- was connected or last refreshed. Test and live are separate worlds and stay separate rows.
CREATE TABLE stripe_accounts (
    mode             TEXT PRIMARY KEY CHECK (mode IN ('test', 'live')),
    account_id       TEXT NOT NULL,
    key_kind         TEXT NOT NULL CHECK (key_kind IN ('secret', 'restricted')),
    key_last4        TEXT NOT NULL,
    account_name     TEXT NOT NULL DEFAULT '',
    country          TEXT NOT NULL DEFAULT '',
    default_currency TEXT NOT NULL DEFAULT '',
    charges_enabled  INTEGER NOT NULL CHECK (charges_enabled IN (0, 1)),
    payouts_enabled  INTEGER NOT NULL CHECK (payouts_enabled IN (0, 1)),
    -- JSON {"currently_due": [...], "past_due": [...]}: what Stripe still needs from the owner
    requirements     TEXT NOT NULL DEFAULT '{"currently_due":[],"past_due":[]}',
    connected_at     TEXT NOT NULL,
    refreshed_at     TEXT NOT NULL
);

-- Idempotency keys of Stripe writes, recorded *before* the request is sent, so a retry (even after
-- a crash and restart) sends the same key and Stripe answers with the first result instead of
-- acting twice. Stripe keeps a key 24 hours at least.
CREATE TABLE stripe_idempotency_keys (
    key        TEXT PRIMARY KEY,
    mode       TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    purpose    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
