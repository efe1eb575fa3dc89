-- Inbound e-mail events (issue 15): the sources an organization lets call
-- POST /inbound/{org}/{source} (an e-mail service), each with its signing secret, and the events
-- already handled, so that a retried delivery changes nothing (idempotent per event id).
CREATE TABLE inbound_sources (
    org_id      INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    secret      BLOB    NOT NULL,            -- sealed under the organization's key
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, name)
);

-- No address here: the event id the service gave, its type and what Vigie did.
CREATE TABLE inbound_events (
    org_id      INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, source, event_id)
);
