-- Every PDF of a sent invoice that left Paydesk (emailed, saved, opened), kept as sent: when the
-- balance or the pay link changes, a new version is made and the old ones stay, so the owner can
-- always see exactly what a client received.
CREATE TABLE invoice_pdfs (
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL CHECK (version > 0),
    pay_link_id INTEGER REFERENCES pay_links (id),
    -- what the PDF shows that can change after finalizing (status, amounts, link, business details);
    -- a new version is drawn only when it differs
    fingerprint TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    pdf         BLOB NOT NULL,
    PRIMARY KEY (invoice_id, version)
);
