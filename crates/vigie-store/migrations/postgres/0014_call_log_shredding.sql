-- An erasure is final: not even a blind index of the person stays linked to the contact. The
-- call log stays append-only, with one exception: an erasure may clear the blind index of the
-- number called (to the empty string), and change nothing else.
CREATE FUNCTION vigie_call_log_shred_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.phone_bidx = ''::bytea
       AND (NEW.org_id, NEW.id, NEW.contact_id, NEW.at, NEW.outcome, NEW.recorded_at)
           = (OLD.org_id, OLD.id, OLD.contact_id, OLD.at, OLD.outcome, OLD.recorded_at)
       AND NEW.campaign IS NOT DISTINCT FROM OLD.campaign
       AND NEW.agent IS NOT DISTINCT FROM OLD.agent THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the call log is append-only: calls are never %d', lower(TG_OP);
END $$;
DROP TRIGGER calls_append_only ON calls;
CREATE TRIGGER calls_append_only BEFORE UPDATE OR DELETE ON calls
    FOR EACH ROW EXECUTE FUNCTION vigie_call_log_shred_only();
