-- An erasure is final: not even a blind index of the person stays linked to the contact. The
-- call log stays append-only, with one exception: an erasure may clear the blind index of the
-- number called (to the empty blob), and change nothing else.
DROP TRIGGER calls_append_only_update;
CREATE TRIGGER calls_append_only_update BEFORE UPDATE ON calls
WHEN NOT (NEW.phone_bidx = X'' AND NEW.id = OLD.id AND NEW.org_id = OLD.org_id
          AND NEW.contact_id = OLD.contact_id AND NEW.at = OLD.at AND NEW.outcome = OLD.outcome
          AND NEW.campaign IS OLD.campaign AND NEW.agent IS OLD.agent
          AND NEW.recorded_at = OLD.recorded_at)
BEGIN SELECT RAISE(ABORT, 'the call log is append-only: calls are never updated'); END;
