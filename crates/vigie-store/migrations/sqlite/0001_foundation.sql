-- Vigie foundation schema (SQLite). Every table leads with org_id: one install serves several
-- data controllers, and every query is keyed by organization.
-- Instants are INTEGER microseconds since the Unix epoch.

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    -- Bumped by every write to contacts, ledger and lists: tells caches they are stale.
    data_version INTEGER NOT NULL DEFAULT 0
);

-- Keys of an organization (blind-index key), wrapped by the master key.
CREATE TABLE org_keys (
    org_id      INTEGER NOT NULL REFERENCES organizations(id),
    kind        TEXT    NOT NULL,
    wrapped     BLOB    NOT NULL,
    PRIMARY KEY (org_id, kind)
) WITHOUT ROWID;

CREATE TABLE contacts (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES organizations(id),
    contact_ref         TEXT    NOT NULL,
    email_bidx          BLOB,
    phone_bidx          BLOB,
    pii                 BLOB    NOT NULL,   -- e-mail, phone, names: sealed with the contact's data key
    audience            TEXT    NOT NULL,
    customer            INTEGER NOT NULL,
    customer_categories TEXT    NOT NULL,
    collected_via       TEXT,
    collected_at        INTEGER,
    informed            INTEGER NOT NULL,
    objection_offered   INTEGER NOT NULL,
    contract_active     INTEGER NOT NULL,
    restricted          INTEGER NOT NULL,
    row_digest          BLOB    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_by_ref ON contacts (org_id, contact_ref);
CREATE INDEX contacts_by_email ON contacts (org_id, email_bidx) WHERE email_bidx IS NOT NULL;
CREATE INDEX contacts_by_phone ON contacts (org_id, phone_bidx) WHERE phone_bidx IS NOT NULL;

-- Data keys, one per contact, wrapped by the master key. Deleting a row crypto-shreds the contact.
CREATE TABLE contact_keys (
    org_id      INTEGER NOT NULL,
    contact_id  INTEGER NOT NULL,
    wrapped_dek BLOB    NOT NULL,
    PRIMARY KEY (org_id, contact_id)
) WITHOUT ROWID;

-- The consent ledger: append-only (see the triggers).
CREATE TABLE consent_events (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    contact_id      INTEGER NOT NULL,
    channel         TEXT    NOT NULL,
    purpose         TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    at              INTEGER NOT NULL,
    method          TEXT    NOT NULL,
    notice_version  TEXT,
    source          TEXT,
    proof           BLOB,               -- IP and user agent, sealed with the contact's data key
    recorded_at     INTEGER NOT NULL,
    content_digest  BLOB    NOT NULL
);
CREATE UNIQUE INDEX consent_events_by_contact ON consent_events (org_id, contact_id, content_digest);

CREATE TRIGGER consent_events_append_only_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only: events are never updated'); END;
CREATE TRIGGER consent_events_append_only_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only: events are never deleted'); END;

-- Identifiers never to be contacted again, kept only as SHA-256 of the normalized identifier.
CREATE TABLE suppression (
    org_id      INTEGER NOT NULL,
    sha256      BLOB    NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (org_id, sha256)
) WITHOUT ROWID;

-- National do-not-call list (Bloctel-like): E.164 numbers, kept as their blind index.
CREATE TABLE opposition (
    org_id      INTEGER NOT NULL,
    phone_bidx  BLOB    NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (org_id, phone_bidx)
) WITHOUT ROWID;
