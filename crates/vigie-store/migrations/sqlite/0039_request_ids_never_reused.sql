-- A purged data subject request's id is never given again (issue 16, retention purges).
--
-- Why: `dsar_requests.id` is an INTEGER PRIMARY KEY without AUTOINCREMENT, so SQLite hands out
-- max(id) + 1: when the retention run purges the newest request, the next request would get its
-- id, and a link, a log line or an audit entry naming the purged request would name another
-- person's. The purge records the highest id it removed; a new request takes the next id above
-- both (PostgreSQL's identity sequence never goes back, so it needs nothing).
CREATE TABLE dsar_request_purges (
    org_id   INTEGER PRIMARY KEY,
    last_id  INTEGER NOT NULL  -- the highest request id purged in this organization
);
