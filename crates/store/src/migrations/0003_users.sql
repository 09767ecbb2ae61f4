-- Waspada store, schema version 3: who may use the dashboard and the API.
-- Secrets are never stored: passwords as argon2id PHC strings, session ids and API
-- tokens as SHA-256 hashes (hex), so a copy of this file opens no session.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role                TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash       TEXT NOT NULL,          -- argon2id PHC string
    disabled            INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,       -- epoch ms
    password_changed_at INTEGER NOT NULL,       -- epoch ms
    last_login_at       INTEGER                 -- epoch ms
);

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,               -- SHA-256 (hex) of the cookie value
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,                 -- who the token acts as (recorded in histories)
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    token_hash   TEXT NOT NULL UNIQUE,          -- SHA-256 (hex) of the token
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
-- One live token per name; revoked ones stay for the record.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens(name) WHERE revoked_at IS NULL;
