//! The wire shapes of the screening API: what the upload, the jobs, the summaries and the proof
//! records look like in JSON and in the OpenAPI document.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_screen::Screened;
use vigie_store::ScreeningRun;

use crate::dto::{ChannelName, CodeName, JurisdictionName, PurposeName};

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
}

/// The upload (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ScreeningUpload {
    /// The campaign, as JSON.
    #[schema(content_media_type = "application/json")]
    campaign: CampaignFileDoc,
    /// The list: CSV with a header line and an `email` or `phone` column.
    #[schema(value_type = String, content_media_type = "text/csv")]
    targets: Vec<u8>,
}

/// A campaign to screen a list for. Unknown fields are refused.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct CampaignFileDoc {
    #[schema(value_type = JurisdictionName)]
    jurisdiction: String,
    #[schema(value_type = PurposeName)]
    purpose: String,
    /// email reads the `email` column; sms and phone channels the `phone` column.
    #[schema(value_type = ChannelName)]
    channel: String,
    /// The moment of contact, RFC 3339 with offset.
    #[schema(format = DateTime, example = "2026-11-24T10:30:00+01:00")]
    at: String,
    #[schema(example = "optics")]
    product_category: Option<String>,
    /// Default false; never `null`.
    #[schema(nullable = false)]
    relates_to_profession: Option<bool>,
    /// Default true; never `null`.
    #[schema(nullable = false)]
    commercial: Option<bool>,
    #[schema(example = "Optique Lumière SAS")]
    sender: Option<String>,
    name: Option<String>,
}

/// A screening job.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScreeningJobOut {
    /// The job id (not the proof record's id: that is `summary.run_id`).
    #[schema(example = "3f6c1e0a9b2d4c5e8f7a6b5c4d3e2f1a")]
    pub id: String,
    pub status: JobStatus,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub started_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<Timestamp>,
    /// The campaign's `name`, if it has one.
    pub campaign_name: Option<String>,
    #[schema(value_type = ChannelName)]
    pub channel: String,
    /// The file name of the uploaded list, as the client sent it.
    pub input_name: Option<String>,
    pub progress: ProgressOut,
    /// When `done`.
    pub summary: Option<ScreeningSummaryOut>,
    /// When `failed`.
    pub error: Option<JobErrorOut>,
    pub links: JobLinks,
}

/// How far a job is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgressOut {
    /// Data rows decided.
    pub rows: u64,
    /// Bytes of the list read.
    pub bytes: u64,
    /// Size of the list.
    pub total_bytes: u64,
}

/// Why a job failed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobErrorOut {
    /// `invalid_targets` (the list cannot be read: no header, no `email`/`phone` column) or
    /// `internal_error`.
    pub code: String,
    pub message: String,
}

impl JobErrorOut {
    pub(crate) fn internal() -> JobErrorOut {
        JobErrorOut {
            code: "internal_error".into(),
            message: "internal error (see the server log)".into(),
        }
    }
}

/// Where the job and its results are.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobLinks {
    #[serde(rename = "self")]
    pub this: String,
    pub decisions: String,
    pub summary: String,
}

/// What a screening found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScreeningSummaryOut {
    pub job_id: String,
    /// The id of the proof record (`GET /api/v1/screenings`).
    pub run_id: i64,
    /// Data rows, one decision each.
    pub rows: u64,
    pub allowed: u64,
    pub denied: u64,
    /// Rows per decision code (codes with rows only).
    #[schema(value_type = BTreeMap<CodeName, u64>, example = json!({"CONSENT": 1, "UNKNOWN_CONTACT": 1, "INVALID_IDENTIFIER": 1}))]
    pub counts: BTreeMap<String, u64>,
    /// The rule pack applied.
    #[schema(example = "FR-2026-08-11")]
    pub rule_pack: String,
    /// The organization's data version the list was screened against.
    pub data_version: i64,
    /// SHA-256 of the uploaded list, in hex.
    pub input_sha256: String,
    /// SHA-256 of the decisions file, in hex.
    pub output_sha256: String,
    pub input_bytes: u64,
    pub output_bytes: u64,
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub finished_at: Timestamp,
}

impl ScreeningSummaryOut {
    pub(crate) fn new<W>(
        job_id: &str,
        run: &ScreeningRun,
        screened: &Screened<W>,
    ) -> ScreeningSummaryOut {
        let s = &screened.summary;
        ScreeningSummaryOut {
            job_id: job_id.to_owned(),
            run_id: run.id,
            rows: s.rows,
            allowed: s.counts.allowed(),
            denied: s.counts.denied(),
            counts: s.counts.to_map(),
            rule_pack: screened.rule_pack.to_owned(),
            data_version: screened.data_version,
            input_sha256: hex::encode(s.input_sha256),
            output_sha256: hex::encode(s.output_sha256),
            input_bytes: s.input_bytes,
            output_bytes: s.output_bytes,
            started_at: screened.started_at,
            finished_at: screened.finished_at,
        }
    }
}

/// Paging of the runs.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunsQuery {
    /// How many runs, 1 to 1000 (default 20).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// The recorded runs, most recent first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningRunsOut {
    pub runs: Vec<ScreeningRunOut>,
}

/// The proof of one screening run.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningRunOut {
    pub id: i64,
    /// Who ran it (`api` for the API, the user name for `vigie screen`).
    pub actor: String,
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub finished_at: Timestamp,
    /// The campaign exactly as given (JSON text).
    pub campaign: String,
    pub rule_pack: String,
    pub data_version: i64,
    /// The list's file name, as given.
    pub input_name: Option<String>,
    pub input_sha256: String,
    pub output_sha256: String,
    pub rows: u64,
    pub allowed: u64,
    pub denied: u64,
    #[schema(value_type = BTreeMap<CodeName, u64>)]
    pub counts: BTreeMap<String, u64>,
}

impl From<ScreeningRun> for ScreeningRunOut {
    fn from(r: ScreeningRun) -> Self {
        let run = r.run;
        let (mut allowed, mut denied) = (0, 0);
        for (code, n) in &run.counts {
            match code.parse::<vigie_core::Code>() {
                Ok(c) if c.is_allow() => allowed += n,
                _ => denied += n,
            }
        }
        ScreeningRunOut {
            id: r.id,
            actor: run.actor,
            started_at: run.started_at,
            finished_at: run.finished_at,
            campaign: run.campaign,
            rule_pack: run.rule_pack,
            data_version: run.data_version,
            input_name: run.input_name,
            input_sha256: hex::encode(run.input_sha256),
            output_sha256: hex::encode(run.output_sha256),
            rows: run.rows,
            allowed,
            denied,
            counts: run.counts,
        }
    }
}
