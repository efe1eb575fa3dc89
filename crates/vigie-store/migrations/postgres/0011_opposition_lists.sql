-- Opposition lists by name (bloctel, tps, ctps, robinsonliste …), each with the date of the
-- extract last imported: importing a new extract replaces that list (numbers that left it are
-- callable again), and the extract's age says whether the list is current enough to screen
-- against. Until now there was one unnamed list: its entries become the list `bloctel`.
CREATE TABLE opposition_lists (
    org_id       BIGINT NOT NULL,
    name         TEXT   NOT NULL,
    extract_date TEXT,              -- YYYY-MM-DD of the extract; NULL when not known
    imported_at  BIGINT NOT NULL,
    entries      BIGINT NOT NULL,
    PRIMARY KEY (org_id, name)
);

ALTER TABLE opposition ADD COLUMN list TEXT NOT NULL DEFAULT 'bloctel';
ALTER TABLE opposition DROP CONSTRAINT opposition_pkey;
ALTER TABLE opposition ADD PRIMARY KEY (org_id, phone_bidx, list);
INSERT INTO opposition_lists (org_id, name, extract_date, imported_at, entries)
    SELECT org_id, 'bloctel', NULL, max(added_at), count(*) FROM opposition GROUP BY org_id;
-- Replacing a list deletes its entries: found by list, not by scanning the organization.
CREATE INDEX opposition_by_name ON opposition (org_id, list);

-- An organization's settings (vigie-core's OrgSettings); an organization without a row has the
-- defaults every organization had before: region FR, Europe/Paris, French.
CREATE TABLE org_settings (
    org_id      BIGINT PRIMARY KEY,
    region      TEXT   NOT NULL,
    time_zone   TEXT   NOT NULL,
    lang        TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- A consumer phone screening against a stale Bloctel extract (or none) is refused unless the
-- caller overrides it; the override is part of the screening's proof.
ALTER TABLE screening_runs ADD COLUMN opposition_override TEXT;
