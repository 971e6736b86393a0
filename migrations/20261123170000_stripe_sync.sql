-- Getting paid without webhooks: what the events poller learned from Stripe.
--
-- Stripe is the truth about money that moved through it; these tables hold the *current* state of
-- each Stripe object Paydesk cares about, as last fetched. Applying an event re-fetches its object
-- and writes it here, in one transaction with the `stripe_events` row, so an event is applied once.

-- Every event Paydesk applied, kept after Stripe's 30 days: the local audit log of what Stripe said.
CREATE TABLE stripe_events (
    id          TEXT PRIMARY KEY,              -- evt_…
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    type        TEXT NOT NULL,
    created     INTEGER NOT NULL,              -- Stripe's Unix seconds
    object_id   TEXT NOT NULL,
    applied_at  TEXT NOT NULL,
    -- what Paydesk did about it, in words ("Payment of €120.00 on INV-2026-0042")
    outcome     TEXT NOT NULL,
    payload     TEXT NOT NULL                  -- the event as Stripe sent it
);
CREATE INDEX stripe_events_created ON stripe_events (mode, created);

-- One row per mode: how far the poller got and how it is doing.
CREATE TABLE stripe_sync_state (
    mode             TEXT PRIMARY KEY CHECK (mode IN ('test', 'live')),
    -- the largest `created` of an applied event; the next pass lists from this minus an overlap
    watermark        INTEGER,
    last_pass_at     TEXT,
    last_success_at  TEXT,
    last_error       TEXT,
    last_error_code  TEXT,
    -- when the open pay links' Checkout Sessions were last checked directly
    last_sweep_at    TEXT,
    -- Stripe reads counted per day (the business's read allowance is finite)
    reads_day        TEXT,
    reads            INTEGER NOT NULL DEFAULT 0,
    -- while catching up after time offline: what has been done so far, for the owner
    catch_up         TEXT
);

-- Payments taken through Stripe (a pay link, a saved card), by PaymentIntent.
-- A succeeded one has its `payments` row; one that matches no invoice waits for the owner to
-- assign it (invoice_id NULL).
CREATE TABLE stripe_payments (
    id                  INTEGER PRIMARY KEY,
    mode                TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    payment_intent      TEXT NOT NULL UNIQUE,
    checkout_session    TEXT,
    payment_link        TEXT,
    invoice_id          INTEGER REFERENCES invoices (id) ON DELETE RESTRICT,
    payment_id          INTEGER UNIQUE REFERENCES payments (id) ON DELETE RESTRICT,
    status              TEXT NOT NULL
                        CHECK (status IN ('processing', 'succeeded', 'failed', 'canceled')),
    amount_minor        INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    fee_minor           INTEGER,
    net_minor           INTEGER,
    method_type         TEXT NOT NULL DEFAULT '',
    card_brand          TEXT,
    card_last4          TEXT,
    receipt_url         TEXT,
    charge_id           TEXT,
    balance_transaction TEXT,
    customer            TEXT,
    client_name         TEXT NOT NULL DEFAULT '',
    failure_message     TEXT,
    -- why it was left unassigned, in words
    unmatched_reason    TEXT,
    stripe_created      INTEGER NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX stripe_payments_invoice ON stripe_payments (invoice_id);
CREATE INDEX stripe_payments_charge ON stripe_payments (charge_id);

-- Refunds at Stripe, made in Paydesk or in the Dashboard. One made in Paydesk is written first
-- (state 'creating', with its idempotency key and exact request body), then sent.
CREATE TABLE stripe_refunds (
    id                  INTEGER PRIMARY KEY,
    mode                TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    stripe_id           TEXT UNIQUE,            -- re_…; NULL until Stripe answered
    create_key          TEXT UNIQUE REFERENCES stripe_idempotency_keys (key),
    create_body         TEXT,
    stripe_payment_id   INTEGER NOT NULL REFERENCES stripe_payments (id) ON DELETE RESTRICT,
    refund_id           INTEGER UNIQUE REFERENCES refunds (id) ON DELETE SET NULL,
    status              TEXT NOT NULL
                        CHECK (status IN ('creating', 'pending', 'succeeded', 'failed', 'canceled')),
    amount_minor        INTEGER NOT NULL CHECK (amount_minor > 0),
    currency            TEXT NOT NULL,
    reason              TEXT NOT NULL DEFAULT '',
    failure_message     TEXT,
    balance_transaction TEXT,
    stripe_created      INTEGER,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE stripe_disputes (
    id                  TEXT PRIMARY KEY,       -- dp_…
    mode                TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    stripe_payment_id   INTEGER REFERENCES stripe_payments (id) ON DELETE RESTRICT,
    charge_id           TEXT NOT NULL,
    amount_minor        INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    status              TEXT NOT NULL,
    reason              TEXT NOT NULL DEFAULT '',
    funds_withdrawn     INTEGER NOT NULL DEFAULT 0 CHECK (funds_withdrawn IN (0, 1)),
    stripe_created      INTEGER NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE stripe_payouts (
    id                  TEXT PRIMARY KEY,       -- po_…
    mode                TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    amount_minor        INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    status              TEXT NOT NULL,
    arrival_date        INTEGER NOT NULL,
    failure_message     TEXT,
    -- whether its balance transactions have been fetched (after Stripe reconciled it)
    reconciled          INTEGER NOT NULL DEFAULT 0 CHECK (reconciled IN (0, 1)),
    stripe_created      INTEGER NOT NULL,
    updated_at          TEXT NOT NULL
);

-- Every movement of the Stripe balance Paydesk has seen: payments, refunds, fees, dispute
-- adjustments, payouts. What the bookkeeper's reports tie out with.
CREATE TABLE stripe_balance_transactions (
    id                  TEXT PRIMARY KEY,       -- txn_…
    mode                TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    type                TEXT NOT NULL,
    reporting_category  TEXT NOT NULL DEFAULT '',
    source              TEXT,
    amount_minor        INTEGER NOT NULL,
    fee_minor           INTEGER NOT NULL,
    net_minor           INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    stripe_created      INTEGER NOT NULL,
    available_on        INTEGER NOT NULL,
    payout_id           TEXT
);
CREATE INDEX stripe_balance_transactions_payout ON stripe_balance_transactions (payout_id);
CREATE INDEX stripe_balance_transactions_created ON stripe_balance_transactions (mode, stripe_created);

-- A client's Stripe customer, and the cards saved on it (summary only: brand, last 4, expiry).
CREATE TABLE stripe_customers (
    id          TEXT PRIMARY KEY,               -- cus_…
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    client_id   INTEGER REFERENCES clients (id) ON DELETE SET NULL,
    email       TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT '',
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    updated_at  TEXT NOT NULL
);
CREATE INDEX stripe_customers_client ON stripe_customers (client_id);

CREATE TABLE saved_cards (
    id          TEXT PRIMARY KEY,               -- pm_…
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    customer    TEXT NOT NULL,
    brand       TEXT NOT NULL,
    last4       TEXT NOT NULL,
    exp_month   INTEGER NOT NULL,
    exp_year    INTEGER NOT NULL,
    detached    INTEGER NOT NULL DEFAULT 0 CHECK (detached IN (0, 1)),
    updated_at  TEXT NOT NULL
);
CREATE INDEX saved_cards_customer ON saved_cards (customer);

-- What happened, for the owner: the in-app activity feed and the OS notifications.
CREATE TABLE activity (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    mode        TEXT CHECK (mode IN ('test', 'live')),
    invoice_id  INTEGER REFERENCES invoices (id) ON DELETE SET NULL,
    message     TEXT NOT NULL,
    -- the front end showed it as an OS notification
    notified    INTEGER NOT NULL DEFAULT 0 CHECK (notified IN (0, 1)),
    seen        INTEGER NOT NULL DEFAULT 0 CHECK (seen IN (0, 1))
);
CREATE INDEX activity_at ON activity (at);
