-- Outbound webhooks (issue 15): an organization's endpoints and the durable outbox that feeds
-- them. Outbox rows are written by triggers, in the transaction of the change itself: every
-- writer of the ledger (API, imports, calls, requests, forms…) is covered, a rolled-back change
-- leaves no row, and an organization without a subscription for an event type pays one probe of
-- `webhook_subscription_events` per change (the trigger's WHEN), nothing more.

CREATE TABLE webhook_subscriptions (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    secret      BLOB    NOT NULL,            -- sealed under the organization's key
    active      INTEGER NOT NULL DEFAULT 1,  -- paused: rows still queue, none is sent
    created_at  INTEGER NOT NULL,
    UNIQUE (org_id, name)
);

-- The event types a subscription wants, keyed for the triggers' look-up.
CREATE TABLE webhook_subscription_events (
    org_id          INTEGER NOT NULL,
    event_type      TEXT    NOT NULL,
    subscription_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, event_type, subscription_id)
) WITHOUT ROWID;

-- One row per change and subscribed endpoint. No identifier: the contact by id (its reference
-- is read at delivery), what changed in the ledger's own vocabulary.
CREATE TABLE webhook_outbox (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    subscription_id INTEGER NOT NULL,
    contact_id      INTEGER NOT NULL,
    event_type      TEXT    NOT NULL,
    event_id        INTEGER,                 -- consent_events.id, for ledger changes
    channel         TEXT,
    purpose         TEXT,
    action          TEXT,
    method          TEXT,
    at              INTEGER NOT NULL,        -- when the change happened
    created_at      INTEGER NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending',  -- pending, delivered, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER,
    delivered_at    INTEGER,
    http_status     INTEGER,
    last_error      TEXT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (org_id, status, next_attempt_at);
-- In order per contact and endpoint: a row waits while an earlier one of its stream is undelivered.
CREATE INDEX webhook_outbox_stream ON webhook_outbox (org_id, subscription_id, contact_id, id);

CREATE TRIGGER webhook_outbox_ledger AFTER INSERT ON consent_events
WHEN EXISTS (SELECT 1 FROM webhook_subscription_events s
             WHERE s.org_id = NEW.org_id AND s.event_type = 'consent.' || NEW.action)
BEGIN
    INSERT INTO webhook_outbox (org_id, subscription_id, contact_id, event_type, event_id, channel,
                                purpose, action, method, at, created_at, next_attempt_at)
    SELECT NEW.org_id, s.subscription_id, NEW.contact_id, s.event_type, NEW.id, NEW.channel,
           NEW.purpose, NEW.action, NEW.method, NEW.at, NEW.recorded_at, NEW.recorded_at
    FROM webhook_subscription_events s
    WHERE s.org_id = NEW.org_id AND s.event_type = 'consent.' || NEW.action;
END;

CREATE TRIGGER webhook_outbox_restriction AFTER UPDATE OF restriction_held ON contacts
WHEN NEW.restriction_held <> OLD.restriction_held
 AND EXISTS (SELECT 1 FROM webhook_subscription_events s WHERE s.org_id = NEW.org_id
             AND s.event_type = CASE WHEN NEW.restriction_held THEN 'contact.restricted'
                                     ELSE 'contact.restriction_lifted' END)
BEGIN
    INSERT INTO webhook_outbox (org_id, subscription_id, contact_id, event_type, at, created_at,
                                next_attempt_at)
    SELECT NEW.org_id, s.subscription_id, NEW.id, s.event_type, NEW.updated_at, NEW.updated_at,
           NEW.updated_at
    FROM webhook_subscription_events s
    WHERE s.org_id = NEW.org_id
      AND s.event_type = CASE WHEN NEW.restriction_held THEN 'contact.restricted'
                              ELSE 'contact.restriction_lifted' END;
END;

CREATE TRIGGER webhook_outbox_erasure AFTER UPDATE OF erased_at ON contacts
WHEN OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
 AND EXISTS (SELECT 1 FROM webhook_subscription_events s
             WHERE s.org_id = NEW.org_id AND s.event_type = 'contact.erased')
BEGIN
    INSERT INTO webhook_outbox (org_id, subscription_id, contact_id, event_type, at, created_at,
                                next_attempt_at)
    SELECT NEW.org_id, s.subscription_id, NEW.id, s.event_type, NEW.erased_at, NEW.erased_at,
           NEW.erased_at
    FROM webhook_subscription_events s
    WHERE s.org_id = NEW.org_id AND s.event_type = 'contact.erased';
END;
