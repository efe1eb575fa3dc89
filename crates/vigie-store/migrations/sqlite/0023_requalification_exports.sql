-- "Sent" is a fact the store keeps (issue 16): each export of a campaign's links (CLI, API, web
-- application) is recorded — when, by whom, how many links, until when they are valid — and each
-- person whose link was in an export at least once carries the moment of the first one. A
-- campaign's progress reads them: sent, silent (sent, no answer yet), not yet sent.
ALTER TABLE requalification_members ADD COLUMN sent_at INTEGER;   -- micros: first export

CREATE TABLE requalification_exports (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    campaign_id  INTEGER NOT NULL,
    exported_at  INTEGER NOT NULL,   -- micros
    actor        TEXT    NOT NULL,
    links        INTEGER NOT NULL,   -- the people in the file
    unreachable  INTEGER NOT NULL,   -- members left out: no identifier for the channel, or erased
    expires_at   INTEGER NOT NULL    -- micros: the links' expiry
);
CREATE INDEX requalification_exports_by_campaign
    ON requalification_exports (org_id, campaign_id, id);
