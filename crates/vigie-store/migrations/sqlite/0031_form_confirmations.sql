-- Double opt-in (issue 15): an e-mail box ticked on a form waits here until the person follows
-- the signed link e-mailed to them. The row is kept after confirmation as the first half of the
-- proof: the submission's time, and its IP and user agent sealed with the contact's data key
-- (an erasure shreds them with the key); the ledger's grant (method double_opt_in) names it.
CREATE TABLE form_confirmations (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    form_slug       TEXT    NOT NULL,
    form_version    INTEGER NOT NULL,
    contact_id      INTEGER NOT NULL,
    contact_ref     TEXT    NOT NULL,
    lang            TEXT    NOT NULL,   -- the page's language: the wording shown
    wording_sha256  TEXT    NOT NULL,
    purposes        TEXT    NOT NULL,   -- comma-separated
    submitted_at    INTEGER NOT NULL,
    proof           BLOB,               -- sealed {ip, user_agent} of the submission
    confirmed_at    INTEGER
);
CREATE INDEX form_confirmations_by_org ON form_confirmations (org_id, id);
