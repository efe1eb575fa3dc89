//! The registers in the API (issue 13): read them with their gaps, replace them whole (the YAML
//! route's JSON twin), change one activity or processor, export them. Everyone who reads the
//! register (admin, DPO, auditor, marketer) may read; only admins and DPOs change. Every change
//! is a new version with its audit entry; a change based on an older version is a 409.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::registers::{Activity, Processor, Registers, flags, from_json, record_from_json};
use vigie_store::{OrgId, RegistersSaved, StoredRegisters};

use crate::AppState;
use crate::api::{OrgHeader, lang_of};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody, from_registers_error};
use crate::extract::{ApiPath, ApiQuery, JsonBytes};
use crate::registers_export::{ExportFormat, render};

pub const TAG_REGISTERS: &str = "registers";

/// Today on the organization's calendar: the day the gaps are flagged on.
pub async fn org_today(state: &AppState, org: OrgId) -> ApiResult<Date> {
    let settings = state.store().org_settings(org).await?;
    let tz = jiff::tz::TimeZone::get(&settings.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    Ok(jiff::Timestamp::now().to_zoned(tz).date())
}

/// The organization's registers, or 404 when none are recorded yet.
pub async fn current(state: &AppState, org: OrgId) -> ApiResult<StoredRegisters> {
    state.store().registers(org).await?.ok_or_else(|| {
        ApiError::not_found("no registers yet: PUT /api/v1/registers or vigie registers apply")
    })
}

/// The registers document: vigie-core's `Registers` (profile, activities, processors, dpias),
/// the same fields as the YAML of `vigie registers apply` (see crates/vigie/src/demo_registers.yaml).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct RegistersDoc(serde_json::Value);

/// One processing activity (`activities[]` of the registers document).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct ActivityDoc(serde_json::Value);

/// One processor (`processors[]` of the registers document).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct ProcessorDoc(serde_json::Value);

/// A gap of the registers.
#[derive(Serialize, ToSchema)]
pub struct FlagOut {
    /// `TRANSFER_WITHOUT_BASIS`, `MISSING_CLAUSE`, `REVIEW_OVERDUE`, `DPIA_MISSING`,
    /// `DPIA_UNSIGNED`, `DPIA_REVIEW_OVERDUE`.
    pub code: String,
    /// `activity`, `processor` or `dpia`.
    pub record_kind: String,
    pub record_id: String,
    /// The field at fault in the record.
    pub field: String,
    pub explanation: String,
}

#[derive(Serialize, ToSchema)]
pub struct RegistersOut {
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub written_at: jiff::Timestamp,
    pub written_by: String,
    #[schema(value_type = String, format = Date)]
    pub flagged_on: Date,
    #[schema(value_type = Object)]
    pub registers: Registers,
    pub flags: Vec<FlagOut>,
}

/// The gaps of `r` on `today`, explained in `lang`.
pub fn flags_out(r: &Registers, today: Date, lang: vigie_core::Lang) -> Vec<FlagOut> {
    use vigie_core::registers::RecordRef;
    flags(r, today)
        .into_iter()
        .map(|f| {
            let (kind, id) = match f.record {
                RecordRef::Activity(id) => ("activity", id),
                RecordRef::Processor(id) => ("processor", id),
                RecordRef::Dpia(id) => ("dpia", id),
            };
            FlagOut {
                code: f.issue.code().to_owned(),
                record_kind: kind.to_owned(),
                record_id: id,
                field: f.field,
                explanation: f.issue.explain(lang),
            }
        })
        .collect()
}

fn out(stored: StoredRegisters, today: Date, lang: vigie_core::Lang) -> RegistersOut {
    RegistersOut {
        version: stored.version,
        written_at: stored.written_at,
        written_by: stored.written_by,
        flagged_on: today,
        flags: flags_out(&stored.registers, today, lang),
        registers: stored.registers,
    }
}

/// The version a change is based on.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BasedOn {
    /// The version the change is based on (from a GET); a newer version answers 409. Left out,
    /// the change applies to whatever is current.
    #[param(minimum = 0)]
    pub version: Option<u32>,
}

/// The organization's registers (profile, activities, processors, impact assessments) with
/// their version and the gaps flagged today.
#[utoipa::path(get, path = "/api/v1/registers", tag = TAG_REGISTERS,
    params(OrgHeader, ("Accept-Language" = Option<String>, Header, description = "fr (default) or en")),
    responses(
        (status = 200, description = "The registers", body = RegistersOut),
        (status = 404, description = "No registers yet, or unknown organization", body = ErrorBody),
    ))]
pub async fn get_registers(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
) -> ApiResult<Json<RegistersOut>> {
    let stored = current(&state, caller.org.id).await?;
    let today = org_today(&state, caller.org.id).await?;
    Ok(Json(out(stored, today, lang_of(&headers))))
}

/// Save through the store, auditing a change; answer the registers as they now are.
async fn save(
    state: &AppState,
    caller: &Caller,
    registers: &Registers,
    based_on: Option<u32>,
    action: &str,
    target: String,
    lang: vigie_core::Lang,
) -> ApiResult<Json<RegistersOut>> {
    let saved = state
        .store()
        .save_registers(
            caller.org.id,
            registers,
            based_on.map(i64::from),
            caller.audit_event(action, Some(target)),
        )
        .await?;
    let stored = match saved {
        RegistersSaved::Changed { .. } | RegistersSaved::Unchanged { .. } => {
            current(state, caller.org.id).await?
        }
    };
    let today = org_today(state, caller.org.id).await?;
    Ok(Json(out(stored, today, lang)))
}

fn utf8(body: &[u8]) -> ApiResult<&str> {
    std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_request("invalid_json", "the body is not UTF-8"))
}

/// Replace the registers whole (as `vigie registers apply` does with YAML). Checked as a whole:
/// an unknown field, a value out of its vocabulary, a reference to a record that does not
/// exist is a 400 naming the field, and nothing is stored. The same registers again change
/// nothing.
#[utoipa::path(put, path = "/api/v1/registers", tag = TAG_REGISTERS,
    params(OrgHeader, BasedOn),
    request_body = RegistersDoc,
    responses(
        (status = 200, description = "The registers now", body = RegistersOut),
        (status = 400, description = "The registers cannot be read or do not hold together; `field` names the field", body = ErrorBody),
        (status = 409, description = "The registers changed since the version given", body = ErrorBody),
    ))]
pub async fn put_registers(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<BasedOn>,
    JsonBytes(body): JsonBytes,
) -> ApiResult<Json<RegistersOut>> {
    let registers = from_json(utf8(&body)?).map_err(|e| from_registers_error(&e))?;
    let target = format!("registers:{}", caller.org.slug);
    save(
        &state,
        &caller,
        &registers,
        q.version,
        "registers.update",
        target,
        lang_of(&headers),
    )
    .await
}

/// A record's identifier in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RecordId {
    /// The record's `id`.
    #[param(pattern = "^[a-z0-9][a-z0-9_-]{0,63}$")]
    pub id: String,
}

/// Add or replace one processing activity (its `id` must match the path).
#[utoipa::path(put, path = "/api/v1/registers/activities/{id}", tag = TAG_REGISTERS,
    params(OrgHeader, RecordId, BasedOn),
    request_body = ActivityDoc,
    responses(
        (status = 200, description = "The registers now", body = RegistersOut),
        (status = 400, description = "The activity cannot be read or does not fit the registers; `field` names the field", body = ErrorBody),
        (status = 404, description = "No registers yet, or unknown organization", body = ErrorBody),
        (status = 409, description = "The registers changed since the version given", body = ErrorBody),
    ))]
pub async fn put_activity(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    ApiPath(path): ApiPath<RecordId>,
    ApiQuery(q): ApiQuery<BasedOn>,
    JsonBytes(body): JsonBytes,
) -> ApiResult<Json<RegistersOut>> {
    put_record(
        &state,
        &caller,
        &headers,
        &path.id,
        q.version,
        &body,
        RecordKind {
            name: "activity",
            id: |a: &Activity| &a.id,
            put: Registers::put_activity,
        },
    )
    .await
}

/// Add or replace one processor (its `id` must match the path).
#[utoipa::path(put, path = "/api/v1/registers/processors/{id}", tag = TAG_REGISTERS,
    params(OrgHeader, RecordId, BasedOn),
    request_body = ProcessorDoc,
    responses(
        (status = 200, description = "The registers now", body = RegistersOut),
        (status = 400, description = "The processor cannot be read or does not fit the registers; `field` names the field", body = ErrorBody),
        (status = 404, description = "No registers yet, or unknown organization", body = ErrorBody),
        (status = 409, description = "The registers changed since the version given", body = ErrorBody),
    ))]
pub async fn put_processor(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    ApiPath(path): ApiPath<RecordId>,
    ApiQuery(q): ApiQuery<BasedOn>,
    JsonBytes(body): JsonBytes,
) -> ApiResult<Json<RegistersOut>> {
    put_record(
        &state,
        &caller,
        &headers,
        &path.id,
        q.version,
        &body,
        RecordKind {
            name: "processor",
            id: |p: &Processor| &p.id,
            put: Registers::put_processor,
        },
    )
    .await
}

/// A kind of record replaced one at a time through the API.
struct RecordKind<R> {
    /// `activity`, `processor`: the audit action's and target's word.
    name: &'static str,
    id: fn(&R) -> &str,
    put: fn(&mut Registers, R) -> Result<(), vigie_core::registers::RegistersError>,
}

/// Reads one record from the body, checks its `id` against the path's, puts it into the stored
/// registers and saves them (one version, one audit entry).
async fn put_record<R: serde::de::DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    headers: &axum::http::HeaderMap,
    path_id: &str,
    version: Option<u32>,
    body: &[u8],
    kind: RecordKind<R>,
) -> ApiResult<Json<RegistersOut>> {
    let record: R = record_from_json(utf8(body)?).map_err(|e| from_registers_error(&e))?;
    if (kind.id)(&record) != path_id {
        return Err(ApiError::field(
            "invalid_field",
            "id",
            format!("the {}'s id differs from the path's", kind.name),
        ));
    }
    let mut stored = current(state, caller.org.id).await?;
    (kind.put)(&mut stored.registers, record).map_err(|e| from_registers_error(&e))?;
    let based_on = version.or(u32::try_from(stored.version).ok());
    save(
        state,
        caller,
        &stored.registers,
        based_on,
        &format!("registers.{}.update", kind.name),
        format!("{}:{path_id}", kind.name),
        lang_of(headers),
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `yaml` (default), `json`, `csv` or `pdf`.
    #[param(pattern = "^(yaml|json|csv|pdf)$")]
    pub format: Option<String>,
}

/// Export the registers: YAML (registers as code), JSON (with the gaps flagged today), CSV
/// (one row per activity, every field of GDPR art. 30, formula-safe) or PDF (printable, laid
/// out like the CNIL's template).
#[utoipa::path(get, path = "/api/v1/registers/export", tag = TAG_REGISTERS,
    params(OrgHeader, ExportQuery),
    responses(
        (status = 200, description = "The export", content(
            (Object = "application/yaml"), (Object = "application/json"), (String = "text/csv"), (String = "application/pdf"))),
        (status = 404, description = "No registers yet, or unknown organization", body = ErrorBody),
    ))]
pub async fn export_registers(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let format: ExportFormat = q
        .format
        .as_deref()
        .unwrap_or("yaml")
        .parse()
        .map_err(|m: String| ApiError::field("invalid_field", "format", m))?;
    let stored = current(&state, caller.org.id).await?;
    let today = org_today(&state, caller.org.id).await?;
    let bytes = render(format, &caller.org.slug, &stored, today, lang_of(&headers));
    caller
        .audit(
            &state,
            "registers.export",
            Some(format!("registers:{}:{format}", caller.org.slug)),
        )
        .await?;
    let disposition = format!(
        "attachment; filename=\"registers-{}-v{}.{}\"",
        caller.org.slug,
        stored.version,
        format.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The evidence pack for an auditor (ISO/IEC 27701, GDPR art. 5(2)): one zip with the registers
/// (YAML, JSON, CSV, PDF), the breach register, the notices' versions, the last screenings'
/// proof records, the deadlines kept on data subject requests (counted, without the persons) and
/// the audit chain's verification (recorded as the organization's latest), each file's SHA-256
/// in `manifest.json`.
#[utoipa::path(get, path = "/api/v1/registers/evidence", tag = TAG_REGISTERS,
    params(OrgHeader),
    responses(
        (status = 200, description = "The pack (a zip file)", content((String = "application/zip"))),
        (status = 404, description = "Unknown organization", body = ErrorBody),
    ))]
pub async fn evidence(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    let settings = state.store().org_settings(caller.org.id).await?;
    let tz = jiff::tz::TimeZone::get(&settings.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let checkpoint = match state.audit_checkpoint() {
        Some(path) => vigie_store::AuditCheckpoint::read_file(path)?,
        None => None,
    };
    caller
        .audit(
            &state,
            "registers.evidence",
            Some(format!("registers:{}", caller.org.slug)),
        )
        .await?;
    let pack = crate::evidence::evidence_pack(
        state.store(),
        &caller.org,
        jiff::Timestamp::now(),
        &tz,
        lang_of(&headers),
        checkpoint.as_ref(),
        &caller.actor(),
    )
    .await
    .map_err(|e| match e {
        crate::evidence::EvidenceError::Store(e) => ApiError::from(e),
        other => {
            tracing::error!(error = %other, "evidence pack");
            ApiError::internal()
        }
    })?;
    let disposition = format!("attachment; filename=\"{}\"", pack.file_name);
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        pack.bytes,
    )
        .into_response())
}
