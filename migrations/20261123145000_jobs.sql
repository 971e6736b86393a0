-- Jobs (projects) for contractors: a contract total billed through payment requests, each an
-- invoice. Amounts are net of tax, in the job's currency's minor units; the requests' invoices
-- carry the job's tax rate on their one line.
CREATE TABLE jobs (
    id                   INTEGER PRIMARY KEY,
    client_id            INTEGER NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
    title                TEXT NOT NULL,
    currency             TEXT NOT NULL,
    contract_total_minor INTEGER NOT NULL CHECK (contract_total_minor > 0),
    tax_rate             TEXT NOT NULL DEFAULT '0',
    notes                TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL
);
CREATE INDEX jobs_client ON jobs (client_id);

-- One row per payment request: which invoice asks for what part of which job. A deleted draft
-- takes its request with it; a voided invoice stays, but no longer counts as requested.
CREATE TABLE job_requests (
    invoice_id   INTEGER PRIMARY KEY REFERENCES invoices (id) ON DELETE CASCADE,
    job_id       INTEGER NOT NULL REFERENCES jobs (id) ON DELETE RESTRICT,
    kind         TEXT NOT NULL CHECK (kind IN ('deposit', 'progress', 'final', 'custom')),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0)
);
CREATE INDEX job_requests_job ON job_requests (job_id);
