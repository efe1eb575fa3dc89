-- Bulk screening runs: the proof of each screening of a campaign list (who ran it, when, which
-- campaign, which rule pack, which base, which files). Append-only, like the consent ledger.

CREATE SEQUENCE screening_runs_id_seq;
CREATE TABLE screening_runs (
    org_id          BIGINT NOT NULL REFERENCES organizations(id),
    id              BIGINT NOT NULL DEFAULT nextval('screening_runs_id_seq'),
    actor           TEXT   NOT NULL,
    started_at      BIGINT NOT NULL,
    finished_at     BIGINT NOT NULL,
    campaign        TEXT   NOT NULL,   -- the campaign definition, as given (JSON)
    rule_pack       TEXT   NOT NULL,   -- the rule pack applied, e.g. FR-2026-08-11
    data_version    BIGINT NOT NULL,   -- the organization's data version the list was screened against
    input_name      TEXT,              -- the targets file as named by the caller
    input_sha256    BYTEA  NOT NULL,
    output_sha256   BYTEA  NOT NULL,
    row_count       BIGINT NOT NULL,
    counts          TEXT   NOT NULL,   -- JSON object: code -> rows
    PRIMARY KEY (org_id, id)
);

CREATE FUNCTION vigie_screening_runs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'screening runs are proof: they are never %d', lower(TG_OP);
END $$;
CREATE TRIGGER screening_runs_append_only BEFORE UPDATE OR DELETE ON screening_runs
    FOR EACH ROW EXECUTE FUNCTION vigie_screening_runs_append_only();
CREATE TRIGGER screening_runs_no_truncate BEFORE TRUNCATE ON screening_runs
    FOR EACH STATEMENT EXECUTE FUNCTION vigie_screening_runs_append_only();
