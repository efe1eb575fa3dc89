-- Privacy notices (GDPR art. 13 and 14, issue 13): each version of an organization's notice,
-- in French and English, generated from the registers. A draft can change; a published
-- version, or one that consent events name (consent_events.notice_version), never does.
CREATE TABLE notices (
    org_id        INTEGER NOT NULL,
    version       TEXT NOT NULL,
    text_fr       TEXT NOT NULL,
    text_en       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    published_at  INTEGER,
    PRIMARY KEY (org_id, version)
);
