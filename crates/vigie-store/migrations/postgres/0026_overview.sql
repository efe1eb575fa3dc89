-- The dashboard's figures, computed in the background from the screening snapshot (reach per
-- channel by code, consent events per week) and stored with the organization's data version
-- they were computed at: a page view reads one row, never the contacts, and knows whether the
-- figures are behind the store.
CREATE TABLE dashboard_figures (
    org_id        BIGINT PRIMARY KEY,
    data_version  BIGINT NOT NULL,
    computed_at   BIGINT NOT NULL,
    figures       TEXT   NOT NULL   -- JSON, written and read by vigie-server
);

-- Every verification of an organization's audit chain and its result, so the dashboard can say
-- when the chain was last checked and what was found without verifying it on each view.
CREATE TABLE audit_verifications (
    org_id         BIGINT  NOT NULL,
    at             BIGINT  NOT NULL,
    actor          TEXT    NOT NULL,
    intact         BIGINT  NOT NULL,
    faults         BIGINT  NOT NULL,
    checkpoint_at  BIGINT
);
CREATE INDEX audit_verifications_latest ON audit_verifications (org_id, at);
