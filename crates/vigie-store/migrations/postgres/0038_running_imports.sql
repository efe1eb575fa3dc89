-- Imports recorded while they run (issue 17, graceful shutdown): a run is written `running` when
-- it starts, with the process that holds it (`holder`) and that process's latest sign of life
-- (`heartbeat_at`, refreshed while it runs). A run whose holder stopped beating — a stop, a
-- crash, a machine gone — is marked `interrupted` by the next process to look: its transaction
-- was never committed, so nothing of it was imported. `job` names the web page's job, whose
-- files (upload, rejects) are swept with it.
ALTER TABLE import_runs ADD COLUMN holder TEXT;
ALTER TABLE import_runs ADD COLUMN heartbeat_at BIGINT;
ALTER TABLE import_runs ADD COLUMN job TEXT;
-- The sweep looks only at running rows, across organizations (a handful at a time).
CREATE INDEX import_runs_running ON import_runs (heartbeat_at) WHERE outcome = 'running';
