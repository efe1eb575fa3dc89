-- SQLite moved its contact look-ups by blind index out of `contacts` into a table of their own
-- (sqlite/0006_contact_lookup.sql: its bulk loads built the two partial indexes by a slow sort).
-- PostgreSQL keeps the partial indexes `contacts_by_email` and `contacts_by_phone`: its bulk
-- loads maintain them as they go. Nothing changes here; the migration keeps both lists in step.
SELECT 1;
