-- Deposits, auto-charge and cancellation fees (issue 8).

-- The business's rules, one row. Amounts ("value") are exact decimal text: a percentage (10–100
-- for deposits, 1–100 for fees) or a fixed amount in the booking's currency.
CREATE TABLE booking_policy (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    deposit_kind        TEXT NOT NULL DEFAULT 'none' CHECK (deposit_kind IN ('none', 'percent', 'fixed')),
    deposit_value       TEXT NOT NULL DEFAULT '0',
    -- how long a booking waits for its deposit, and what happens to it then
    deposit_hold_hours  INTEGER NOT NULL DEFAULT 48 CHECK (deposit_hold_hours BETWEEN 1 AND 720),
    unpaid_deposit      TEXT NOT NULL DEFAULT 'release' CHECK (unpaid_deposit IN ('release', 'keep')),
    -- charge a saved card when an invoice is sent (clients may override)
    auto_charge         INTEGER NOT NULL DEFAULT 0 CHECK (auto_charge IN (0, 1)),
    cancel_window_hours INTEGER NOT NULL DEFAULT 24 CHECK (cancel_window_hours BETWEEN 0 AND 720),
    cancel_fee_kind     TEXT NOT NULL DEFAULT 'none' CHECK (cancel_fee_kind IN ('none', 'percent', 'fixed')),
    cancel_fee_value    TEXT NOT NULL DEFAULT '0',
    updated_at          TEXT NOT NULL
);
INSERT INTO booking_policy (id, updated_at) VALUES (1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- A service's own deposit rule, instead of the business-wide one.
CREATE TABLE service_deposits (
    service_id INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('none', 'percent', 'fixed')),
    value      TEXT NOT NULL DEFAULT '0'
);

-- A client's own auto-charge choice, instead of the business default.
CREATE TABLE client_auto_charge (
    client_id   INTEGER PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    auto_charge INTEGER NOT NULL CHECK (auto_charge IN (0, 1))
);

-- The deposit a booking asks for: a part of the booking's invoice, asked through a pay link for
-- just that part. Paid when the invoice has received at least the amount; released when the
-- booking was let go for want of it. Moving the booking never touches this row.
CREATE TABLE booking_deposits (
    booking_id   INTEGER PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
    invoice_id   INTEGER NOT NULL UNIQUE REFERENCES invoices (id) ON DELETE RESTRICT,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    due_at       TEXT NOT NULL,
    on_unpaid    TEXT NOT NULL CHECK (on_unpaid IN ('release', 'keep')),
    released_at  TEXT,
    created_at   TEXT NOT NULL
);

-- A cancellation or no-show fee the owner confirmed: its own invoice, charged or sent.
CREATE TABLE booking_fees (
    invoice_id INTEGER PRIMARY KEY REFERENCES invoices (id) ON DELETE CASCADE,
    booking_id INTEGER NOT NULL UNIQUE REFERENCES bookings (id) ON DELETE RESTRICT,
    reason     TEXT NOT NULL CHECK (reason IN ('late_cancellation', 'no_show')),
    created_at TEXT NOT NULL
);
