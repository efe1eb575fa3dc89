-- Contacts found by e-mail or phone blind index through hash indexes instead of B-trees
-- (issue 17, PostgreSQL bulk loads).
--
-- Why: blind indexes are keyed hashes, uniformly random. A B-tree on them takes every new row
-- at a random leaf, a descent with byte-string comparisons at each level and, as the index
-- outgrows memory, a random page written back: measured on 2,000,000 contacts, the two B-trees
-- took about two thirds of a load's time in the server. A hash index goes straight to its
-- bucket and stores a 4-byte hash code, not the key: about half that cost, and an index half
-- the size. Look-ups are equalities only (a contact by its e-mail or phone), which is what a
-- hash index answers; the organization is checked on the row (a blind index is keyed by its
-- organization, so another organization's row never shares it in practice, and never matches
-- the filter). Not unique, so the scale-out invariant (unique keys lead with the
-- organization) is untouched.
DROP INDEX contacts_by_email;
DROP INDEX contacts_by_phone;
CREATE INDEX contacts_by_email ON contacts USING hash (email_bidx) WHERE email_bidx IS NOT NULL;
CREATE INDEX contacts_by_phone ON contacts USING hash (phone_bidx) WHERE phone_bidx IS NOT NULL;
