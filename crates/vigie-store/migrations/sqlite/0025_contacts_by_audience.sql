-- The contacts list filtered by audience (consumer, professional, generic), page by page in id
-- order, and its total: one range of this index per page, keyed by organization first.
CREATE INDEX contacts_by_audience ON contacts (org_id, audience, id);
