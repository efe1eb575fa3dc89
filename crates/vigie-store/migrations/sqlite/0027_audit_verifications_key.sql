-- On PostgreSQL, 0027 gives audit_verifications a primary key led by the organization (for
-- distribution by organization). A SQLite table already has its rowid: nothing to change here;
-- the migration exists so that both stores count the same versions.
SELECT 1;
