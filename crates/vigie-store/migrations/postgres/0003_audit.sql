-- The audit trail: who did what to personal data, when, from where and why. One hash chain per
-- organization: each entry carries the link (keyed MAC) of the one before it, and `audit_heads`
-- keeps the last link, so a changed, removed, inserted, reordered or truncated entry breaks
-- `vigie audit verify`. Append-only, like the consent ledger.

CREATE TABLE audit_log (
    org_id      BIGINT NOT NULL REFERENCES organizations(id),
    seq         BIGINT NOT NULL,        -- 1, 2, 3 … per organization, no gaps
    at          BIGINT NOT NULL,        -- microseconds since the Unix epoch
    actor       TEXT   NOT NULL,        -- user:<email>, token:<id>, cli:<user>, public
    role        TEXT,
    action      TEXT   NOT NULL,        -- dotted verb: contact.read, dsar.erase …
    target      TEXT,                   -- contact:<ref>, request:<id> … never an identifier in clear
    origin      TEXT,                   -- client address, or cli
    reason      TEXT,
    prev_link   BYTEA  NOT NULL,
    link        BYTEA  NOT NULL,
    PRIMARY KEY (org_id, seq)
);

-- One row per organization, locked by each append: appends to one chain are serialized.
CREATE TABLE audit_heads (
    org_id      BIGINT PRIMARY KEY REFERENCES organizations(id),
    seq         BIGINT NOT NULL,
    link        BYTEA  NOT NULL
);

CREATE FUNCTION vigie_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: entries are never %d', lower(TG_OP);
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION vigie_audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION vigie_audit_log_append_only();
