-- Contacts found by name without the name in clear (names are sealed in `pii`): each search key
-- of a contact's name (vigie_core::names: the whole name folded, and each word) is hashed under
-- the organization's blind-index key and entered in `contact_lookup` as kind 3.
--
-- `contacts.name_bidx` holds the contact's current name hashes, 16 bytes each, end to end: an
-- update deletes exactly the old entries (the look-up key starts with the hash, not the
-- contact), and a search checks that the contact still has the hash it was found by. NULL
-- means "not indexed yet": the rows written before this migration, which the store indexes
-- when it opens (Store::index_contact_names; the partial index finds them, and is empty once
-- done). An erased contact has the empty blob: nothing to index, ever.
ALTER TABLE contacts ADD COLUMN name_bidx BLOB;
UPDATE contacts SET name_bidx = X'' WHERE erased_at IS NOT NULL;
CREATE INDEX contacts_names_unindexed ON contacts (org_id, id) WHERE name_bidx IS NULL;
