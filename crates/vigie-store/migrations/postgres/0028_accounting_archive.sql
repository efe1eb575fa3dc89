-- The accounting archive (issue 16). A customer archived under the accounting obligation
-- (Code de commerce L123-22) keeps only what that obligation needs; the moment its other
-- fields were shredded is recorded, so the run reduces each archived customer once (and again
-- only if a later write brought an identifier back).
ALTER TABLE contacts ADD COLUMN archive_reduced_at BIGINT;

-- The day and month the organization's financial year ends on (MM-DD): the accounting hold is
-- counted from the closing of the financial year. Every organization had 31 December before.
ALTER TABLE org_settings ADD COLUMN financial_year_end TEXT NOT NULL DEFAULT '12-31';
