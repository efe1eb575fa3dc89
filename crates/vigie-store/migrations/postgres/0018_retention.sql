-- Retention (issue 16): policies as versioned data, the end of a customer relationship, the
-- accounting hold of archived customers, resumable retention runs and the daily claim that keeps
-- two servers sharing a database from running the same day twice.

-- Every version of an organization's policies (none: the CNIL's defaults, version 0).
CREATE TABLE retention_policy_versions (
    org_id      BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    policies    TEXT   NOT NULL,   -- JSON [[category, years, legal reference], …]
    created_at  BIGINT NOT NULL,
    actor       TEXT   NOT NULL,
    PRIMARY KEY (org_id, version)
);

-- The end of the relationship or the last purchase (imported, optional): customers' periods
-- and the accounting archive count from it.
ALTER TABLE contacts ADD COLUMN relationship_ended_at BIGINT;
-- An archived customer is kept, restricted, for the accounting obligation until this instant;
-- the first run after it erases the contact.
ALTER TABLE contacts ADD COLUMN retention_hold_until BIGINT;

-- A run: what it decides for (moment, policy version), how far it went (the last contact id
-- handled: a killed run resumes after it) and what it did.
CREATE SEQUENCE retention_runs_id_seq;
CREATE TABLE retention_runs (
    org_id          BIGINT NOT NULL,
    id              BIGINT NOT NULL DEFAULT nextval('retention_runs_id_seq'),
    at              BIGINT NOT NULL,
    at_text         TEXT   NOT NULL,
    policy_version  BIGINT NOT NULL,
    status          TEXT   NOT NULL,
    cursor          BIGINT NOT NULL,
    erased          BIGINT NOT NULL,
    archived        BIGINT NOT NULL,
    refs_sha256     TEXT,
    actor           TEXT   NOT NULL,
    started_at      BIGINT NOT NULL,
    finished_at     BIGINT,
    PRIMARY KEY (org_id, id)
);
-- At most one unfinished run per organization.
CREATE UNIQUE INDEX retention_runs_one_running ON retention_runs (org_id) WHERE status = 'running';

-- What each run did to whom (references and ids only): the proof's digest is computed from it.
CREATE TABLE retention_run_items (
    org_id      BIGINT NOT NULL,
    run_id      BIGINT NOT NULL,
    contact_id  BIGINT NOT NULL,
    contact_ref TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    PRIMARY KEY (org_id, run_id, contact_id)
);

-- Tombstones of erasures by retention name their run (request_id 0: no request).
ALTER TABLE dsar_tombstones ADD COLUMN retention_run_id BIGINT;

-- One row per organization and day claimed by the server that runs that day's retention.
CREATE TABLE retention_daily_claims (
    org_id      BIGINT NOT NULL,
    day         TEXT   NOT NULL,
    holder      TEXT   NOT NULL,
    claimed_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, day)
);
