-- Data subject requests (GDPR art. 12-21): the requests and their every step, the tombstones
-- that prove an erasure without personal data, and the earlier versions of rectified contacts.
-- Every key leads with org_id (Citus-ready). Instants are BIGINT microseconds.

-- An erased contact keeps its row (its reference and facts, the subject of its tombstone) with
-- its sealed fields cleared and its data key destroyed; imports never bring it back.
ALTER TABLE contacts ADD COLUMN erased_at BIGINT;

CREATE SEQUENCE dsar_requests_id_seq;
CREATE TABLE dsar_requests (
    org_id           BIGINT NOT NULL REFERENCES organizations(id),
    id               BIGINT NOT NULL DEFAULT nextval('dsar_requests_id_seq'),
    kind             TEXT   NOT NULL,
    status           TEXT   NOT NULL,
    identifier_kind  TEXT   NOT NULL,
    identifier       BYTEA,
    identifier_bidx  BYTEA,
    contact_id       BIGINT,
    contact_ref      TEXT,
    received_at      BIGINT NOT NULL,
    verified_at      BIGINT,
    pauses           TEXT   NOT NULL,
    extension_months SMALLINT,
    extension_reason TEXT,
    extended_at      BIGINT,
    closed_at        BIGINT,
    details          BYTEA,
    outcome          TEXT,
    version          BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX dsar_requests_open_once ON dsar_requests (org_id, kind, identifier_bidx)
    WHERE closed_at IS NULL;
CREATE INDEX dsar_requests_by_contact ON dsar_requests (org_id, contact_id) WHERE contact_id IS NOT NULL;
-- An erasure clears the identifier of every request naming the person.
CREATE INDEX dsar_requests_by_identifier ON dsar_requests (org_id, identifier_bidx)
    WHERE identifier_bidx IS NOT NULL;

CREATE TABLE dsar_history (
    org_id      BIGINT NOT NULL,
    request_id  BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT   NOT NULL,
    step        TEXT   NOT NULL,
    note        TEXT,
    PRIMARY KEY (org_id, request_id, seq)
);

CREATE SEQUENCE dsar_tombstones_id_seq;
CREATE TABLE dsar_tombstones (
    org_id      BIGINT NOT NULL,
    id          BIGINT NOT NULL DEFAULT nextval('dsar_tombstones_id_seq'),
    contact_id  BIGINT,
    contact_ref TEXT,
    request_id  BIGINT NOT NULL,
    erased_at   BIGINT NOT NULL,
    actions     TEXT   NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE FUNCTION vigie_dsar_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: rows are never %d', TG_TABLE_NAME, lower(TG_OP);
END $$;
CREATE TRIGGER dsar_history_append_only BEFORE UPDATE OR DELETE ON dsar_history
    FOR EACH ROW EXECUTE FUNCTION vigie_dsar_append_only();
CREATE TRIGGER dsar_history_no_truncate BEFORE TRUNCATE ON dsar_history
    FOR EACH STATEMENT EXECUTE FUNCTION vigie_dsar_append_only();
CREATE TRIGGER dsar_tombstones_append_only BEFORE UPDATE OR DELETE ON dsar_tombstones
    FOR EACH ROW EXECUTE FUNCTION vigie_dsar_append_only();
CREATE TRIGGER dsar_tombstones_no_truncate BEFORE TRUNCATE ON dsar_tombstones
    FOR EACH STATEMENT EXECUTE FUNCTION vigie_dsar_append_only();

CREATE SEQUENCE contact_versions_id_seq;
CREATE TABLE contact_versions (
    org_id      BIGINT NOT NULL,
    id          BIGINT NOT NULL DEFAULT nextval('contact_versions_id_seq'),
    contact_id  BIGINT NOT NULL,
    request_id  BIGINT,
    replaced_at BIGINT NOT NULL,
    previous    BYTEA  NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX contact_versions_by_contact ON contact_versions (org_id, contact_id, id);
