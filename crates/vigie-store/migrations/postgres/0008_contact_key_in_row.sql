-- A contact's wrapped data key moves into the contact's row (see the SQLite migration of the
-- same number for why). Crypto-shredding is now `wrapped_dek = NULL` on the row.

ALTER TABLE contacts ADD COLUMN wrapped_dek BYTEA;
UPDATE contacts c SET wrapped_dek = k.wrapped_dek
    FROM contact_keys k
    WHERE k.org_id = c.org_id AND k.contact_id = c.id;
DROP TABLE contact_keys;
