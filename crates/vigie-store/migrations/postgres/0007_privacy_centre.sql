-- The public privacy centre: a person who files a request online proves control of the e-mail
-- address with a one-time code, then follows the request with a private status link.
-- Every secret is kept as a SHA-256: the handle of the filing (in the code form's address), the
-- code (hashed with the handle, so the table alone cannot be searched for it) and the status
-- link's token. No identifier: the request holds it, sealed.
CREATE TABLE dsar_portal (
    org_id          BIGINT NOT NULL,
    handle_hash     BYTEA  NOT NULL,
    request_id      BIGINT NOT NULL,
    code_hash       BYTEA,
    code_expires_at BIGINT NOT NULL,
    attempts        BIGINT NOT NULL,
    status_hash     BYTEA,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (org_id, handle_hash)
);
CREATE UNIQUE INDEX dsar_portal_by_status ON dsar_portal (org_id, status_hash)
    WHERE status_hash IS NOT NULL;
