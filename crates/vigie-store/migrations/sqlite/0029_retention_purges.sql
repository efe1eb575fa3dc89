-- Purges by retention (issue 16, branch s5-purges): closed data subject requests, screening
-- proof records and the audit trail past their periods. The append-only guards stay; each now
-- lets through exactly what a purge recorded first, in the same transaction, allows:
-- * the audit trail: entries at or before the organization's purge checkpoint (the last purged
--   entry's sequence number and link, the count purged, sealed with a MAC under the chain key;
--   verification starts from it);
-- * screening proofs: records finished before the organization's purge horizon;
-- * a request's history: the steps of a request that no longer exists (the purge deletes the
--   request first).

-- What each run purged, beside what it erased and archived.
ALTER TABLE retention_runs ADD COLUMN requests_purged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE retention_runs ADD COLUMN proofs_purged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE retention_runs ADD COLUMN audit_purged INTEGER NOT NULL DEFAULT 0;

CREATE TABLE audit_purges (
    org_id       INTEGER PRIMARY KEY,
    through_seq  INTEGER NOT NULL,   -- entries up to this one were purged
    through_link BLOB    NOT NULL,   -- that entry's link: the next entry's previous link
    purged       INTEGER NOT NULL,   -- how many entries were purged, in all
    purged_at    INTEGER NOT NULL,
    mac          BLOB    NOT NULL    -- over the four above, under the organization's chain key
);

CREATE TABLE screening_proof_purges (
    org_id           INTEGER PRIMARY KEY,
    finished_before  INTEGER NOT NULL,  -- records finished before this instant may be deleted
    last_id          INTEGER NOT NULL   -- the highest id purged: ids are never given again
);

DROP TRIGGER audit_log_append_only_delete;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
WHEN OLD.seq > coalesce((SELECT p.through_seq FROM audit_purges p WHERE p.org_id = OLD.org_id), 0)
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries are never deleted'); END;

DROP TRIGGER screening_runs_append_only_delete;
CREATE TRIGGER screening_runs_append_only_delete BEFORE DELETE ON screening_runs
WHEN OLD.finished_at >= coalesce((SELECT p.finished_before FROM screening_proof_purges p
                                  WHERE p.org_id = OLD.org_id), -9223372036854775808)
BEGIN SELECT RAISE(ABORT, 'screening runs are proof: they are never deleted'); END;

DROP TRIGGER dsar_history_append_only_delete;
CREATE TRIGGER dsar_history_append_only_delete BEFORE DELETE ON dsar_history
WHEN EXISTS (SELECT 1 FROM dsar_requests r WHERE r.org_id = OLD.org_id AND r.id = OLD.request_id)
BEGIN SELECT RAISE(ABORT, 'request history is append-only: steps are never deleted'); END;

-- The purge finds closed requests by their closing.
CREATE INDEX dsar_requests_closed ON dsar_requests (org_id, closed_at) WHERE closed_at IS NOT NULL;
