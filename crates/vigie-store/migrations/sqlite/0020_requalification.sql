-- Requalification campaigns (issue 16): the prospects reaching the end of their period are asked,
-- through a signed per-person link, whether they still want to hear from the organization. A
-- yes is a grant in the ledger (a sign of life: the period starts again); a no is a withdrawal;
-- after the window, the next retention run erases whoever did not answer yes.
CREATE TABLE requalification_campaigns (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    channel      TEXT    NOT NULL,   -- the channel the grant is asked for
    within_days  INTEGER NOT NULL,   -- selection: period ending within this many days of starts_at
    starts_at    INTEGER NOT NULL,   -- micros: the moment the campaign selects for
    closes_at    INTEGER NOT NULL,   -- micros: end of the response window
    actor        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX requalification_campaigns_by_org ON requalification_campaigns (org_id, id);

-- The people a campaign asks, and their answer (none yet: silent).
CREATE TABLE requalification_members (
    org_id       INTEGER NOT NULL,
    campaign_id  INTEGER NOT NULL,
    contact_id   INTEGER NOT NULL,
    contact_ref  TEXT    NOT NULL,
    answer       TEXT,               -- yes, no
    answered_at  INTEGER,
    PRIMARY KEY (org_id, campaign_id, contact_id)
) WITHOUT ROWID;
-- The retention run looks a contact's memberships up.
CREATE INDEX requalification_members_by_contact ON requalification_members (org_id, contact_id);
