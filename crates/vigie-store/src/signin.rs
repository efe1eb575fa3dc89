//! What slows down guessing a person's password: holds on accounts after failed sign-ins (kept
//! in the store, so a restart does not lift them) and the refusal of guessable new passwords.

use std::time::Duration;

use crate::Store;
use crate::accounts::{micros, sha256};
use crate::error::{Result, StoreError};
use crate::now_micros;
use crate::sql::sql_params;

/// Whether a password is among the first guesses of an attacker, as NIST SP 800-63B asks
/// to check (§5.1.1.2; no composition rules): one of the 10,000 most common breached passwords
/// (`common-passwords.txt`, from zxcvbn's list, MIT licence), such a password with only digits
/// or symbols around it (`Password2024!`), or fewer than five different characters
/// (`aaaaaaaaaaaa`, `abcabcabcabc`, `121212121212`).
pub(crate) fn is_guessable(password: &str) -> bool {
    static COMMON: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    let common = COMMON.get_or_init(|| {
        include_str!("common-passwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    });
    let lower = password.to_lowercase();
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    let distinct: std::collections::HashSet<char> = lower.chars().collect();
    common.contains(lower.as_str()) || common.contains(core) || distinct.len() < 5
}

impl Store {
    /// How long sign-ins to `account` (the login as typed) are still held back, if they are.
    pub async fn sign_in_hold(&self, account: &str) -> Result<Option<Duration>> {
        let row = self
            .sql_row(
                "SELECT held_until FROM signin_holds WHERE account = $1",
                sql_params![sha256(&account.to_lowercase())],
            )
            .await?;
        let until = match row {
            Some(r) => r[0].opt_int()?,
            None => None,
        };
        let left = until.map_or(0, |u| u - now_micros());
        Ok((left > 0).then(|| Duration::from_micros(left.unsigned_abs())))
    }

    /// Counts a failed sign-in to `account`: from the `before_hold`-th in a row on, the account
    /// is held back for `hold`, doubled at each further failure (up to 16 times `hold`).
    /// Kept in the store: a restart does not clear it.
    pub async fn sign_in_failed(
        &self,
        account: &str,
        before_hold: u32,
        hold: Duration,
    ) -> Result<()> {
        let key = sha256(&account.to_lowercase());
        let failures = self
            .sql_row(
                "INSERT INTO signin_holds (account, failures) VALUES ($1, 1)
                 ON CONFLICT (account) DO UPDATE SET failures = signin_holds.failures + 1
                 RETURNING failures",
                sql_params![key.clone()],
            )
            .await?
            .ok_or_else(|| StoreError::Other("no row after counting a failed sign-in".into()))?[0]
            .int()?;
        let before_hold = i64::from(before_hold);
        if failures >= before_hold {
            let doublings = (failures - before_hold).min(4) as u32;
            let until = now_micros().saturating_add(micros(hold * 2u32.pow(doublings)));
            self.sql_exec(
                "UPDATE signin_holds SET held_until = $1 WHERE account = $2",
                sql_params![until, key],
            )
            .await?;
        }
        Ok(())
    }

    /// A successful sign-in clears the account's failures and hold.
    pub async fn sign_in_succeeded(&self, account: &str) -> Result<()> {
        self.sql_exec(
            "DELETE FROM signin_holds WHERE account = $1",
            sql_params![sha256(&account.to_lowercase())],
        )
        .await?;
        Ok(())
    }
}
