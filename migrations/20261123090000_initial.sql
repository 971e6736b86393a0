-- Paydesk's first schema. Migrations are never edited once released: add a new file instead.
--
-- Conventions
--   * Money: INTEGER minor units of the row's currency (cents, yen, fils) plus a TEXT ISO code.
--     Exact decimals that are not money (quantities, tax rates) are TEXT holding a decimal string.
--   * Instants: TEXT, RFC 3339 in UTC ("2026-11-23T09:30:00Z"), so they sort as text.
--     Calendar dates (issue and due dates): TEXT "YYYY-MM-DD" in the business's time zone.
--   * Nothing that can be derived is stored, except the cached totals and status on `invoices`,
--     which only `invoice::store` writes, from `invoice::totals` and `invoice::status`.

CREATE TABLE business (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    name                  TEXT NOT NULL DEFAULT '',
    address               TEXT NOT NULL DEFAULT '',
    email                 TEXT NOT NULL DEFAULT '',
    phone                 TEXT NOT NULL DEFAULT '',
    tax_id                TEXT NOT NULL DEFAULT '',
    logo                  BLOB,
    logo_mime             TEXT,
    currency              TEXT NOT NULL DEFAULT 'USD',
    time_zone             TEXT NOT NULL DEFAULT 'UTC',
    locale                TEXT NOT NULL DEFAULT 'en-US',
    invoice_number_format TEXT NOT NULL DEFAULT 'INV-{YYYY}-{SEQ:4}',
    payment_terms_days    INTEGER NOT NULL DEFAULT 14 CHECK (payment_terms_days BETWEEN 0 AND 365),
    invoice_terms         TEXT NOT NULL DEFAULT '',
    updated_at            TEXT NOT NULL
);
INSERT INTO business (id, updated_at) VALUES (1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

CREATE TABLE clients (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    -- lower-cased name for case-insensitive search beyond ASCII ("ZOË" finds "Zoë")
    name_folded TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX clients_name_folded ON clients (name_folded);

CREATE TABLE staff (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE TABLE services (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    price_minor      INTEGER NOT NULL CHECK (price_minor >= 0),
    currency         TEXT NOT NULL,
    tax_rate         TEXT NOT NULL DEFAULT '0',
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TEXT NOT NULL
);

CREATE TABLE bookings (
    id         INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
    staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE RESTRICT,
    starts_at  TEXT NOT NULL,
    ends_at    TEXT NOT NULL CHECK (ends_at > starts_at),
    status     TEXT NOT NULL DEFAULT 'booked'
               CHECK (status IN ('booked', 'completed', 'cancelled', 'no_show')),
    notes      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX bookings_staff_time ON bookings (staff_id, starts_at);
CREATE INDEX bookings_client ON bookings (client_id);
CREATE INDEX bookings_time ON bookings (starts_at);

CREATE TABLE booking_services (
    booking_id INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE RESTRICT,
    PRIMARY KEY (booking_id, position)
);

-- One row per numbering series (e.g. "INV-2026-"): the last sequence number handed out.
-- Numbers are taken inside the finalizing transaction and never handed out twice.
CREATE TABLE invoice_counters (
    series     TEXT PRIMARY KEY,
    last_value INTEGER NOT NULL
);

CREATE TABLE invoices (
    id             INTEGER PRIMARY KEY,
    number         TEXT UNIQUE,            -- NULL while a draft: numbers are given at finalizing
    client_id      INTEGER NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
    booking_id     INTEGER REFERENCES bookings (id) ON DELETE SET NULL,
    currency       TEXT NOT NULL,
    issue_date     TEXT NOT NULL,
    due_date       TEXT NOT NULL CHECK (due_date >= issue_date),
    notes          TEXT NOT NULL DEFAULT '',
    terms          TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL DEFAULT 'draft'
                   CHECK (state IN ('draft', 'open', 'void', 'uncollectible')),
    -- cached results of invoice::totals and invoice::status, rewritten with every change
    subtotal_minor INTEGER NOT NULL DEFAULT 0,
    discount_minor INTEGER NOT NULL DEFAULT 0,
    tax_minor      INTEGER NOT NULL DEFAULT 0,
    total_minor    INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'draft',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    finalized_at   TEXT,
    voided_at      TEXT
);
CREATE INDEX invoices_client ON invoices (client_id);
CREATE INDEX invoices_status ON invoices (status);
CREATE INDEX invoices_due ON invoices (due_date);

CREATE TABLE invoice_lines (
    invoice_id       INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    description      TEXT NOT NULL,
    quantity         TEXT NOT NULL,
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    tax_rate         TEXT NOT NULL DEFAULT '0',
    discount_percent TEXT NOT NULL DEFAULT '0',
    service_id       INTEGER REFERENCES services (id) ON DELETE SET NULL,
    PRIMARY KEY (invoice_id, position)
);

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency     TEXT NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('cash', 'cheque', 'bank_transfer', 'card', 'other')),
    received_on  TEXT NOT NULL,
    reference    TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id);
CREATE INDEX payments_received ON payments (received_on);

CREATE TABLE refunds (
    id           INTEGER PRIMARY KEY,
    payment_id   INTEGER NOT NULL REFERENCES payments (id) ON DELETE RESTRICT,
    invoice_id   INTEGER NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency     TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    refunded_on  TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX refunds_payment ON refunds (payment_id);
CREATE INDEX refunds_invoice ON refunds (invoice_id);
