-- Accounts: the people who sign in, their role in each organization, their sessions, and the
-- API tokens programs use. Secrets are never stored: passwords as Argon2id PHC strings, session
-- ids, set-up links, recovery codes and tokens as SHA-256 hashes, TOTP secrets wrapped by the
-- master key. Users, sessions and tokens are looked up before any organization is known: they
-- are installation-wide tables (reference tables on a distributed PostgreSQL).

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,   -- the sign-in name, trimmed and lower-cased
    password_hash   TEXT,                      -- Argon2id PHC string; NULL until set up
    totp_wrapped    BLOB,                      -- TOTP secret wrapped by the master key
    totp_enabled_at INTEGER,                   -- NULL until the first code was confirmed
    totp_last_step  INTEGER,                   -- last accepted 30 s step: a code is used once
    created_at      INTEGER NOT NULL,
    disabled_at     INTEGER
);

CREATE TABLE memberships (
    org_id      INTEGER NOT NULL REFERENCES organizations(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    role        TEXT    NOT NULL,              -- admin, dpo, marketer, agent, auditor
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

-- One-time secrets of a user: set-up links and recovery codes, by hash.
CREATE TABLE user_secrets (
    hash        BLOB    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    kind        TEXT    NOT NULL,              -- setup, recovery
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    used_at     INTEGER
);
CREATE INDEX user_secrets_by_user ON user_secrets (user_id, kind);

CREATE TABLE sessions (
    hash        BLOB    PRIMARY KEY,           -- SHA-256 of the cookie value
    user_id     INTEGER NOT NULL REFERENCES users(id),
    csrf        TEXT    NOT NULL,              -- the token forms of this session carry
    created_at  INTEGER NOT NULL,
    seen_at     INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,              -- absolute end; idle sessions end sooner
    mfa_at      INTEGER,                       -- when the second factor was given
    ended_at    INTEGER
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id          TEXT    PRIMARY KEY,           -- public part of the token (tok_…)
    org_id      INTEGER NOT NULL REFERENCES organizations(id),
    hash        BLOB    NOT NULL UNIQUE,       -- SHA-256 of the whole token
    name        TEXT    NOT NULL,
    scopes      TEXT    NOT NULL,              -- comma-separated permissions
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    revoked_at  INTEGER,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_by_org ON api_tokens (org_id, created_at);
