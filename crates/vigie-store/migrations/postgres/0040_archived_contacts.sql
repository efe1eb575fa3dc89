-- The archived customers of an organization (held for the accounting obligation), found
-- without a scan of its contacts: a contacts import or a contact's write that brought fields
-- back to one of them is followed at once by the archive's reduction (retention_archive.rs),
-- which reads them through this index. Only archived rows have an entry.
CREATE INDEX contacts_archived ON contacts (org_id, id) WHERE retention_hold_until IS NOT NULL;
