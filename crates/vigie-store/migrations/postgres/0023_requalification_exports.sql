-- "Sent" is a fact the store keeps (issue 16): each export of a campaign's links (CLI, API, web
-- application) is recorded — when, by whom, how many links, until when they are valid — and each
-- person whose link was in an export at least once carries the moment of the first one. A
-- campaign's progress reads them: sent, silent (sent, no answer yet), not yet sent.
ALTER TABLE requalification_members ADD COLUMN sent_at BIGINT;

CREATE SEQUENCE requalification_exports_id_seq;
CREATE TABLE requalification_exports (
    org_id       BIGINT NOT NULL,
    id           BIGINT NOT NULL DEFAULT nextval('requalification_exports_id_seq'),
    campaign_id  BIGINT NOT NULL,
    exported_at  BIGINT NOT NULL,
    actor        TEXT   NOT NULL,
    links        BIGINT NOT NULL,
    unreachable  BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX requalification_exports_by_campaign
    ON requalification_exports (org_id, campaign_id, id);
