-- The audit trail: who did what to personal data, when, from where and why. One hash chain per
-- organization: each entry carries the link (keyed MAC) of the one before it, and `audit_heads`
-- keeps the last link, so a changed, removed, inserted, reordered or truncated entry breaks
-- `vigie audit verify`. Append-only, like the consent ledger.

CREATE TABLE audit_log (
    org_id      INTEGER NOT NULL,
    seq         INTEGER NOT NULL,       -- 1, 2, 3 … per organization, no gaps
    at          INTEGER NOT NULL,       -- microseconds since the Unix epoch
    actor       TEXT    NOT NULL,       -- user:<email>, token:<id>, cli:<user>, public
    role        TEXT,
    action      TEXT    NOT NULL,       -- dotted verb: contact.read, dsar.erase …
    target      TEXT,                   -- contact:<ref>, request:<id> … never an identifier in clear
    origin      TEXT,                   -- client address, or cli
    reason      TEXT,
    prev_link   BLOB    NOT NULL,
    link        BLOB    NOT NULL,
    PRIMARY KEY (org_id, seq)
) WITHOUT ROWID;

CREATE TABLE audit_heads (
    org_id      INTEGER PRIMARY KEY,
    seq         INTEGER NOT NULL,
    link        BLOB    NOT NULL
);

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries are never updated'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries are never deleted'); END;
