-- The time zone recorded for a contact (an IANA name such as Europe/Paris): calling hours are the
-- consumer's own (D223-9), and a recorded zone wins over the one the phone number implies. In
-- clear, as it is not an identifier: the screening scan reads it. NULL = none recorded.
ALTER TABLE contacts ADD COLUMN time_zone TEXT;
