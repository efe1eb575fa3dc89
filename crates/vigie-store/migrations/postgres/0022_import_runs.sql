-- Every import, from the web pages or `vigie import`: who, when, which file of which kind, and
-- what it did (rows, inserted, updated, unchanged, removed, rejected) or why it was refused. The
-- imports page lists them; no identifier is kept here.
CREATE TABLE import_runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY,
    org_id      BIGINT NOT NULL,
    kind        TEXT   NOT NULL,
    file_name   TEXT,
    actor       TEXT   NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    outcome     TEXT   NOT NULL,   -- done, refused (bad rows: nothing imported) or failed
    rows        BIGINT NOT NULL,
    inserted    BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    unchanged   BIGINT NOT NULL,
    removed     BIGINT NOT NULL,
    rejected    BIGINT NOT NULL,
    message     TEXT,
    PRIMARY KEY (org_id, id)
);
