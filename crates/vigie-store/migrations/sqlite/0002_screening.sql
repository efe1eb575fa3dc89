-- Bulk screening runs: the proof of each screening of a campaign list (who ran it, when, which
-- campaign, which rule pack, which base, which files). Append-only, like the consent ledger.
-- Ids are unique across the install (one sequence, as in PostgreSQL); the key leads with org_id.

CREATE TABLE screening_runs (
    org_id          INTEGER NOT NULL REFERENCES organizations(id),
    id              INTEGER NOT NULL,
    actor           TEXT    NOT NULL,
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER NOT NULL,
    campaign        TEXT    NOT NULL,   -- the campaign definition, as given (JSON)
    rule_pack       TEXT    NOT NULL,   -- the rule pack applied, e.g. FR-2026-08-11
    data_version    INTEGER NOT NULL,   -- the organization's data version the list was screened against
    input_name      TEXT,               -- the targets file as named by the caller
    input_sha256    BLOB    NOT NULL,
    output_sha256   BLOB    NOT NULL,
    row_count       INTEGER NOT NULL,
    counts          TEXT    NOT NULL,   -- JSON object: code -> rows
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TRIGGER screening_runs_append_only_update BEFORE UPDATE ON screening_runs
BEGIN SELECT RAISE(ABORT, 'screening runs are proof: they are never updated'); END;
CREATE TRIGGER screening_runs_append_only_delete BEFORE DELETE ON screening_runs
BEGIN SELECT RAISE(ABORT, 'screening runs are proof: they are never deleted'); END;
