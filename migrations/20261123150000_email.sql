-- Email: the owner's outgoing mail server, and a log of the invoices sent by email. The mail server's
-- password and sign-in tokens live in the computer's keychain, never in this file.

-- The outgoing (SMTP) server. One row at most; absent means email isn't set up yet.
CREATE TABLE email_settings (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    provider     TEXT NOT NULL DEFAULT 'smtp' CHECK (provider IN ('smtp')),
    host         TEXT NOT NULL,
    port         INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    -- 'plain' is accepted by the code only for a server on this computer (loopback)
    security     TEXT NOT NULL CHECK (security IN ('starttls', 'tls', 'plain')),
    -- How Paydesk logs in: 'password' (keychain entry smtp-password; no login when username is
    -- empty) or 'oauth_google' / 'oauth_microsoft' (tokens in keychain entry oauth-google / …)
    auth         TEXT NOT NULL DEFAULT 'password'
                 CHECK (auth IN ('password', 'oauth_google', 'oauth_microsoft')),
    username     TEXT NOT NULL DEFAULT '',
    from_name    TEXT NOT NULL DEFAULT '',
    from_address TEXT NOT NULL,
    reply_to     TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL
);

-- Every attempt to email an invoice, sent or failed, so the owner can see what the client got and
-- when. A failed attempt keeps the reason the owner was shown; the invoice itself is not changed.
CREATE TABLE invoice_emails (
    id         INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    sent_at    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    message_id TEXT,                     -- the Message-ID header; NULL when sending failed
    error      TEXT NOT NULL DEFAULT ''  -- why it failed, as the owner was told
);
CREATE INDEX invoice_emails_invoice ON invoice_emails (invoice_id, sent_at);
