//! Answers that reach the person (table `dsar_answers`, migration 0035): the e-mail telling the
//! person that their request was fulfilled, extended or refused, as a small durable "to send"
//! state on the request.
//!
//! One row per request and answer: queueing twice writes nothing, so an answer is sent once
//! whatever retries or double clicks happen. A sender *claims* a pending answer (its attempt is
//! counted and `next_attempt_at` pushed forward, which is also the lease that keeps another
//! sender off it), sends, then marks it `sent`, or records the failure and when to try again.
//! The address is sealed under the organization's request key and cleared once the answer is
//! final. The language the person filed in (`dsar_requests.lang`) is kept here too.

use std::time::Duration;

use jiff::Timestamp;
use vigie_core::{Email, Lang};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros, to_micros};
use crate::sql::{Val, sql_params};

/// Which answer: each is sent at most once per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// The request was carried out (art. 12(3)).
    Fulfilment,
    /// The period was extended, with its reason (art. 12(3)).
    Extension,
    /// The request was refused, with its reason and the right to complain (art. 12(4)).
    Rejection,
}

impl AnswerKind {
    pub const ALL: [AnswerKind; 3] = [
        AnswerKind::Fulfilment,
        AnswerKind::Extension,
        AnswerKind::Rejection,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::Fulfilment => "fulfilment",
            AnswerKind::Extension => "extension",
            AnswerKind::Rejection => "rejection",
        }
    }

    fn parse(s: &str) -> Result<AnswerKind> {
        AnswerKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| StoreError::Other(format!("stored answer kind {s:?} is unknown")))
    }
}

/// Where an answer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerState {
    /// To send, or to send again at `next_attempt_at`.
    Pending,
    /// Handed to the mail relay.
    Sent,
    /// Not sent and never will be (no verified e-mail address, no mail relay, gave up): the
    /// staff tell the person by other means. `failure` says why.
    Unsent,
}

impl AnswerState {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerState::Pending => "pending",
            AnswerState::Sent => "sent",
            AnswerState::Unsent => "unsent",
        }
    }

    fn parse(s: &str) -> Result<AnswerState> {
        [AnswerState::Pending, AnswerState::Sent, AnswerState::Unsent]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| StoreError::Other(format!("stored answer state {s:?} is unknown")))
    }
}

/// An answer as staff see it (no address).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Answer {
    pub request_id: i64,
    pub kind: AnswerKind,
    pub lang: Lang,
    pub state: AnswerState,
    pub attempts: u32,
    /// Why the last attempt failed, or why the answer is not sent (never a personal datum).
    pub failure: Option<String>,
    pub queued_at: Timestamp,
    pub next_attempt_at: Timestamp,
    /// When it was sent or given up.
    pub done_at: Option<Timestamp>,
}

/// A pending answer claimed by a sender: where to send it.
#[derive(Debug, Clone)]
pub struct ClaimedAnswer {
    pub request_id: i64,
    pub kind: AnswerKind,
    pub lang: Lang,
    pub to: Email,
    /// This attempt's number (1 for the first).
    pub attempt: u32,
}

fn address_aad(org: OrgId, request_id: i64, kind: AnswerKind) -> Vec<u8> {
    format!("vigie/dsar/answer/{org}/{request_id}/{}", kind.as_str()).into_bytes()
}

fn lang_of(v: &Val) -> Result<Lang> {
    v.text()?
        .parse()
        .map_err(|e| StoreError::Other(format!("stored answer language: {e}")))
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

const ANSWER_COLUMNS: &str = "SELECT request_id, answer, lang, state, attempts, failure, \
     queued_at, next_attempt_at, done_at FROM dsar_answers";

fn answer_row(r: &[Val]) -> Result<Answer> {
    Ok(Answer {
        request_id: r[0].int()?,
        kind: AnswerKind::parse(&r[1].text()?)?,
        lang: lang_of(&r[2])?,
        state: AnswerState::parse(&r[3].text()?)?,
        attempts: u32::try_from(r[4].int()?).unwrap_or(u32::MAX),
        failure: r[5].opt_text()?,
        queued_at: from_micros(r[6].int()?),
        next_attempt_at: from_micros(r[7].int()?),
        done_at: r[8].opt_int()?.map(from_micros),
    })
}

impl Store {
    /// Records the language the person filed a request in (the privacy centre's page).
    pub async fn set_request_lang(&self, org: OrgId, request_id: i64, lang: Lang) -> Result<()> {
        self.sql_exec(
            "UPDATE dsar_requests SET lang = $1 WHERE org_id = $2 AND id = $3",
            sql_params![lang.as_str(), org, request_id],
        )
        .await?;
        Ok(())
    }

    /// The language the person filed a request in, if recorded.
    pub async fn request_lang(&self, org: OrgId, request_id: i64) -> Result<Option<Lang>> {
        let row = self
            .sql_row(
                "SELECT lang FROM dsar_requests WHERE org_id = $1 AND id = $2",
                sql_params![org, request_id],
            )
            .await?;
        match row {
            Some(r) if r[0] != Val::Null => Ok(Some(lang_of(&r[0])?)),
            _ => Ok(None),
        }
    }

    /// Queues an answer to `to`, or records it unsent with `unsent_reason` when there is no
    /// address to send it to. Returns whether it was queued now: an answer already recorded for
    /// this request is left as it is (sent once).
    pub async fn queue_answer(
        &self,
        org: OrgId,
        request_id: i64,
        kind: AnswerKind,
        lang: Lang,
        to: Result<&Email, &str>,
        now: Timestamp,
    ) -> Result<bool> {
        let crypto = self.org_crypto(org).await?;
        let (state, address, failure) = match to {
            Ok(e) => (
                AnswerState::Pending,
                Some(
                    crypto
                        .requests
                        .seal(e.as_str().as_bytes(), &address_aad(org, request_id, kind)),
                ),
                None,
            ),
            Err(reason) => (AnswerState::Unsent, None, Some(reason.to_owned())),
        };
        let now = to_micros(now);
        let done = (state == AnswerState::Unsent).then_some(now);
        let inserted = self
            .sql_exec(
                "INSERT INTO dsar_answers (org_id, request_id, answer, lang, state, address, \
                 attempts, failure, queued_at, next_attempt_at, done_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $8, $9) ON CONFLICT DO NOTHING",
                sql_params![
                    org,
                    request_id,
                    kind.as_str(),
                    lang.as_str(),
                    state.as_str(),
                    address,
                    failure,
                    now,
                    done
                ],
            )
            .await?;
        Ok(inserted == 1)
    }

    /// Claims a pending answer due at `now` for one attempt: counts the attempt and keeps other
    /// senders off it for `lease`. `None` when it is not pending, not due, or claimed meanwhile.
    pub async fn claim_answer(
        &self,
        org: OrgId,
        request_id: i64,
        kind: AnswerKind,
        now: Timestamp,
        lease: Duration,
    ) -> Result<Option<ClaimedAnswer>> {
        let now_us = to_micros(now);
        let row = self
            .sql_row(
                "UPDATE dsar_answers SET attempts = attempts + 1, next_attempt_at = $1 \
                 WHERE org_id = $2 AND request_id = $3 AND answer = $4 AND state = 'pending' \
                 AND next_attempt_at <= $5 RETURNING lang, address, attempts",
                sql_params![
                    now_us.saturating_add(micros(lease)),
                    org,
                    request_id,
                    kind.as_str(),
                    now_us
                ],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let sealed = row[1]
            .opt_blob()?
            .ok_or_else(|| StoreError::Other("a pending answer lost its address".into()))?;
        let crypto = self.org_crypto(org).await?;
        let plain = crypto
            .requests
            .open(&sealed, &address_aad(org, request_id, kind))?;
        let text = String::from_utf8(plain)
            .map_err(|e| StoreError::Other(format!("stored answer address: {e}")))?;
        Ok(Some(ClaimedAnswer {
            request_id,
            kind,
            lang: lang_of(&row[0])?,
            to: Email::from_stored(&text)
                .map_err(|e| StoreError::Other(format!("stored answer address: {e}")))?,
            attempt: u32::try_from(row[2].int()?).unwrap_or(u32::MAX),
        }))
    }

    /// Makes a pending answer final: `Sent`, or `Unsent` with the reason. Its address is
    /// cleared. Returns whether it was pending (a final answer is never changed).
    pub async fn finish_answer(
        &self,
        org: OrgId,
        request_id: i64,
        kind: AnswerKind,
        state: AnswerState,
        failure: Option<&str>,
        now: Timestamp,
    ) -> Result<bool> {
        debug_assert!(state != AnswerState::Pending);
        let changed = self
            .sql_exec(
                "UPDATE dsar_answers SET state = $1, address = NULL, failure = $2, done_at = $3 \
                 WHERE org_id = $4 AND request_id = $5 AND answer = $6 AND state = 'pending'",
                sql_params![
                    state.as_str(),
                    failure,
                    to_micros(now),
                    org,
                    request_id,
                    kind.as_str()
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Records a failed attempt of a pending answer and when to try again.
    pub async fn retry_answer(
        &self,
        org: OrgId,
        request_id: i64,
        kind: AnswerKind,
        failure: &str,
        at: Timestamp,
    ) -> Result<()> {
        self.sql_exec(
            "UPDATE dsar_answers SET failure = $1, next_attempt_at = $2 \
             WHERE org_id = $3 AND request_id = $4 AND answer = $5 AND state = 'pending'",
            sql_params![failure, to_micros(at), org, request_id, kind.as_str()],
        )
        .await?;
        Ok(())
    }

    /// Pending answers due at `now`, oldest first.
    pub async fn answers_due(
        &self,
        org: OrgId,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<(i64, AnswerKind)>> {
        let rows = self
            .sql_rows(
                "SELECT request_id, answer FROM dsar_answers WHERE org_id = $1 \
                 AND state = 'pending' AND next_attempt_at <= $2 \
                 ORDER BY next_attempt_at, request_id LIMIT $3",
                sql_params![org, to_micros(now), i64::from(limit)],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r[0].int()?, AnswerKind::parse(&r[1].text()?)?)))
            .collect()
    }

    /// A request's answers, in the order they were queued.
    pub async fn request_answers(&self, org: OrgId, request_id: i64) -> Result<Vec<Answer>> {
        let rows = self
            .sql_rows(
                format!(
                    "{ANSWER_COLUMNS} WHERE org_id = $1 AND request_id = $2 ORDER BY queued_at, answer"
                ),
                sql_params![org, request_id],
            )
            .await?;
        rows.iter().map(|r| answer_row(r)).collect()
    }
}
