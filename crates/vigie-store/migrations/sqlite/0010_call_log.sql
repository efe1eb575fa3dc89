-- The call log: every call attempt, append-only like the consent ledger (see the triggers).
-- The number called is kept as its blind index only, never in clear. Instants are INTEGER
-- microseconds since the Unix epoch.
CREATE TABLE calls (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    contact_id  INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    phone_bidx  BLOB    NOT NULL,
    campaign    TEXT,
    agent       TEXT,
    outcome     TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL
);
-- Counting a contact's attempts before a moment reads a range of this index, and screening's
-- scan reads it whole in (contact, time) order: it covers both (outcome included).
CREATE INDEX calls_by_contact ON calls (org_id, contact_id, at, outcome);

CREATE TRIGGER calls_append_only_update BEFORE UPDATE ON calls
BEGIN SELECT RAISE(ABORT, 'the call log is append-only: calls are never updated'); END;
CREATE TRIGGER calls_append_only_delete BEFORE DELETE ON calls
BEGIN SELECT RAISE(ABORT, 'the call log is append-only: calls are never deleted'); END;
