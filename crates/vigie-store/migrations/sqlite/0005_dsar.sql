-- Data subject requests (GDPR art. 12-21): the requests and their every step, the tombstones
-- that prove an erasure without personal data, and the earlier versions of rectified contacts.
-- Instants are INTEGER microseconds since the Unix epoch.

-- An erased contact keeps its row (its reference and facts, the subject of its tombstone) with
-- its sealed fields cleared and its data key destroyed; imports never bring it back.
ALTER TABLE contacts ADD COLUMN erased_at INTEGER;

CREATE TABLE dsar_requests (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES organizations(id),
    kind             TEXT    NOT NULL,   -- access, rectification, erasure, restriction, portability, objection
    status           TEXT    NOT NULL,   -- awaiting_identity, in_progress, completed, rejected
    identifier_kind  TEXT    NOT NULL,   -- email or phone
    identifier       BLOB,               -- sealed (organization's request key); cleared by erasure
    identifier_bidx  BLOB,               -- blind index: finds the person, merges double requests
    contact_id       INTEGER,            -- when the identifier matched a contact
    contact_ref      TEXT,
    received_at      INTEGER NOT NULL,
    verified_at      INTEGER,
    pauses           TEXT    NOT NULL,   -- JSON [{"from","until"}]: the clock stopped for the person
    extension_months INTEGER,
    extension_reason TEXT,
    extended_at      INTEGER,
    closed_at        INTEGER,
    details          BLOB,               -- sealed: the corrections asked for (rectification)
    outcome          TEXT,               -- JSON: what fulfilment did; no personal data
    version          INTEGER NOT NULL    -- bumped by every update (compare-and-swap)
);
CREATE INDEX dsar_requests_by_org ON dsar_requests (org_id, id);
-- Double requests (same person, same kind, still open) are one request.
CREATE UNIQUE INDEX dsar_requests_open_once ON dsar_requests (org_id, kind, identifier_bidx)
    WHERE closed_at IS NULL;
CREATE INDEX dsar_requests_by_contact ON dsar_requests (org_id, contact_id) WHERE contact_id IS NOT NULL;
-- An erasure clears the identifier of every request naming the person.
CREATE INDEX dsar_requests_by_identifier ON dsar_requests (org_id, identifier_bidx)
    WHERE identifier_bidx IS NOT NULL;

-- Every step of a request: who, when, what. Append-only; notes name records, never people.
CREATE TABLE dsar_history (
    org_id      INTEGER NOT NULL,
    request_id  INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    step        TEXT    NOT NULL,
    note        TEXT,
    PRIMARY KEY (org_id, request_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER dsar_history_append_only_update BEFORE UPDATE ON dsar_history
BEGIN SELECT RAISE(ABORT, 'request history is append-only: steps are never updated'); END;
CREATE TRIGGER dsar_history_append_only_delete BEFORE DELETE ON dsar_history
BEGIN SELECT RAISE(ABORT, 'request history is append-only: steps are never deleted'); END;

-- Proof of erasure without personal data: which contact (by id and reference), when, for which
-- request, and what was done. Append-only.
CREATE TABLE dsar_tombstones (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    contact_id  INTEGER,
    contact_ref TEXT,
    request_id  INTEGER NOT NULL,
    erased_at   INTEGER NOT NULL,
    actions     TEXT    NOT NULL    -- JSON: what was destroyed, suppressed, kept and why
);
CREATE INDEX dsar_tombstones_by_org ON dsar_tombstones (org_id, id);
CREATE TRIGGER dsar_tombstones_append_only_update BEFORE UPDATE ON dsar_tombstones
BEGIN SELECT RAISE(ABORT, 'tombstones are proof: they are never updated'); END;
CREATE TRIGGER dsar_tombstones_append_only_delete BEFORE DELETE ON dsar_tombstones
BEGIN SELECT RAISE(ABORT, 'tombstones are proof: they are never deleted'); END;

-- Earlier versions of rectified contacts, sealed with the contact's data key: an erasure
-- shreds them with the contact.
CREATE TABLE contact_versions (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    contact_id  INTEGER NOT NULL,
    request_id  INTEGER,
    replaced_at INTEGER NOT NULL,
    previous    BLOB    NOT NULL
);
CREATE INDEX contact_versions_by_contact ON contact_versions (org_id, contact_id, id);
