-- Charging a client's saved card from Paydesk (off-session). The row, its idempotency key and the
-- exact request body are written before Stripe is asked; a retry (a timeout, a restart after a
-- crash, the next sync pass, a second click) sends the same body with the same key, so Stripe
-- answers with the PaymentIntent it already made and the client is charged once.
CREATE TABLE card_charges (
    id             INTEGER PRIMARY KEY,
    mode           TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    invoice_id     INTEGER NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    card           TEXT NOT NULL,              -- pm_…
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    currency       TEXT NOT NULL,
    create_key     TEXT NOT NULL UNIQUE REFERENCES stripe_idempotency_keys (key),
    create_body    TEXT NOT NULL,
    status         TEXT NOT NULL
                   CHECK (status IN ('creating', 'processing', 'succeeded', 'failed')),
    payment_intent TEXT,
    -- Stripe's code (decline code first) and the reason in the owner's words
    failure_code   TEXT,
    failure        TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX card_charges_invoice ON card_charges (invoice_id);
