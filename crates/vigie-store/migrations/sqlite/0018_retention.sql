-- Retention (issue 16): policies as versioned data, the end of a customer relationship, the
-- accounting hold of archived customers, resumable retention runs and the daily claim that keeps
-- two servers sharing a database from running the same day twice.

-- Every version of an organization's policies (none: the CNIL's defaults, version 0).
CREATE TABLE retention_policy_versions (
    org_id      INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    policies    TEXT    NOT NULL,   -- JSON [[category, years, legal reference], …]
    created_at  INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    PRIMARY KEY (org_id, version)
) WITHOUT ROWID;

-- The end of the relationship or the last purchase (imported, optional): customers' periods
-- and the accounting archive count from it.
ALTER TABLE contacts ADD COLUMN relationship_ended_at INTEGER;
-- An archived customer is kept, restricted, for the accounting obligation until this instant;
-- the first run after it erases the contact.
ALTER TABLE contacts ADD COLUMN retention_hold_until INTEGER;

-- A run: what it decides for (moment, policy version), how far it went (the last contact id
-- handled: a killed run resumes after it) and what it did.
CREATE TABLE retention_runs (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    at              INTEGER NOT NULL,   -- micros: the moment the run decides for
    at_text         TEXT    NOT NULL,   -- the same moment as given (RFC 3339, its offset kept)
    policy_version  INTEGER NOT NULL,
    status          TEXT    NOT NULL,   -- running, done
    cursor          INTEGER NOT NULL,   -- contacts with an id at or below it are handled
    erased          INTEGER NOT NULL,
    archived        INTEGER NOT NULL,
    refs_sha256     TEXT,               -- SHA-256 of the sorted references, once done
    actor           TEXT    NOT NULL,
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX retention_runs_by_org ON retention_runs (org_id, id);
-- At most one unfinished run per organization.
CREATE UNIQUE INDEX retention_runs_one_running ON retention_runs (org_id) WHERE status = 'running';

-- What each run did to whom (references and ids only): the proof's digest is computed from it.
CREATE TABLE retention_run_items (
    org_id      INTEGER NOT NULL,
    run_id      INTEGER NOT NULL,
    contact_id  INTEGER NOT NULL,
    contact_ref TEXT    NOT NULL,
    action      TEXT    NOT NULL,   -- erase, archive
    PRIMARY KEY (org_id, run_id, contact_id)
) WITHOUT ROWID;

-- Tombstones of erasures by retention name their run (request_id 0: no request).
ALTER TABLE dsar_tombstones ADD COLUMN retention_run_id INTEGER;

-- One row per organization and day claimed by the server that runs that day's retention.
CREATE TABLE retention_daily_claims (
    org_id      INTEGER NOT NULL,
    day         TEXT    NOT NULL,
    holder      TEXT    NOT NULL,
    claimed_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, day)
) WITHOUT ROWID;
