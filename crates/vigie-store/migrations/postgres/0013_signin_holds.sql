-- Failed sign-ins per account, and the hold they put on it, kept across restarts: restarting
-- the server must not give an attacker a fresh set of password guesses.
CREATE TABLE signin_holds (
    account     BYTEA   PRIMARY KEY,          -- SHA-256 of the login as typed (lower-cased)
    failures    BIGINT  NOT NULL,             -- failed sign-ins in a row
    held_until  BIGINT                        -- micros; no sign-in before it
);
