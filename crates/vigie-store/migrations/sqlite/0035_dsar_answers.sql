-- Answers that reach the person (issue 15): the language a request was filed in, the e-mails
-- telling the person their request was fulfilled, extended or refused, and the access archives
-- they download from the privacy centre's status page.

-- The language the person filed in (the privacy centre's page, `fr` or `en`); NULL: the
-- organization's own language.
ALTER TABLE dsar_requests ADD COLUMN lang TEXT;

-- One e-mail per request and answer (fulfilment, extension, rejection): the key makes it sent
-- once, whatever retries or double clicks happen. `pending` answers are retried with backoff
-- (`next_attempt_at`, also the lease of the sender that claimed it); `sent` and `unsent` (no
-- verified e-mail address, or no mail relay: the staff tell the person otherwise) are final.
-- The address is sealed under the organization's request key, kept only until the answer is
-- sent or given up (an erasure's confirmation is sent after the erasure cleared the request's
-- identifier).
CREATE TABLE dsar_answers (
    org_id          INTEGER NOT NULL,
    request_id      INTEGER NOT NULL,
    answer          TEXT    NOT NULL,   -- fulfilment, extension, rejection
    lang            TEXT    NOT NULL,   -- fr, en
    state           TEXT    NOT NULL,   -- pending, sent, unsent
    address         BLOB,               -- sealed; cleared once sent or unsent
    attempts        INTEGER NOT NULL,
    failure         TEXT,               -- why the last attempt failed (no personal data)
    queued_at       INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    done_at         INTEGER,
    PRIMARY KEY (org_id, request_id, answer)
) WITHOUT ROWID;
CREATE INDEX dsar_answers_pending ON dsar_answers (org_id, next_attempt_at) WHERE state = 'pending';

-- Access and portability archives offered to the person for a limited time. Sealed with the
-- contact's data key, so the erasure that destroys that key shreds the archive too; sealed
-- with the organization's request key when the request matched no contact.
CREATE TABLE dsar_archives (
    org_id      INTEGER NOT NULL,
    request_id  INTEGER NOT NULL,
    contact_ref TEXT,                  -- whose key seals it; NULL: the request key
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    sealed      BLOB,                  -- cleared once expired
    made_at     INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, request_id)
) WITHOUT ROWID;
