-- Every import, from the web pages or `vigie import`: who, when, which file of which kind, and
-- what it did (rows, inserted, updated, unchanged, removed, rejected) or why it was refused. The
-- imports page lists them; no identifier is kept here.
CREATE TABLE import_runs (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    file_name   TEXT,
    actor       TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    outcome     TEXT    NOT NULL,   -- done, refused (bad rows: nothing imported) or failed
    rows        INTEGER NOT NULL,
    inserted    INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    message     TEXT
);
CREATE INDEX import_runs_by_org ON import_runs (org_id, id);
