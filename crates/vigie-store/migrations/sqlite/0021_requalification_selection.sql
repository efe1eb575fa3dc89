-- Requalification campaigns select one of two groups (issue 16): the prospects whose period ends
-- soon (`period_ending`, every campaign before this migration) or the contacts without proof of
-- consent on the campaign's channel (`without_consent_proof`, the coverage report's "no basis").
ALTER TABLE requalification_campaigns ADD COLUMN selection TEXT NOT NULL DEFAULT 'period_ending';
