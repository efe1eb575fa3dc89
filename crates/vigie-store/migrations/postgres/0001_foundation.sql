-- Vigie foundation schema (PostgreSQL). Every primary and foreign key leads with org_id so that
-- tables can later be distributed by organization (Citus) without a rewrite.
-- Instants are BIGINT microseconds since the Unix epoch, as in the SQLite store.

CREATE TABLE organizations (
    id           BIGSERIAL PRIMARY KEY,
    slug         TEXT   NOT NULL UNIQUE,
    name         TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    data_version BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE org_keys (
    org_id   BIGINT NOT NULL REFERENCES organizations(id),
    kind     TEXT   NOT NULL,
    wrapped  BYTEA  NOT NULL,
    PRIMARY KEY (org_id, kind)
);

CREATE SEQUENCE contacts_id_seq;
CREATE TABLE contacts (
    org_id              BIGINT  NOT NULL REFERENCES organizations(id),
    id                  BIGINT  NOT NULL DEFAULT nextval('contacts_id_seq'),
    contact_ref         TEXT    NOT NULL,
    email_bidx          BYTEA,
    phone_bidx          BYTEA,
    pii                 BYTEA   NOT NULL,
    audience            TEXT    NOT NULL,
    customer            BOOLEAN NOT NULL,
    customer_categories TEXT    NOT NULL,
    collected_via       TEXT,
    collected_at        BIGINT,
    informed            BOOLEAN NOT NULL,
    objection_offered   BOOLEAN NOT NULL,
    contract_active     BOOLEAN NOT NULL,
    restricted          BOOLEAN NOT NULL,
    row_digest          BYTEA   NOT NULL,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, contact_ref)
);
CREATE INDEX contacts_by_email ON contacts (org_id, email_bidx) WHERE email_bidx IS NOT NULL;
CREATE INDEX contacts_by_phone ON contacts (org_id, phone_bidx) WHERE phone_bidx IS NOT NULL;

CREATE TABLE contact_keys (
    org_id      BIGINT NOT NULL,
    contact_id  BIGINT NOT NULL,
    wrapped_dek BYTEA  NOT NULL,
    PRIMARY KEY (org_id, contact_id)
);

CREATE SEQUENCE consent_events_id_seq;
CREATE TABLE consent_events (
    org_id          BIGINT NOT NULL,
    id              BIGINT NOT NULL DEFAULT nextval('consent_events_id_seq'),
    contact_id      BIGINT NOT NULL,
    channel         TEXT   NOT NULL,
    purpose         TEXT   NOT NULL,
    action          TEXT   NOT NULL,
    at              BIGINT NOT NULL,
    method          TEXT   NOT NULL,
    notice_version  TEXT,
    source          TEXT,
    proof           BYTEA,
    recorded_at     BIGINT NOT NULL,
    content_digest  BYTEA  NOT NULL,
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, contact_id, content_digest)
);

CREATE FUNCTION vigie_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the consent ledger is append-only: events are never %d', lower(TG_OP);
END $$;
CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION vigie_ledger_append_only();
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
    FOR EACH STATEMENT EXECUTE FUNCTION vigie_ledger_append_only();

CREATE TABLE suppression (
    org_id   BIGINT NOT NULL,
    sha256   BYTEA  NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, sha256)
);

CREATE TABLE opposition (
    org_id     BIGINT NOT NULL,
    phone_bidx BYTEA  NOT NULL,
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (org_id, phone_bidx)
);
