-- "Save your card" requests: a Stripe customer for the client (made once, if none) and a Checkout
-- Session in setup mode, both written here with their idempotency keys and bodies before Stripe
-- is asked, so a retry or a crash never makes a second customer or session.
CREATE TABLE card_requests (
    id            INTEGER PRIMARY KEY,
    mode          TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    client_id     INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    customer_key  TEXT UNIQUE REFERENCES stripe_idempotency_keys (key),
    customer_body TEXT,
    customer      TEXT,                        -- cus_… once known
    session_key   TEXT NOT NULL UNIQUE REFERENCES stripe_idempotency_keys (key),
    session_body  TEXT,                        -- written once the customer is known
    session_id    TEXT,                        -- cs_…
    url           TEXT,
    status        TEXT NOT NULL CHECK (status IN ('creating', 'open', 'complete')),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX card_requests_client ON card_requests (client_id);
CREATE INDEX card_requests_session ON card_requests (session_id);
