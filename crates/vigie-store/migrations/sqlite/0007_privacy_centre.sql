-- The public privacy centre: a person who files a request online proves control of the e-mail
-- address with a one-time code, then follows the request with a private status link.
-- Every secret is kept as a SHA-256: the handle of the filing (in the code form's address), the
-- code (hashed with the handle, so the table alone cannot be searched for it) and the status
-- link's token. No identifier: the request holds it, sealed.
CREATE TABLE dsar_portal (
    org_id          INTEGER NOT NULL,
    handle_hash     BLOB    NOT NULL,
    request_id      INTEGER NOT NULL,
    code_hash       BLOB,               -- cleared once the code was given
    code_expires_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,   -- wrong codes given so far
    status_hash     BLOB,               -- set once the code was given
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (org_id, handle_hash)
) WITHOUT ROWID;
CREATE UNIQUE INDEX dsar_portal_by_status ON dsar_portal (org_id, status_hash)
    WHERE status_hash IS NOT NULL;
