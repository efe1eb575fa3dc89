-- Purges by retention (issue 16, branch s5-purges): closed data subject requests, screening
-- proof records and the audit trail past their periods. The append-only guards stay; each now
-- lets through exactly what a purge recorded first, in the same transaction, allows:
-- * the audit trail: entries at or before the organization's purge checkpoint (the last purged
--   entry's sequence number and link, the count purged, sealed with a MAC under the chain key;
--   verification starts from it);
-- * screening proofs: records finished before the organization's purge horizon;
-- * a request's history: the steps of a request that no longer exists (the purge deletes the
--   request first).
-- TRUNCATE stays refused on all three.

ALTER TABLE retention_runs ADD COLUMN requests_purged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE retention_runs ADD COLUMN proofs_purged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE retention_runs ADD COLUMN audit_purged BIGINT NOT NULL DEFAULT 0;

CREATE TABLE audit_purges (
    org_id       BIGINT PRIMARY KEY REFERENCES organizations(id),
    through_seq  BIGINT NOT NULL,
    through_link BYTEA  NOT NULL,
    purged       BIGINT NOT NULL,
    purged_at    BIGINT NOT NULL,
    mac          BYTEA  NOT NULL
);

CREATE TABLE screening_proof_purges (
    org_id           BIGINT PRIMARY KEY REFERENCES organizations(id),
    finished_before  BIGINT NOT NULL,
    last_id          BIGINT NOT NULL
);

CREATE FUNCTION vigie_audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.seq <= coalesce(
        (SELECT p.through_seq FROM audit_purges p WHERE p.org_id = OLD.org_id), 0) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: entries are never %d', lower(TG_OP);
END $$;
DROP TRIGGER audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION vigie_audit_log_guard();

CREATE FUNCTION vigie_screening_runs_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.finished_at < (SELECT p.finished_before
        FROM screening_proof_purges p WHERE p.org_id = OLD.org_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'screening runs are proof: they are never %d', lower(TG_OP);
END $$;
DROP TRIGGER screening_runs_append_only ON screening_runs;
CREATE TRIGGER screening_runs_append_only BEFORE UPDATE OR DELETE ON screening_runs
    FOR EACH ROW EXECUTE FUNCTION vigie_screening_runs_guard();

CREATE FUNCTION vigie_dsar_history_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM dsar_requests r
        WHERE r.org_id = OLD.org_id AND r.id = OLD.request_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: rows are never %d', TG_TABLE_NAME, lower(TG_OP);
END $$;
DROP TRIGGER dsar_history_append_only ON dsar_history;
CREATE TRIGGER dsar_history_append_only BEFORE UPDATE OR DELETE ON dsar_history
    FOR EACH ROW EXECUTE FUNCTION vigie_dsar_history_guard();

CREATE INDEX dsar_requests_closed ON dsar_requests (org_id, closed_at) WHERE closed_at IS NOT NULL;
