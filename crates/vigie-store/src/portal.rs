//! The public privacy centre's secrets (table `dsar_portal`): a filing's handle, its one-time
//! code and, once the code was given, the token of the private status link. All three are kept
//! as SHA-256 hashes (the code hashed with its handle): what the table holds cannot be used to
//! follow a request or to search for a code. Nothing here names the person.

use std::time::Duration;

use base64::Engine as _;
use jiff::Timestamp;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::model::{OrgId, to_micros};
use crate::sql::sql_params;

/// A filing waiting for its code: the handle goes in the code form's address, the code in the
/// e-mail to the person. Neither is stored in clear.
#[derive(Debug, Clone)]
pub struct PortalFiling {
    pub handle: String,
    pub code: String,
}

/// What a code given to the privacy centre proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    /// The right code, in time: the request and the token of its private status link (shown
    /// once, here).
    Verified {
        request_id: i64,
        status_token: String,
    },
    /// A wrong code; so many attempts remain.
    Wrong { attempts_left: u32 },
    /// The code expired, was already used, or too many wrong codes were given.
    Spent,
    /// No such filing.
    Unknown,
}

fn sha256(parts: &[&str]) -> Vec<u8> {
    let mut h = Sha256::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update(b":");
        }
        h.update(p.as_bytes());
    }
    h.finalize().to_vec()
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Whether a string could be a handle or a status token (43 URL-safe base64 characters): a
/// cheap refusal before any hashing or query.
pub fn plausible_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Store {
    /// A new filing handle and 6-digit code for `request_id`, valid `ttl` from `now`.
    pub async fn portal_new_code(
        &self,
        org: OrgId,
        request_id: i64,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<PortalFiling> {
        let handle = random_token();
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32));
        let expires =
            to_micros(now).saturating_add(i64::try_from(ttl.as_micros()).unwrap_or(i64::MAX));
        self.sql_exec(
            "INSERT INTO dsar_portal (org_id, handle_hash, request_id, code_hash, code_expires_at, \
             attempts, status_hash, created_at) VALUES ($1, $2, $3, $4, $5, 0, NULL, $6)",
            sql_params![
                org,
                sha256(&[handle.as_str()]),
                request_id,
                sha256(&[handle.as_str(), code.as_str()]),
                expires,
                to_micros(now)
            ],
        )
        .await?;
        Ok(PortalFiling { handle, code })
    }

    /// Whether `handle` names a filing still waiting for its code at `now`.
    pub async fn portal_pending(&self, org: OrgId, handle: &str, now: Timestamp) -> Result<bool> {
        if !plausible_token(handle) {
            return Ok(false);
        }
        let row = self
            .sql_row(
                "SELECT code_expires_at FROM dsar_portal WHERE org_id = $1 AND handle_hash = $2 \
                 AND code_hash IS NOT NULL",
                sql_params![org, sha256(&[handle])],
            )
            .await?;
        Ok(match row {
            Some(r) => r[0].int()? > to_micros(now),
            None => false,
        })
    }

    /// Checks a code given for `handle`: at most `max_attempts` codes per filing, each counted
    /// before it is compared; the right one, in time, is used up and yields the status token.
    pub async fn portal_check_code(
        &self,
        org: OrgId,
        handle: &str,
        code: &str,
        now: Timestamp,
        max_attempts: u32,
    ) -> Result<CodeCheck> {
        if !plausible_token(handle) {
            return Ok(CodeCheck::Unknown);
        }
        let handle_hash = sha256(&[handle]);
        let row = self
            .sql_row(
                "UPDATE dsar_portal SET attempts = attempts + 1 WHERE org_id = $1 AND \
                 handle_hash = $2 AND code_hash IS NOT NULL AND attempts < $3 \
                 RETURNING request_id, code_hash, code_expires_at, attempts",
                sql_params![org, handle_hash.clone(), i64::from(max_attempts)],
            )
            .await?;
        let Some(row) = row else {
            let exists = self
                .sql_row(
                    "SELECT request_id FROM dsar_portal WHERE org_id = $1 AND handle_hash = $2",
                    sql_params![org, handle_hash],
                )
                .await?;
            return Ok(if exists.is_some() {
                CodeCheck::Spent
            } else {
                CodeCheck::Unknown
            });
        };
        let request_id = row[0].int()?;
        let stored = row[1]
            .opt_blob()?
            .ok_or_else(|| StoreError::Other("code vanished".into()))?;
        let expires = row[2].int()?;
        let attempts = u32::try_from(row[3].int()?).unwrap_or(u32::MAX);
        if expires <= to_micros(now) {
            return Ok(CodeCheck::Spent);
        }
        let code = code.trim();
        if code.len() != 6
            || !code.bytes().all(|b| b.is_ascii_digit())
            || sha256(&[handle, code]) != stored
        {
            let left = max_attempts.saturating_sub(attempts);
            return Ok(if left == 0 {
                CodeCheck::Spent
            } else {
                CodeCheck::Wrong {
                    attempts_left: left,
                }
            });
        }
        let status_token = random_token();
        let changed = self
            .sql_exec(
                "UPDATE dsar_portal SET code_hash = NULL, status_hash = $1 WHERE org_id = $2 AND \
                 handle_hash = $3 AND code_hash IS NOT NULL",
                // In order of appearance: SQLite numbers `$n` as they come.
                sql_params![sha256(&[status_token.as_str()]), org, handle_hash],
            )
            .await?;
        if changed == 0 {
            // The same code given twice at once: the other one won.
            return Ok(CodeCheck::Spent);
        }
        Ok(CodeCheck::Verified {
            request_id,
            status_token,
        })
    }

    /// The request a status token follows.
    pub async fn portal_request(&self, org: OrgId, status_token: &str) -> Result<Option<i64>> {
        if !plausible_token(status_token) {
            return Ok(None);
        }
        self.sql_row(
            "SELECT request_id FROM dsar_portal WHERE org_id = $1 AND status_hash = $2",
            sql_params![org, sha256(&[status_token])],
        )
        .await?
        .map(|r| r[0].int())
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters() {
        let t = random_token();
        assert!(plausible_token(&t), "{t}");
        assert!(!plausible_token("short"));
        assert!(!plausible_token(&format!("{}/", &t[..42])));
    }
}
