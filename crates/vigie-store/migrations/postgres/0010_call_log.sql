-- The call log: every call attempt, append-only like the consent ledger (see the triggers).
-- The number called is kept as its blind index only, never in clear. Instants are BIGINT
-- microseconds since the Unix epoch.
CREATE SEQUENCE calls_id_seq;
CREATE TABLE calls (
    org_id      BIGINT NOT NULL,
    id          BIGINT NOT NULL DEFAULT nextval('calls_id_seq'),
    contact_id  BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    phone_bidx  BYTEA  NOT NULL,
    campaign    TEXT,
    agent       TEXT,
    outcome     TEXT   NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
-- Counting a contact's attempts before a moment reads a range of this index, and screening's
-- scan reads it whole in (contact, time) order: it covers both (outcome included).
CREATE INDEX calls_by_contact ON calls (org_id, contact_id, at, outcome);

CREATE FUNCTION vigie_call_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the call log is append-only: calls are never %d', lower(TG_OP);
END $$;
CREATE TRIGGER calls_append_only BEFORE UPDATE OR DELETE ON calls
    FOR EACH ROW EXECUTE FUNCTION vigie_call_log_append_only();
CREATE TRIGGER calls_no_truncate BEFORE TRUNCATE ON calls
    FOR EACH STATEMENT EXECUTE FUNCTION vigie_call_log_append_only();
