-- The registers of issue 13 (profile, processing activities, processors, impact assessments):
-- one versioned document per organization. They are small, always read and checked as a whole
-- (references between records, the gaps flagged), and an audit asks what they said on a given
-- day: each change is a new version, none is rewritten. The document is vigie-core's
-- `Registers` as JSON.
CREATE TABLE registers (
    org_id      BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    document    TEXT   NOT NULL,
    written_at  BIGINT NOT NULL,
    written_by  TEXT   NOT NULL,
    PRIMARY KEY (org_id, version)
);
