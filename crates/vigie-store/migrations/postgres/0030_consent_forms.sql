-- Consent forms (issue 15): each version of an organization's form, its definition as the core
-- reads it (vigie_core::forms::FormSpec, JSON). A change is a new version; old versions stay,
-- as the ledger's proofs name them (source `form:<slug>@<version>`).
CREATE TABLE consent_forms (
    org_id      BIGINT NOT NULL,
    slug        TEXT   NOT NULL,
    version     BIGINT NOT NULL,
    spec        TEXT   NOT NULL,
    actor       TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, slug, version)
);
