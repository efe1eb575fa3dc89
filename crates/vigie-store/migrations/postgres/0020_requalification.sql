-- Requalification campaigns (issue 16): the prospects reaching the end of their period are asked,
-- through a signed per-person link, whether they still want to hear from the organization. A
-- yes is a grant in the ledger (a sign of life: the period starts again); a no is a withdrawal;
-- after the window, the next retention run erases whoever did not answer yes.
CREATE SEQUENCE requalification_campaigns_id_seq;
CREATE TABLE requalification_campaigns (
    org_id       BIGINT NOT NULL,
    id           BIGINT NOT NULL DEFAULT nextval('requalification_campaigns_id_seq'),
    name         TEXT   NOT NULL,
    channel      TEXT   NOT NULL,
    within_days  BIGINT NOT NULL,
    starts_at    BIGINT NOT NULL,
    closes_at    BIGINT NOT NULL,
    actor        TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE requalification_members (
    org_id       BIGINT NOT NULL,
    campaign_id  BIGINT NOT NULL,
    contact_id   BIGINT NOT NULL,
    contact_ref  TEXT   NOT NULL,
    answer       TEXT,
    answered_at  BIGINT,
    PRIMARY KEY (org_id, campaign_id, contact_id)
);
CREATE INDEX requalification_members_by_contact ON requalification_members (org_id, contact_id);
