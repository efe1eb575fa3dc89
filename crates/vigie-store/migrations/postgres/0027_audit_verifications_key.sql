-- audit_verifications (0026) had no primary key: a table without one cannot be distributed by
-- organization (the catalog test of vigie-store holds every table to it). Each verification gets
-- an identity, and the key leads with the organization.
ALTER TABLE audit_verifications ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY;
ALTER TABLE audit_verifications ADD PRIMARY KEY (org_id, id);
