//! `/api/v1/retention/…`: the organization's retention policies (read, change: a new version,
//! audited), the plan (what a run at a moment would do) and the runs with their proofs. The rules
//! are the core's (`vigie_core::retention`); the run itself is `vigie retention run` and the
//! daily run of `vigie serve`.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::retention::PolicySet;
use vigie_core::{Moment, PolicyChange, Timestamp};
use vigie_store::{RetentionPlan, RetentionRun, StoreError};

use crate::AppState;
use crate::api::OrgHeader;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;

pub const TAG_RETENTION: &str = "retention";

/// One category's period and its legal ground.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyOut {
    #[schema(example = "prospects")]
    pub category: String,
    #[schema(example = 3)]
    pub years: u8,
    /// What the period is counted from.
    #[schema(example = "last_sign_of_life")]
    pub counted_from: String,
    pub legal_reference: String,
}

/// The policies in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoliciesOut {
    /// 0: the defaults, never changed.
    pub version: u32,
    pub policies: Vec<PolicyOut>,
}

pub(crate) fn policies_out(set: &PolicySet) -> PoliciesOut {
    PoliciesOut {
        version: set.version,
        policies: set
            .policies
            .iter()
            .map(|p| PolicyOut {
                category: p.category.as_str().to_owned(),
                years: p.years,
                counted_from: serde_json::to_value(p.counted_from)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                legal_reference: p.legal_reference.clone(),
            })
            .collect(),
    }
}

/// One change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyChangeInput {
    /// prospects, customers, accounting_archive, closed_requests, screening_proofs or audit_trail.
    #[schema(
        example = "prospects",
        pattern = "^(prospects|customers|accounting_archive|closed_requests|screening_proofs|audit_trail)$"
    )]
    pub category: String,
    /// Years: prospects and customers 1 to 3, the accounting archive 10, the others 1 to 6.
    #[schema(example = 2, minimum = 1, maximum = 10)]
    pub years: i64,
    /// Kept as it was when left out; one line.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 256)]
    pub legal_reference: Option<String>,
}

/// A change of the policies: applied to `version`, all or nothing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoliciesInput {
    /// The version the change was made on: another change since answers 409.
    pub version: u32,
    #[schema(min_items = 1, max_items = 6)]
    pub changes: Vec<PolicyChangeInput>,
}

/// The policies.
#[utoipa::path(get, path = "/api/v1/retention/policies", tag = TAG_RETENTION,
    params(OrgHeader),
    responses((status = 200, description = "The policies in force", body = PoliciesOut)))]
pub async fn get_policies(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<PoliciesOut>> {
    let set = state.store().retention_policies(caller.org.id).await?;
    Ok(Json(policies_out(&set)))
}

/// Change the policies: a new version, audited.
#[utoipa::path(put, path = "/api/v1/retention/policies", tag = TAG_RETENTION,
    params(OrgHeader),
    request_body = PoliciesInput,
    responses(
        (status = 200, description = "The new version", body = PoliciesOut),
        (status = 400, description = "A change is invalid; `field` names it (`changes[i].years` …)", body = ErrorBody),
        (status = 409, description = "The policies changed since `version`", body = ErrorBody),
    ))]
pub async fn put_policies(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PoliciesInput>,
) -> ApiResult<Json<PoliciesOut>> {
    let set = change_policies(&state, &caller, input).await?;
    Ok(Json(policies_out(&set)))
}

/// Applies a change (API and page alike) and records it with its audit entry.
pub(crate) async fn change_policies(
    state: &AppState,
    caller: &Caller,
    input: PoliciesInput,
) -> Result<PolicySet, ApiError> {
    let store = state.store();
    let current = store.retention_policies(caller.org.id).await?;
    if input.version != current.version {
        return Err(StoreError::Conflict(format!(
            "the policies changed meanwhile (now version {})",
            current.version
        ))
        .into());
    }
    let changes: Vec<PolicyChange> = input
        .changes
        .into_iter()
        .map(|c| PolicyChange {
            category: c.category,
            years: c.years,
            legal_reference: c.legal_reference,
        })
        .collect();
    let next = current
        .edited(&changes)
        .map_err(|e| ApiError::field("invalid_field", &e.field, e.reason))?;
    let mut audit = caller.audit_event(
        "retention.policies",
        Some(format!("retention_policies:{}", next.version)),
    );
    audit.reason = Some(
        changes
            .iter()
            .map(|c| format!("{}: {} years", c.category, c.years))
            .collect::<Vec<_>>()
            .join("; "),
    );
    store
        .record_retention_policies(caller.org.id, &next, audit)
        .await?;
    Ok(next)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// The moment (RFC 3339 with its offset); now by default.
    #[param(example = "2026-12-05T10:00:00+01:00")]
    pub at: Option<String>,
    /// References listed per action (at most 1000).
    #[param(minimum = 0, maximum = 1000)]
    pub refs: Option<u32>,
}

/// One action of the plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanActionOut {
    pub count: i64,
    /// Erase: archived customers whose accounting hold ended.
    pub of_which_hold_ended: Option<i64>,
    /// Erase: people asked by a requalification whose window closed without a yes (and not
    /// otherwise past their period).
    pub of_which_requalification_unconfirmed: Option<i64>,
    pub references: Vec<String>,
}

/// What a run at `at` would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanOut {
    pub at: String,
    pub policy_version: u32,
    /// Contacts not erased, not customers, not generic addresses, silent for more than three
    /// calendar years before `at` (RETENTION_EXPIRED).
    pub expired_prospects: i64,
    pub erase: PlanActionOut,
    pub archive: PlanActionOut,
    pub keep: i64,
    pub customers_without_end_date: i64,
    /// Closed requests, screening proofs and audit entries past their periods.
    pub purge: PurgeOut,
}

/// What a run purges (or would purge), past each category's period.
#[derive(Debug, Serialize, ToSchema)]
pub struct PurgeOut {
    /// Data subject requests closed before their period (with their history, answers and
    /// archive).
    pub closed_requests: i64,
    /// Screening proof records recorded before their period.
    pub screening_proofs: i64,
    /// Audit entries recorded before the trail's period, from the start of the chain (the
    /// chain then verifies from a sealed checkpoint).
    pub audit_entries: i64,
}

impl From<vigie_store::PurgePlan> for PurgeOut {
    fn from(p: vigie_store::PurgePlan) -> PurgeOut {
        PurgeOut {
            closed_requests: p.closed_requests,
            screening_proofs: p.screening_proofs,
            audit_entries: p.audit_entries,
        }
    }
}

fn plan_out(p: RetentionPlan) -> PlanOut {
    let action = |a: vigie_store::PlanAction| PlanActionOut {
        count: a.count,
        of_which_hold_ended: a.of_which_hold_ended,
        of_which_requalification_unconfirmed: a.of_which_requalification_unconfirmed,
        references: a.references,
    };
    PlanOut {
        at: p.at,
        policy_version: p.policy_version,
        expired_prospects: p.expired_prospects,
        erase: action(p.erase),
        archive: action(p.archive),
        keep: p.keep,
        customers_without_end_date: p.customers_without_end_date,
        purge: p.purge.into(),
    }
}

/// What a retention run at a moment would do.
#[utoipa::path(get, path = "/api/v1/retention/plan", tag = TAG_RETENTION,
    params(OrgHeader, PlanQuery),
    responses(
        (status = 200, description = "The plan", body = PlanOut),
        (status = 400, description = "`at` is not an RFC 3339 moment, or `refs` is above 1000", body = ErrorBody),
    ))]
pub async fn get_plan(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PlanQuery>,
) -> ApiResult<Json<PlanOut>> {
    let at = q.at.unwrap_or_else(|| Timestamp::now().to_string());
    let moment =
        Moment::parse(&at).map_err(|e| ApiError::field("invalid_field", "at", e.to_string()))?;
    let refs = q.refs.unwrap_or(20);
    if refs > 1000 {
        return Err(ApiError::field(
            "invalid_field",
            "refs",
            "at most 1000 references per action",
        ));
    }
    let store = state.store();
    let policies = store.retention_policies(caller.org.id).await?;
    let plan = store
        .retention_plan(
            caller.org.id,
            &at,
            &policies,
            &policies.cutoffs(moment),
            refs,
        )
        .await?;
    // The references listed are records read: the trail names them.
    let listed = plan.erase.references.iter().chain(&plan.archive.references);
    caller
        .audit_set(
            &state,
            "retention.plan",
            "contacts",
            listed.map(String::as_str),
        )
        .await?;
    Ok(Json(plan_out(plan)))
}

/// A run and its proof.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunOut {
    pub id: i64,
    pub at: String,
    pub policy_version: u32,
    /// `running` (stopped before its end: the next run resumes it) or `done`.
    pub status: String,
    pub erased: i64,
    pub archived: i64,
    pub purged: PurgeOut,
    /// SHA-256 (hex) of the references handled, sorted, each followed by a line feed.
    pub refs_sha256: Option<String>,
    pub actor: String,
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<Timestamp>,
}

fn run_out(r: RetentionRun) -> RunOut {
    RunOut {
        id: r.id,
        at: r.at,
        policy_version: r.policy_version,
        status: r.status,
        erased: r.erased,
        archived: r.archived,
        purged: r.purged.into(),
        refs_sha256: r.refs_sha256,
        actor: r.actor,
        started_at: r.started_at,
        finished_at: r.finished_at,
    }
}

/// The latest runs (at most 100), latest first.
#[utoipa::path(get, path = "/api/v1/retention/runs", tag = TAG_RETENTION,
    params(OrgHeader),
    responses((status = 200, description = "The runs", body = [RunOut])))]
pub async fn get_runs(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<RunOut>>> {
    let runs = state.store().retention_runs(caller.org.id, 100).await?;
    Ok(Json(runs.into_iter().map(run_out).collect()))
}
