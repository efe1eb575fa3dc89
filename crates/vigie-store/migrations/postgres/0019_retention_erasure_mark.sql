-- A contact erased by retention (not by a request of the person) is marked: a later import of
-- its row reports it and leaves it erased, unless the row shows a sign of life (collection)
-- after the erasure, which brings the person back with a new data key. A contact erased at
-- the person's request stays erased whatever the import says.
ALTER TABLE contacts ADD COLUMN erased_by_retention BOOLEAN NOT NULL DEFAULT FALSE;
