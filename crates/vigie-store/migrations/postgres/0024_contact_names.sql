-- Contacts found by name without the name in clear (names are sealed in `pii`): each search key
-- of a contact's name (vigie_core::names: the whole name folded, and each word) is hashed under
-- the organization's blind-index key and entered in `contact_names`.
--
-- `contacts.name_bidx` holds the contact's current name hashes, 16 bytes each, end to end: a
-- search checks that the contact still has the hash it was found by. NULL means "not indexed
-- yet": the rows written before this migration, which the store indexes when it opens
-- (Store::index_contact_names; the partial index finds them, and is empty once done). An
-- erased contact has the empty string: nothing to index, ever.
ALTER TABLE contacts ADD COLUMN name_bidx BYTEA;
UPDATE contacts SET name_bidx = ''::bytea WHERE erased_at IS NOT NULL;
CREATE INDEX contacts_names_unindexed ON contacts (org_id, id) WHERE name_bidx IS NULL;

-- A search reads (organization, hash) → contacts; an update or an erasure deletes a contact's
-- entries by (organization, contact).
CREATE TABLE contact_names (
    org_id     BIGINT NOT NULL,
    name_bidx  BYTEA  NOT NULL,
    contact_id BIGINT NOT NULL,
    PRIMARY KEY (org_id, name_bidx, contact_id)
);
CREATE INDEX contact_names_by_contact ON contact_names (org_id, contact_id);
