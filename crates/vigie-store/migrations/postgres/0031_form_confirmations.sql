-- Double opt-in (issue 15): an e-mail box ticked on a form waits here until the person follows
-- the signed link e-mailed to them. The row is kept after confirmation as the first half of the
-- proof: the submission's time, and its IP and user agent sealed with the contact's data key
-- (an erasure shreds them with the key); the ledger's grant (method double_opt_in) names it.
CREATE SEQUENCE form_confirmations_id_seq;
CREATE TABLE form_confirmations (
    org_id          BIGINT NOT NULL,
    id              BIGINT NOT NULL DEFAULT nextval('form_confirmations_id_seq'),
    form_slug       TEXT   NOT NULL,
    form_version    BIGINT NOT NULL,
    contact_id      BIGINT NOT NULL,
    contact_ref     TEXT   NOT NULL,
    lang            TEXT   NOT NULL,
    wording_sha256  TEXT   NOT NULL,
    purposes        TEXT   NOT NULL,
    submitted_at    BIGINT NOT NULL,
    proof           BYTEA,
    confirmed_at    BIGINT,
    PRIMARY KEY (org_id, id)
);
