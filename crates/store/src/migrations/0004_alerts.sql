-- Waspada store: alert subscriptions, and the outbox of alerts to send.
-- (Named 0004: another branch adds 0003_users.sql; each file is one entry of MIGRATIONS.)

-- Who wants which signals, and how. A deleted subscription is kept (deleted_at set) so
-- the alerts already sent under it keep their meaning; it matches nothing any more.
CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY,
    user            TEXT NOT NULL,            -- who owns it (the acting user who made it)
    language        TEXT NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
    diseases        TEXT NOT NULL DEFAULT '', -- comma-separated disease ids; empty = any
    place_code      TEXT,                     -- ISO3, province or regency code; NULL = anywhere
    min_severity    TEXT NOT NULL DEFAULT 'low' CHECK (min_severity IN ('low', 'medium', 'high')),
    trigger         TEXT NOT NULL DEFAULT 'new' CHECK (trigger IN ('new', 'escalated')),
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook', 'atom')),
    email           TEXT,                     -- email: the address
    digest          TEXT CHECK (digest IN ('immediate', 'daily')),
    webhook_url     TEXT,                     -- webhook: where to POST
    webhook_secret  TEXT,                     -- webhook: the HMAC key
    webhook_format  TEXT CHECK (webhook_format IN ('json', 'cap')),
    feed_token      TEXT UNIQUE,              -- atom: the unguessable feed credential
    created_at      INTEGER NOT NULL,
    deleted_at      INTEGER
);
CREATE INDEX subscriptions_user ON subscriptions(user);

-- The alerts table of version 1 becomes an outbox: one row per signal × subscription
-- (the unique index makes enqueueing idempotent, so nothing is sent twice), with its
-- delivery state. status: pending → sent | failed (gave up) | cancelled.
ALTER TABLE alerts ADD COLUMN subscription_id INTEGER REFERENCES subscriptions(id);
ALTER TABLE alerts ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN last_error TEXT;
ALTER TABLE alerts ADD COLUMN next_attempt_at INTEGER;
CREATE UNIQUE INDEX alerts_signal_subscription ON alerts(signal_id, subscription_id);
CREATE INDEX alerts_due ON alerts(status, next_attempt_at);
CREATE INDEX alerts_subscription ON alerts(subscription_id, created_at);
