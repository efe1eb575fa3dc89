-- Outbound webhooks (issue 15): an organization's endpoints and the durable outbox that feeds
-- them. Outbox rows are written by triggers, in the transaction of the change itself: every
-- writer of the ledger (API, imports, calls, requests, forms…) is covered and a rolled-back
-- change leaves no row. Ledger inserts are handled per statement from the transition table (one
-- set-based INSERT … SELECT per batch of an import); contact changes per row, only when the
-- restriction hold or the erasure mark actually changes (the WHEN is checked without calling
-- the function).

CREATE TABLE webhook_subscriptions (
    org_id      BIGINT  NOT NULL,
    id          BIGINT  GENERATED ALWAYS AS IDENTITY,
    name        TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    secret      BYTEA   NOT NULL,            -- sealed under the organization's key
    active      BOOLEAN NOT NULL DEFAULT TRUE,  -- paused: rows still queue, none is sent
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, name)
);

CREATE TABLE webhook_subscription_events (
    org_id          BIGINT NOT NULL,
    event_type      TEXT   NOT NULL,
    subscription_id BIGINT NOT NULL,
    PRIMARY KEY (org_id, event_type, subscription_id)
);

CREATE TABLE webhook_outbox (
    org_id          BIGINT NOT NULL,
    id              BIGINT GENERATED ALWAYS AS IDENTITY,
    subscription_id BIGINT NOT NULL,
    contact_id      BIGINT NOT NULL,
    event_type      TEXT   NOT NULL,
    event_id        BIGINT,
    channel         TEXT,
    purpose         TEXT,
    action          TEXT,
    method          TEXT,
    at              BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    status          TEXT   NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    delivered_at    BIGINT,
    http_status     BIGINT,
    last_error      TEXT,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (org_id, status, next_attempt_at);
CREATE INDEX webhook_outbox_stream ON webhook_outbox (org_id, subscription_id, contact_id, id);

CREATE FUNCTION vigie_webhook_outbox_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM webhook_subscription_events WHERE event_type LIKE 'consent.%') THEN
        INSERT INTO webhook_outbox (org_id, subscription_id, contact_id, event_type, event_id,
                                    channel, purpose, action, method, at, created_at,
                                    next_attempt_at)
        SELECT e.org_id, s.subscription_id, e.contact_id, s.event_type, e.id, e.channel,
               e.purpose, e.action, e.method, e.at, e.recorded_at, e.recorded_at
        FROM new_events e
        JOIN webhook_subscription_events s
          ON s.org_id = e.org_id AND s.event_type = 'consent.' || e.action
        ORDER BY e.id, s.subscription_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_outbox_ledger AFTER INSERT ON consent_events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION vigie_webhook_outbox_ledger();

CREATE FUNCTION vigie_webhook_outbox_contact() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind TEXT;
    happened BIGINT;
BEGIN
    IF OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL THEN
        kind := 'contact.erased';
        happened := NEW.erased_at;
    ELSIF NEW.restriction_held THEN
        kind := 'contact.restricted';
        happened := NEW.updated_at;
    ELSE
        kind := 'contact.restriction_lifted';
        happened := NEW.updated_at;
    END IF;
    INSERT INTO webhook_outbox (org_id, subscription_id, contact_id, event_type, at, created_at,
                                next_attempt_at)
    SELECT NEW.org_id, s.subscription_id, NEW.id, s.event_type, happened, happened, happened
    FROM webhook_subscription_events s
    WHERE s.org_id = NEW.org_id AND s.event_type = kind;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_outbox_contact AFTER UPDATE OF restriction_held, erased_at ON contacts
    FOR EACH ROW
    WHEN (OLD.restriction_held IS DISTINCT FROM NEW.restriction_held
          OR (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL))
    EXECUTE FUNCTION vigie_webhook_outbox_contact();
