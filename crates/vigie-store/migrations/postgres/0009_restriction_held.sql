-- A restriction of processing set by a data subject request (GDPR art. 18, or an erasure that
-- ended archived and restricted) is held by the request: a routine re-import of contacts, or a
-- PUT, may set `restricted` but never clears a held one. Only lifting the restriction (`vigie
-- dsar lift`, Dsar::lift_restriction) clears the hold, and with it the flag.
ALTER TABLE contacts ADD COLUMN restriction_held BOOLEAN NOT NULL DEFAULT false;
