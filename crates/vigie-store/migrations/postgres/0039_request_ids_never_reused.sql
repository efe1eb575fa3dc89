-- A purged data subject request's id is never given again: on SQLite this needs a record of
-- the highest purged id (see the SQLite migration); PostgreSQL's identity sequence never goes
-- back, so nothing changes here. Kept so that both stores share their migration numbers.
SELECT 1;
