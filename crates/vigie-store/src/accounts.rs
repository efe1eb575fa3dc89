//! Accounts: users and their role in each organization, passwords (Argon2id), the TOTP second
//! factor (RFC 6238) with recovery codes, one-time set-up links, sessions, and API tokens.
//!
//! No secret is stored as given: passwords as Argon2id PHC strings; session ids, set-up links,
//! recovery codes and tokens as SHA-256 hashes (they are long random strings, so a fast hash
//! suffices); TOTP secrets wrapped by the master key like the data keys. The rules of who may do
//! what are in `vigie_core::access`; this module only keeps the facts.

use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, Params};
use base64::Engine as _;
use jiff::Timestamp;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use vigie_core::{Email, Permission, Role, parse_scopes};

use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros};
use crate::sql::{Val, sql_params};
use crate::vault::SecretKey;
use crate::{Store, now_micros};

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;
/// How long a set-up link stays valid.
pub const SETUP_LINK_TTL: Duration = Duration::from_secs(72 * 3600);
/// How many recovery codes a user gets at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// TOTP: 6 digits every 30 seconds, one step of clock drift either way.
const TOTP_STEP: u64 = 30;
const TOTP_DIGITS: usize = 6;

/// A person who signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    /// Has chosen a password (set-up done).
    pub has_password: bool,
    /// Has confirmed a TOTP second factor.
    pub totp_enabled: bool,
    pub created_at: Timestamp,
    pub disabled: bool,
}

/// A user's role in one organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub org_id: OrgId,
    pub org_slug: String,
    pub role: Role,
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    /// The token every form of this session carries (CSRF).
    pub csrf: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// The second factor was given: until then the session can only finish signing in.
    pub mfa_done: bool,
}

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Ends a session that has not been used for this long.
    pub idle: Duration,
    /// Ends every session this long after sign-in.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
        }
    }
}

/// An API token as listed (the secret is never kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: String,
    pub org_id: OrgId,
    pub name: String,
    pub scopes: Vec<Permission>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

impl ApiToken {
    /// Whether the token may be used at `now`.
    pub fn usable_at(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }
}

/// A token just created: the secret is shown once, here.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token: ApiToken,
    pub secret: String,
}

/// What a user scans at TOTP enrolment.
#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    /// The secret in base32, for typing by hand.
    pub secret_base32: String,
    /// `otpauth://totp/…`, for the QR code.
    pub otpauth_url: String,
}

pub(crate) fn sha256(s: &str) -> Vec<u8> {
    Sha256::digest(s.as_bytes()).to_vec()
}

/// A random secret of `bytes` bytes, URL-safe base64 without padding.
fn random_secret(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub(crate) fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// The sign-in name: an e-mail address, trimmed and lower-cased.
pub fn parse_login(email: &str) -> Result<String> {
    Email::parse(email)
        .map(|e| e.as_str().to_owned())
        .map_err(|e| StoreError::Invalid(format!("email: {e}")))
}

fn argon2() -> Argon2<'static> {
    // OWASP's first Argon2id choice: 19 MiB, 2 passes, 1 lane.
    Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters"),
    )
}

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::thread_rng());
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Other(format!("password hashing: {e}")))
}

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash verified when the user is unknown, so that the answer takes as long either way.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone").expect("hashing works"))
}

/// Checks a new password; the message says what is wrong.
pub fn check_new_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(StoreError::Invalid(format!(
            "password: at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    if password.len() > 1024 {
        return Err(StoreError::Invalid("password: at most 1024 bytes".into()));
    }
    if crate::signin::is_guessable(password) {
        return Err(StoreError::Invalid(
            "password: too easy to guess (a common or breached password, a variant of one, or a \
             repetition): choose a longer phrase of your own"
                .into(),
        ));
    }
    Ok(())
}

fn totp(secret: &[u8]) -> totp_rs::TOTP {
    totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        TOTP_DIGITS,
        1,
        TOTP_STEP,
        secret.to_vec(),
    )
}

/// The TOTP code of `secret` at `at` (what an authenticator app shows then).
pub fn totp_code(secret_base32: &str, at: Timestamp) -> Option<String> {
    let secret = totp_rs::Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .ok()?;
    Some(totp(&secret).generate(at.as_second().max(0) as u64))
}

/// The step (30 s window) at which `code` is valid around `at`, if any.
fn totp_step_of(secret: &[u8], code: &str, at: Timestamp) -> Option<i64> {
    let code = code.trim();
    if code.len() != TOTP_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret);
    let now_step = at.as_second().max(0) / TOTP_STEP as i64;
    (now_step - 1..=now_step + 1).find(|step| t.generate((*step as u64) * TOTP_STEP) == code)
}

pub(crate) fn totp_context(user_id: i64) -> Vec<u8> {
    format!("vigie/user-totp/{user_id}").into_bytes()
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

macro_rules! user_columns {
    () => {
        "id, email, password_hash IS NOT NULL, totp_enabled_at IS NOT NULL, created_at, disabled_at"
    };
}

fn user_of(r: &[Val]) -> Result<User> {
    Ok(User {
        id: r[0].int()?,
        email: r[1].text()?,
        has_password: r[2].int()? != 0,
        totp_enabled: r[3].int()? != 0,
        created_at: from_micros(r[4].int()?),
        disabled: r[5].opt_int()?.is_some(),
    })
}

macro_rules! token_columns {
    () => {
        "id, org_id, name, scopes, created_by, created_at, expires_at, revoked_at, last_used_at"
    };
}

fn token_of(r: &[Val]) -> Result<ApiToken> {
    Ok(ApiToken {
        id: r[0].text()?,
        org_id: r[1].int()?,
        name: r[2].text()?,
        scopes: parse_scopes(&r[3].text()?).map_err(|e| StoreError::Other(e.to_string()))?,
        created_by: r[4].text()?,
        created_at: from_micros(r[5].int()?),
        expires_at: r[6].opt_int()?.map(from_micros),
        revoked_at: r[7].opt_int()?.map(from_micros),
        last_used_at: r[8].opt_int()?.map(from_micros),
    })
}

/// Refusal to demote or remove an organization's last admin: nobody could manage it after.
fn last_admin(email: &str) -> StoreError {
    StoreError::Conflict(format!(
        "{email} is the organization's last admin: make another member admin first"
    ))
}

impl Store {
    // --- users and memberships -----------------------------------------------------------

    /// Gives `email` the role `role` in the organization, creating the user if needed. Returns
    /// the user and whether it was created.
    pub async fn add_member(&self, org: OrgId, email: &str, role: Role) -> Result<(User, bool)> {
        let email = parse_login(email)?;
        let now = now_micros();
        let created = self
            .sql_exec(
                "INSERT INTO users (email, created_at) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING",
                sql_params![email.as_str(), now],
            )
            .await?
            == 1;
        let user = self
            .user_by_email(&email)
            .await?
            .ok_or_else(|| StoreError::Other("user vanished after insert".into()))?;
        // The condition and the change are one statement, so no other write slips between
        // "is there another admin?" and the demotion.
        let changed = self
            .sql_exec(
                "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role
                 WHERE excluded.role = 'admin' OR memberships.role <> 'admin'
                    OR EXISTS (SELECT 1 FROM memberships other
                               WHERE other.org_id = $1 AND other.role = 'admin'
                                 AND other.user_id <> $2)",
                sql_params![org, user.id, role.as_str(), now],
            )
            .await?;
        if changed == 0 {
            return Err(last_admin(&user.email));
        }
        Ok((user, created))
    }

    /// Takes the user out of the organization; `false` if they were not a member. The last
    /// admin of an organization cannot be removed ([`StoreError::Conflict`]).
    pub async fn remove_member(&self, org: OrgId, user_id: i64) -> Result<bool> {
        let removed = self
            .sql_exec(
                "DELETE FROM memberships WHERE org_id = $1 AND user_id = $2
                 AND (role <> 'admin' OR EXISTS (SELECT 1 FROM memberships other
                      WHERE other.org_id = $1 AND other.role = 'admin' AND other.user_id <> $2))",
                sql_params![org, user_id],
            )
            .await?;
        if removed == 0 && self.role_in(user_id, org).await? == Some(Role::Admin) {
            let email = self
                .user(user_id)
                .await?
                .map(|u| u.email)
                .unwrap_or_default();
            return Err(last_admin(&email));
        }
        Ok(removed > 0)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let Ok(email) = parse_login(email) else {
            return Ok(None);
        };
        const SQL: &str = concat!("SELECT ", user_columns!(), " FROM users WHERE email = $1");
        self.sql_row(SQL, sql_params![email])
            .await?
            .map(|r| user_of(&r))
            .transpose()
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        const SQL: &str = concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1");
        self.sql_row(SQL, sql_params![id])
            .await?
            .map(|r| user_of(&r))
            .transpose()
    }

    /// The organization's members and their roles, by e-mail.
    pub async fn members(&self, org: OrgId) -> Result<Vec<(User, Role)>> {
        const SQL: &str =
            "SELECT u.id, u.email, u.password_hash IS NOT NULL, u.totp_enabled_at IS NOT NULL,
                  u.created_at, u.disabled_at, m.role
             FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.org_id = $1 ORDER BY u.email";
        self.sql_rows(SQL, sql_params![org])
            .await?
            .iter()
            .map(|r| Ok((user_of(r)?, role_of(&r[6])?)))
            .collect()
    }

    /// The organizations a user belongs to, with the role in each, by slug.
    pub async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>> {
        const SQL: &str = "SELECT m.org_id, o.slug, m.role FROM memberships m
             JOIN organizations o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.slug";
        self.sql_rows(SQL, sql_params![user_id])
            .await?
            .iter()
            .map(|r| {
                Ok(Membership {
                    org_id: r[0].int()?,
                    org_slug: r[1].text()?,
                    role: role_of(&r[2])?,
                })
            })
            .collect()
    }

    /// The user's role in the organization, if a member.
    pub async fn role_in(&self, user_id: i64, org: OrgId) -> Result<Option<Role>> {
        self.sql_row(
            "SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2",
            sql_params![org, user_id],
        )
        .await?
        .map(|r| role_of(&r[0]))
        .transpose()
    }

    // --- set-up links and passwords ------------------------------------------------------

    /// A one-time set-up link secret for the user (valid [`SETUP_LINK_TTL`]); earlier unused
    /// links stop working.
    pub async fn create_setup_secret(&self, user_id: i64) -> Result<String> {
        let now = now_micros();
        self.sql_exec(
            "UPDATE user_secrets SET used_at = $1 WHERE user_id = $2 AND kind = 'setup' AND used_at IS NULL",
            sql_params![now, user_id],
        )
        .await?;
        let secret = random_secret(32);
        self.sql_exec(
            "INSERT INTO user_secrets (hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, 'setup', $3, $4)",
            sql_params![sha256(&secret), user_id, now, now + micros(SETUP_LINK_TTL)],
        )
        .await?;
        Ok(secret)
    }

    /// The user a set-up secret is for, while it is unused and unexpired.
    pub async fn setup_user(&self, secret: &str) -> Result<Option<User>> {
        let row = self
            .sql_row(
                "SELECT user_id FROM user_secrets WHERE hash = $1 AND kind = 'setup'
                 AND used_at IS NULL AND expires_at > $2",
                sql_params![sha256(secret), now_micros()],
            )
            .await?;
        match row {
            Some(r) => self.user(r[0].int()?).await,
            None => Ok(None),
        }
    }

    /// Uses a set-up secret to choose a password: the secret then stops working.
    pub async fn redeem_setup(&self, secret: &str, password: &str) -> Result<User> {
        check_new_password(password)?;
        let hash = hash_blocking(password.to_owned()).await?;
        let now = now_micros();
        let row = self
            .sql_row(
                "UPDATE user_secrets SET used_at = $1 WHERE hash = $2 AND kind = 'setup'
                 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
                sql_params![now, sha256(secret)],
            )
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(
                    "set-up link (used, expired or unknown: ask an admin for a new one)".into(),
                )
            })?;
        let user_id = row[0].int()?;
        self.sql_exec(
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            sql_params![hash, user_id],
        )
        .await?;
        self.user(user_id)
            .await?
            .ok_or_else(|| StoreError::Other("user vanished".into()))
    }

    /// Sets a user's password directly (CLI, tests).
    pub async fn set_password(&self, user_id: i64, password: &str) -> Result<()> {
        check_new_password(password)?;
        let hash = hash_blocking(password.to_owned()).await?;
        self.sql_exec(
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            sql_params![hash, user_id],
        )
        .await?;
        Ok(())
    }

    /// The user, if `email` and `password` match an enabled account. Takes as long whether or
    /// not the user exists.
    pub async fn check_password(&self, email: &str, password: &str) -> Result<Option<User>> {
        let row = match parse_login(email) {
            Ok(email) => {
                self.sql_row(
                    "SELECT id, password_hash, disabled_at FROM users WHERE email = $1",
                    sql_params![email],
                )
                .await?
            }
            Err(_) => None,
        };
        let (id, phc, enabled) = match &row {
            Some(r) => (
                Some(r[0].int()?),
                r[1].opt_text()?,
                r[2].opt_int()?.is_none(),
            ),
            None => (None, None, false),
        };
        let given = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            let phc = phc.as_deref().unwrap_or_else(|| dummy_hash());
            password_matches(&given, phc)
        })
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?;
        match (
            id,
            ok && enabled && row.as_ref().is_some_and(|r| r[1] != Val::Null),
        ) {
            (Some(id), true) => self.user(id).await,
            _ => Ok(None),
        }
    }

    // --- second factor -------------------------------------------------------------------

    /// Starts (or restarts) TOTP enrolment: a new secret, kept wrapped until confirmed.
    pub async fn begin_totp(&self, user_id: i64) -> Result<TotpEnrolment> {
        let user = self
            .user(user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user {user_id}")))?;
        if user.totp_enabled {
            return Err(StoreError::Conflict(
                "the second factor is already set up".into(),
            ));
        }
        // A pending secret is shown again (the page may be reloaded after a wrong code); a new
        // one is made only when there is none.
        let key = match self.totp_secret(user_id).await? {
            Some((key, _)) => key,
            None => {
                let key = SecretKey::random();
                let wrapped = self.vault.wrap(&key, &totp_context(user_id));
                self.sql_exec(
                    "UPDATE users SET totp_wrapped = $1 WHERE id = $2 AND totp_enabled_at IS NULL",
                    sql_params![wrapped, user_id],
                )
                .await?;
                key
            }
        };
        let secret_base32 = totp(key.as_bytes()).get_secret_base32();
        let otpauth_url = format!(
            "otpauth://totp/Vigie:{}?secret={secret_base32}&issuer=Vigie&algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP}",
            pct(&user.email)
        );
        Ok(TotpEnrolment {
            secret_base32,
            otpauth_url,
        })
    }

    async fn totp_secret(&self, user_id: i64) -> Result<Option<(SecretKey, Option<i64>)>> {
        let Some(r) = self
            .sql_row(
                "SELECT totp_wrapped, totp_last_step FROM users WHERE id = $1",
                sql_params![user_id],
            )
            .await?
        else {
            return Ok(None);
        };
        let Some(wrapped) = r[0].opt_blob()? else {
            return Ok(None);
        };
        let key = self.vault.unwrap_key(&wrapped, &totp_context(user_id))?;
        Ok(Some((key, r[1].opt_int()?)))
    }

    /// Accepts a TOTP code once: the step it belongs to must be later than the last accepted.
    async fn accept_totp(&self, user_id: i64, code: &str, at: Timestamp) -> Result<bool> {
        let Some((key, last)) = self.totp_secret(user_id).await? else {
            return Ok(false);
        };
        let Some(step) = totp_step_of(key.as_bytes(), code, at) else {
            return Ok(false);
        };
        if last.is_some_and(|l| step <= l) {
            return Ok(false);
        }
        // Compare-and-set: of two concurrent uses of one code, one wins.
        let changed = self
            .sql_exec(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2
                 AND (totp_last_step IS NULL OR totp_last_step < $1)",
                sql_params![step, user_id],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Confirms enrolment with a first code; on success the recovery codes, shown once.
    pub async fn confirm_totp(
        &self,
        user_id: i64,
        code: &str,
        at: Timestamp,
    ) -> Result<Option<Vec<String>>> {
        if !self.accept_totp(user_id, code, at).await? {
            return Ok(None);
        }
        self.sql_exec(
            "UPDATE users SET totp_enabled_at = $1 WHERE id = $2",
            sql_params![now_micros(), user_id],
        )
        .await?;
        Ok(Some(self.new_recovery_codes(user_id).await?))
    }

    /// Replaces the user's recovery codes.
    pub async fn new_recovery_codes(&self, user_id: i64) -> Result<Vec<String>> {
        let now = now_micros();
        self.sql_exec(
            "UPDATE user_secrets SET used_at = $1 WHERE user_id = $2 AND kind = 'recovery' AND used_at IS NULL",
            sql_params![now, user_id],
        )
        .await?;
        let mut codes = Vec::with_capacity(RECOVERY_CODES);
        for _ in 0..RECOVERY_CODES {
            let mut b = [0u8; 8];
            rand::thread_rng().fill_bytes(&mut b);
            let code = hex::encode(b);
            let code = format!("{}-{}", &code[..8], &code[8..]);
            self.sql_exec(
                "INSERT INTO user_secrets (hash, user_id, kind, created_at) VALUES ($1, $2, 'recovery', $3)",
                sql_params![sha256(&code), user_id, now],
            )
            .await?;
            codes.push(code);
        }
        Ok(codes)
    }

    /// Checks a second factor: a TOTP code, or a recovery code (used up).
    pub async fn check_second_factor(
        &self,
        user_id: i64,
        code: &str,
        at: Timestamp,
    ) -> Result<bool> {
        let Some(user) = self.user(user_id).await? else {
            return Ok(false);
        };
        if !user.totp_enabled {
            return Ok(false);
        }
        let code = code.trim();
        if code.contains('-') {
            let used = self
                .sql_exec(
                    "UPDATE user_secrets SET used_at = $1 WHERE hash = $2 AND user_id = $3
                     AND kind = 'recovery' AND used_at IS NULL",
                    sql_params![now_micros(), sha256(&code.to_ascii_lowercase()), user_id],
                )
                .await?;
            return Ok(used == 1);
        }
        self.accept_totp(user_id, code, at).await
    }

    // --- sessions ------------------------------------------------------------------------

    /// Opens a session for the user; the cookie value (shown once) and the session.
    pub async fn create_session(
        &self,
        user_id: i64,
        mfa_done: bool,
        policy: SessionPolicy,
    ) -> Result<(String, Session)> {
        let secret = random_secret(32);
        let csrf = random_secret(24);
        let now = now_micros();
        self.sql_exec(
            "INSERT INTO sessions (hash, user_id, csrf, created_at, seen_at, expires_at, mfa_at)
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
            sql_params![
                sha256(&secret),
                user_id,
                csrf.as_str(),
                now,
                now + micros(policy.absolute),
                mfa_done.then_some(now)
            ],
        )
        .await?;
        let session = self
            .session(&secret, policy)
            .await?
            .ok_or_else(|| StoreError::Other("session vanished after insert".into()))?;
        Ok((secret, session))
    }

    /// The live session of a cookie value: not ended, not past its absolute end, used within
    /// the idle time, its user enabled. Marks it used.
    pub async fn session(&self, secret: &str, policy: SessionPolicy) -> Result<Option<Session>> {
        let now = now_micros();
        let hash = sha256(secret);
        let Some(r) = self
            .sql_row(
                "SELECT user_id, csrf, created_at, seen_at, expires_at, mfa_at FROM sessions
                 WHERE hash = $1 AND ended_at IS NULL",
                sql_params![hash.clone()],
            )
            .await?
        else {
            return Ok(None);
        };
        let seen_at = r[3].int()?;
        let expires_at = r[4].int()?;
        if now >= expires_at || now - seen_at >= micros(policy.idle) {
            return Ok(None);
        }
        let Some(user) = self.user(r[0].int()?).await? else {
            return Ok(None);
        };
        if user.disabled {
            return Ok(None);
        }
        // Writes are kept rare: the idle clock is reset at most once a minute.
        if now - seen_at > 60_000_000 {
            self.sql_exec(
                "UPDATE sessions SET seen_at = $1 WHERE hash = $2",
                sql_params![now, hash],
            )
            .await?;
        }
        Ok(Some(Session {
            user,
            csrf: r[1].text()?,
            created_at: from_micros(r[2].int()?),
            expires_at: from_micros(expires_at),
            mfa_done: r[5].opt_int()?.is_some(),
        }))
    }

    /// Records that the session's user gave the second factor, and renews the session's secret
    /// and CSRF token: the new cookie value. The value used before the second factor stops
    /// working, so whoever planted or saw it (session fixation) does not share the signed-in
    /// session.
    pub async fn session_mfa_done(&self, secret: &str) -> Result<String> {
        let renewed = random_secret(32);
        let changed = self
            .sql_exec(
                "UPDATE sessions SET mfa_at = $1, hash = $2, csrf = $3
                 WHERE hash = $4 AND ended_at IS NULL",
                sql_params![
                    now_micros(),
                    sha256(&renewed),
                    random_secret(24),
                    sha256(secret)
                ],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound("session".into()));
        }
        Ok(renewed)
    }

    /// Ends a session (logout).
    pub async fn end_session(&self, secret: &str) -> Result<()> {
        self.sql_exec(
            "UPDATE sessions SET ended_at = $1 WHERE hash = $2 AND ended_at IS NULL",
            sql_params![now_micros(), sha256(secret)],
        )
        .await?;
        Ok(())
    }

    /// Moves a session's clocks back by `by` (tests of expiry, without waiting).
    #[cfg(feature = "testing")]
    pub async fn age_session(&self, secret: &str, by: Duration) -> Result<()> {
        let by = micros(by);
        self.sql_exec(
            "UPDATE sessions SET created_at = created_at - $1, seen_at = seen_at - $1,
             expires_at = expires_at - $1 WHERE hash = $2",
            sql_params![by, sha256(secret)],
        )
        .await?;
        Ok(())
    }

    // --- API tokens ----------------------------------------------------------------------

    /// Creates an API token of the organization with these scopes; the secret is in the answer
    /// only.
    pub async fn create_token(
        &self,
        org: OrgId,
        name: &str,
        scopes: &[Permission],
        expires_at: Option<Timestamp>,
        created_by: &str,
    ) -> Result<NewToken> {
        let name = name.trim();
        // Characters, as the message says (a name in French is not shorter in bytes).
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::Invalid("name: 1 to 100 characters".into()));
        }
        if scopes.is_empty() || scopes.iter().any(|s| !s.is_scope()) {
            return Err(StoreError::Invalid(format!(
                "scopes: at least one of {}",
                Permission::scopes()
                    .map(Permission::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let mut scopes = scopes.to_vec();
        scopes.sort();
        scopes.dedup();
        let mut id = [0u8; 8];
        rand::thread_rng().fill_bytes(&mut id);
        let id = format!("tok_{}", hex::encode(id));
        let secret = format!("vigie_{id}_{}", random_secret(32));
        let list = scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",");
        self.sql_exec(
            "INSERT INTO api_tokens (id, org_id, hash, name, scopes, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            sql_params![
                id.as_str(),
                org,
                sha256(&secret),
                name,
                list,
                created_by,
                now_micros(),
                expires_at.map(|t| t.as_microsecond())
            ],
        )
        .await?;
        let token = self
            .token(org, &id)
            .await?
            .ok_or_else(|| StoreError::Other("token vanished after insert".into()))?;
        Ok(NewToken { token, secret })
    }

    /// The token a secret names, revoked or expired included (the caller tells why it refuses).
    pub async fn token_by_secret(&self, secret: &str) -> Result<Option<ApiToken>> {
        const SQL: &str = concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE hash = $1"
        );
        self.sql_row(SQL, sql_params![sha256(secret)])
            .await?
            .map(|r| token_of(&r))
            .transpose()
    }

    pub async fn token(&self, org: OrgId, id: &str) -> Result<Option<ApiToken>> {
        const SQL: &str = concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE org_id = $1 AND id = $2"
        );
        self.sql_row(SQL, sql_params![org, id])
            .await?
            .map(|r| token_of(&r))
            .transpose()
    }

    /// The organization's tokens, newest first.
    pub async fn tokens(&self, org: OrgId) -> Result<Vec<ApiToken>> {
        const SQL: &str = concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE org_id = $1 ORDER BY created_at DESC, id"
        );
        self.sql_rows(SQL, sql_params![org])
            .await?
            .iter()
            .map(|r| token_of(r))
            .collect()
    }

    /// Revokes a token; `false` if the organization has no such live token.
    pub async fn revoke_token(&self, org: OrgId, id: &str) -> Result<bool> {
        Ok(self
            .sql_exec(
                "UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL",
                sql_params![now_micros(), org, id],
            )
            .await?
            == 1)
    }

    /// Notes that a token was used (at most once a minute per token).
    pub async fn touch_token(&self, id: &str) -> Result<()> {
        let now = now_micros();
        self.sql_exec(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2
             AND (last_used_at IS NULL OR last_used_at < $3)",
            sql_params![now, id, now - 60_000_000],
        )
        .await?;
        Ok(())
    }
}

fn role_of(v: &Val) -> Result<Role> {
    v.text()?
        .parse()
        .map_err(|e: vigie_core::UnknownName| StoreError::Other(e.to_string()))
}

async fn hash_blocking(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_matches_rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", truncated to 6 digits.
        let secret = b"12345678901234567890";
        for (t, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            let at = Timestamp::from_second(t).unwrap();
            assert_eq!(totp(secret).generate(t as u64), code, "t = {t}");
            let step = totp_step_of(secret, code, at).expect("valid now");
            assert_eq!(step, t / 30);
        }
        let at = Timestamp::from_second(59).unwrap();
        assert_eq!(totp_step_of(secret, "287083", at), None);
        assert_eq!(totp_step_of(secret, "28708", at), None);
        // One step of drift is accepted, two are not.
        let later = Timestamp::from_second(59 + 30).unwrap();
        assert!(totp_step_of(secret, "287082", later).is_some());
        let much_later = Timestamp::from_second(59 + 61).unwrap();
        assert_eq!(totp_step_of(secret, "287082", much_later), None);
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let phc = hash_password("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(password_matches("correct horse battery", &phc));
        assert!(!password_matches("correct horse batterY", &phc));
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("twelve chars").is_ok());
    }

    #[test]
    fn common_and_breached_passwords_are_refused_whatever_their_length() {
        // Long enough, but among the first guesses: in the list, a listed one dressed up with
        // digits and symbols, or a repetition.
        for guessable in [
            "1qaz2wsx3edc",
            "QWERTY123456",
            "leavemealone",
            "Password2024!",
            "!!sunshine!!2025",
            "iloveyou12345",
            "aaaaaaaaaaaaaaaa",
            "abcabcabcabc",
            "121212121212",
        ] {
            let refused = check_new_password(guessable);
            assert!(
                matches!(&refused, Err(StoreError::Invalid(m)) if m.starts_with("password: too easy")),
                "{guessable}: {refused:?}"
            );
        }
        // A phrase of one's own passes, with no rule on character classes.
        for fine in [
            "correct horse battery",
            "le chat de ma voisine",
            "sunshine over the bay",
        ] {
            assert!(check_new_password(fine).is_ok(), "{fine}");
        }
    }
}
