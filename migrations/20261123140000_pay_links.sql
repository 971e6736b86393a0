-- Pay links: the Stripe Payment Link an invoice's PDF and email point at.
--
-- A row is written *before* Stripe is asked to create the link, with the idempotency key the request
-- will carry, so a retry — even after a crash — sends the same key and can never create a second
-- link. A link's amount can't change at Stripe, so a new balance means a new row (and the old link
-- deactivated first, so a client never holds two live links for one invoice).
--
-- state: creating    → row written, Stripe not yet confirmed (retry with the same key)
--        active      → live at Stripe, url known
--        retiring    → Paydesk decided to deactivate it; Stripe not yet confirmed
--        deactivated → switched off at Stripe (balance changed, invoice voided)
--        used        → paid: Stripe deactivated it after its one completed payment
CREATE TABLE pay_links (
    id             INTEGER PRIMARY KEY,
    invoice_id     INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    mode           TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    currency       TEXT NOT NULL,
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    create_key     TEXT NOT NULL UNIQUE REFERENCES stripe_idempotency_keys (key),
    -- the create request's form body exactly as first sent: a retry must repeat it byte for byte,
    -- or Stripe refuses the reused key (and the invoice may have changed since, e.g. got a number)
    create_body    TEXT NOT NULL,
    retire_key     TEXT REFERENCES stripe_idempotency_keys (key),
    state          TEXT NOT NULL
                   CHECK (state IN ('creating', 'active', 'retiring', 'deactivated', 'used')),
    stripe_id      TEXT UNIQUE,
    url            TEXT,
    -- why the last Stripe call about this link failed, in the owner's words; cleared on success
    last_error     TEXT,
    created_at     TEXT NOT NULL,
    activated_at   TEXT,
    retired_at     TEXT,
    CHECK (state = 'creating' OR (stripe_id IS NOT NULL AND url IS NOT NULL))
);
CREATE INDEX pay_links_invoice ON pay_links (invoice_id);
-- At most one link in the making or live per invoice: two front ends syncing at once can't both
-- create one.
CREATE UNIQUE INDEX pay_links_one_current ON pay_links (invoice_id)
    WHERE state IN ('creating', 'active');

-- Whether a client paying a link may keep their card on file for later charges (off-session).
ALTER TABLE business ADD COLUMN save_cards_on_pay INTEGER NOT NULL DEFAULT 0
    CHECK (save_cards_on_pay IN (0, 1));
