-- Waspada store, schema version 2: the triage history of signals.
-- Every action an analyst takes on a signal is kept; `signals.status` holds the latest
-- status-changing action (verify, dismiss, escalate). Assignments and notes keep it.
CREATE TABLE signal_triage (
    id         INTEGER PRIMARY KEY,
    signal_id  INTEGER NOT NULL REFERENCES signals(id),
    action     TEXT NOT NULL CHECK (action IN ('verify', 'dismiss', 'escalate', 'assign', 'note')),
    note       TEXT,                      -- reason (dismiss) or free text
    assignee   TEXT,                      -- who the signal is passed to (assign)
    user       TEXT NOT NULL,             -- who acted
    at         INTEGER NOT NULL           -- epoch ms
);
CREATE INDEX signal_triage_signal ON signal_triage(signal_id, at);
