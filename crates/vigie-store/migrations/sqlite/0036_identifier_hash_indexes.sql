-- PostgreSQL replaced its B-tree indexes on the contacts' e-mail and phone blind indexes by
-- hash indexes (postgres/0036_identifier_hash_indexes.sql: cheaper to maintain in bulk loads).
-- SQLite finds contacts through `contact_lookup` (0006), written in key order by its bulk
-- loads. Nothing changes here; the migration keeps both lists in step.
SELECT 1;
