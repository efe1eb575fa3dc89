//! Access administration over the API: who am I, the organization's members, API tokens, and
//! the audit trail (browse and export).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::{Permission, Role};
use vigie_store::{ApiToken, AuditEntry, StoreError};

use crate::AppState;
use crate::auth::{Caller, Who};
use crate::dto::{RoleName, ScopeName};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, page_limit};

pub const TAG_ACCESS: &str = "access";
pub const TAG_AUDIT: &str = "audit";

/// Who is calling.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    /// `user:<email>` or `token:<id>`.
    #[schema(example = "user:dpo@example.org")]
    pub actor: String,
    /// The organization the request acted in (slug).
    #[schema(example = "demo")]
    pub organization: String,
    /// The role, for a person.
    #[schema(example = "dpo")]
    pub role: Option<String>,
    /// What the caller may do: the role's permissions or the token's scopes.
    pub permissions: Vec<String>,
    /// The token a browser session sends in `X-CSRF-Token` with changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

/// Who am I, in which organization, allowed to do what.
#[utoipa::path(get, path = "/api/v1/me", tag = TAG_ACCESS,
    responses(
        (status = 200, description = "The caller", body = MeOut),
        (status = 401, description = "Not signed in, or no valid token", body = ErrorBody),
    ))]
pub async fn me(caller: Caller) -> Json<MeOut> {
    Json(MeOut {
        actor: caller.actor(),
        organization: caller.org.slug.clone(),
        role: caller.role().map(|r| r.as_str().to_owned()),
        permissions: Permission::scopes()
            .filter(|p| caller.may(*p))
            .map(|p| p.as_str().to_owned())
            .collect(),
        csrf_token: match &caller.who {
            Who::User { session, .. } => Some(session.csrf.clone()),
            Who::Token(_) => None,
        },
    })
}

// ------------------------------------------------------------------------------ members

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    pub id: i64,
    #[schema(example = "dpo@example.org")]
    pub email: String,
    #[schema(example = "dpo")]
    pub role: String,
    /// Has chosen a password.
    pub set_up: bool,
    /// Has a second factor.
    pub totp_enabled: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembersOut {
    pub members: Vec<MemberOut>,
}

/// The organization's members.
#[utoipa::path(get, path = "/api/v1/users", tag = TAG_ACCESS,
    responses((status = 200, description = "Members and their roles", body = MembersOut)))]
pub async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<MembersOut>> {
    let members = state.store().members(caller.org.id).await?;
    let ids: Vec<String> = members.iter().map(|(u, _)| u.id.to_string()).collect();
    caller
        .audit_set(
            &state,
            "user.list",
            "user-ids",
            ids.iter().map(String::as_str),
        )
        .await?;
    Ok(Json(MembersOut {
        members: members
            .into_iter()
            .map(|(u, role)| MemberOut {
                id: u.id,
                email: u.email,
                role: role.as_str().to_owned(),
                set_up: u.has_password,
                totp_enabled: u.totp_enabled,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberIn {
    #[schema(example = "agent@callcentre.example")]
    pub email: String,
    #[schema(value_type = RoleName, example = "agent")]
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewMemberOut {
    pub member: MemberOut,
    /// The one-time set-up path (valid 72 hours) when the person has no password yet: send it
    /// to them by a channel you trust. Absent for an existing account.
    #[schema(example = "/setup/3q2-…")]
    pub setup_path: Option<String>,
}

/// Add a member (or change their role).
#[utoipa::path(post, path = "/api/v1/users", tag = TAG_ACCESS,
    request_body = NewMemberIn,
    responses(
        (status = 201, description = "Added", body = NewMemberOut),
        (status = 400, description = "Invalid e-mail or role", body = ErrorBody),
        (status = 403, description = "The role (given or taken away) grants a permission the caller does not hold", body = ErrorBody),
        (status = 409, description = "The organization's last admin cannot be demoted", body = ErrorBody),
    ))]
pub async fn add_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewMemberIn>,
) -> ApiResult<(StatusCode, Json<NewMemberOut>)> {
    Ok((
        StatusCode::CREATED,
        Json(add_member(&state, &caller, &input).await?),
    ))
}

/// Adds a member or changes their role (the API's and the administration page's one way).
pub(crate) async fn add_member(
    state: &AppState,
    caller: &Caller,
    input: &NewMemberIn,
) -> ApiResult<NewMemberOut> {
    let role: Role = input.role.parse().map_err(|e: vigie_core::UnknownName| {
        ApiError::field("invalid_field", "role", e.to_string())
    })?;
    refuse_beyond(caller, role, "give the role")?;
    let store = state.store();
    // Changing an existing member's role also takes their current one away.
    if let Some(user) = store.user_by_email(&input.email).await?
        && let Some(current) = store.role_in(user.id, caller.org.id).await?
    {
        refuse_beyond(caller, current, "change the role of a member who is")?;
    }
    let (user, _) = store
        .add_member(caller.org.id, &input.email, role)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => ApiError::field("invalid_email", "email", m),
            StoreError::Conflict(m) => ApiError {
                status: StatusCode::CONFLICT,
                ..ApiError::field("last_admin", "role", m)
            },
            e => e.into(),
        })?;
    let setup_path = if user.has_password {
        None
    } else {
        Some(format!(
            "/setup/{}",
            store.create_setup_secret(user.id).await?
        ))
    };
    caller
        .audit(
            state,
            "user.add",
            Some(format!("user:{} as {role}", user.email)),
        )
        .await?;
    Ok(NewMemberOut {
        member: MemberOut {
            id: user.id,
            email: user.email,
            role: role.as_str().to_owned(),
            set_up: user.has_password,
            totp_enabled: user.totp_enabled,
        },
        setup_path,
    })
}

/// Remove a member from the organization (the account stays for their other organizations).
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = TAG_ACCESS,
    params(("id" = i64, Path, description = "The member's user id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "The member's role grants a permission the caller does not hold", body = ErrorBody),
        (status = 404, description = "Not a member", body = ErrorBody),
        (status = 409, description = "The organization's last admin cannot be removed", body = ErrorBody),
    ))]
pub async fn remove_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    remove_member(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member (the API's and the administration page's one way).
pub(crate) async fn remove_member(state: &AppState, caller: &Caller, id: i64) -> ApiResult<()> {
    let store = state.store();
    let Some(current) = store.role_in(id, caller.org.id).await? else {
        return Err(ApiError::not_found(format!(
            "no member {id} in this organization"
        )));
    };
    refuse_beyond(caller, current, "remove a member who is")?;
    let removed = store
        .remove_member(caller.org.id, id)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "last_admin", m),
            e => e.into(),
        })?;
    if !removed {
        return Err(ApiError::not_found(format!(
            "no member {id} in this organization"
        )));
    }
    caller
        .audit(state, "user.remove", Some(format!("user-id:{id}")))
        .await?;
    Ok(())
}

/// 403 when `role` grants a permission the caller does not hold: nobody gives (or takes away)
/// more than they hold.
fn refuse_beyond(caller: &Caller, role: Role, doing: &str) -> ApiResult<()> {
    match role.beyond(|p| caller.may(p)) {
        None => Ok(()),
        Some(p) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "beyond_your_rights",
            format!("you cannot {doing} {role}: it grants {p}, which you do not hold"),
        )),
    }
}

// ------------------------------------------------------------------------------- tokens

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    #[schema(example = "tok_5f1c0a9e2b7d4c31")]
    pub id: String,
    pub name: String,
    #[schema(example = json!(["contacts:read", "decide"]))]
    pub scopes: Vec<String>,
    pub created_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<Timestamp>,
}

impl From<ApiToken> for TokenOut {
    fn from(t: ApiToken) -> Self {
        TokenOut {
            id: t.id,
            name: t.name,
            scopes: t.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            created_by: t.created_by,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
            last_used_at: t.last_used_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokensOut {
    pub tokens: Vec<TokenOut>,
}

/// The organization's API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = TAG_ACCESS,
    responses((status = 200, description = "Tokens, newest first", body = TokensOut)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<TokensOut>> {
    let tokens = state.store().tokens(caller.org.id).await?;
    Ok(Json(TokensOut {
        tokens: tokens.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenIn {
    /// 1 to 100 characters, not only spaces.
    #[schema(
        example = "CRM nightly sync",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub name: String,
    /// Permissions the token carries; only ones the creator holds.
    #[schema(value_type = Vec<ScopeName>, min_items = 1, example = json!(["contacts:read", "decide"]))]
    pub scopes: Vec<String>,
    /// Days until it expires (1 to 730, default 90).
    #[serde(default, deserialize_with = "crate::dto::optional_whole")]
    #[schema(minimum = 1, maximum = 730)]
    pub expires_in_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenOut {
    pub token: TokenOut,
    /// The secret, shown this once: send it as `Authorization: Bearer …`.
    #[schema(example = "vigie_tok_5f1c0a9e2b7d4c31_…")]
    pub secret: String,
}

/// Create an API token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = TAG_ACCESS,
    request_body = NewTokenIn,
    responses(
        (status = 201, description = "Created; the secret is in this answer only", body = NewTokenOut),
        (status = 400, description = "Invalid name, scope or expiry", body = ErrorBody),
    ))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewTokenIn>,
) -> ApiResult<(StatusCode, Json<NewTokenOut>)> {
    Ok((
        StatusCode::CREATED,
        Json(new_token(&state, &caller, &input).await?),
    ))
}

/// Creates a token (the API's and the administration page's one way).
pub(crate) async fn new_token(
    state: &AppState,
    caller: &Caller,
    input: &NewTokenIn,
) -> ApiResult<NewTokenOut> {
    let mut scopes = Vec::with_capacity(input.scopes.len());
    for (i, s) in input.scopes.iter().enumerate() {
        let p: Permission = s.parse().map_err(|e: vigie_core::UnknownName| {
            ApiError::field("invalid_field", format!("scopes[{i}]"), e.to_string())
        })?;
        if !caller.may(p) {
            return Err(ApiError::field(
                "invalid_field",
                format!("scopes[{i}]"),
                format!("you cannot give a token {p}, which you do not hold"),
            ));
        }
        scopes.push(p);
    }
    if scopes.is_empty() {
        return Err(ApiError::field(
            "invalid_field",
            "scopes",
            "at least one scope",
        ));
    }
    let days = input.expires_in_days.unwrap_or(90);
    if !(1..=730).contains(&days) {
        return Err(ApiError::field(
            "invalid_field",
            "expires_in_days",
            "must be 1 to 730",
        ));
    }
    let expires = Timestamp::now() + jiff::SignedDuration::from_hours(24 * i64::from(days));
    let new = state
        .store()
        .create_token(
            caller.org.id,
            &input.name,
            &scopes,
            Some(expires),
            &caller.actor(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => ApiError::field("invalid_field", "name", m),
            e => e.into(),
        })?;
    caller
        .audit(
            state,
            "token.create",
            Some(format!("token:{}", new.token.id)),
        )
        .await?;
    Ok(NewTokenOut {
        token: new.token.into(),
        secret: new.secret,
    })
}

/// Revoke an API token: it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = TAG_ACCESS,
    params(("id" = String, Path, description = "The token's id (tok_…)")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such live token in this organization", body = ErrorBody),
    ))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    revoke(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes a token (the API's and the administration page's one way).
pub(crate) async fn revoke(state: &AppState, caller: &Caller, id: &str) -> ApiResult<()> {
    let revoked = state.store().revoke_token(caller.org.id, id).await?;
    if !revoked {
        return Err(ApiError::not_found(format!(
            "no live token {id:?} in this organization"
        )));
    }
    caller
        .audit(state, "token.revoke", Some(format!("token:{id}")))
        .await?;
    Ok(())
}

// --------------------------------------------------------------------------- audit trail

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries after this sequence number (paging); default 0.
    pub after: Option<i64>,
    /// At most this many (1 to 1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryOut {
    pub seq: i64,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    #[schema(example = "user:dpo@example.org")]
    pub actor: String,
    pub role: Option<String>,
    #[schema(example = "contact.read")]
    pub action: String,
    #[schema(example = "contact:C000042")]
    pub target: Option<String>,
    pub origin: Option<String>,
    pub reason: Option<String>,
    /// This entry's link in the chain (hex).
    pub link: String,
}

impl From<AuditEntry> for AuditEntryOut {
    fn from(e: AuditEntry) -> Self {
        AuditEntryOut {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            role: e.role,
            action: e.action,
            target: e.target,
            origin: e.origin,
            reason: e.reason,
            link: e.link,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPageOut {
    pub entries: Vec<AuditEntryOut>,
    /// Pass as `after` for the next page; absent on the last.
    pub next_after: Option<i64>,
}

/// Browse the audit trail, oldest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = TAG_AUDIT,
    params(AuditQuery),
    responses((status = 200, description = "A page of entries", body = AuditPageOut)))]
pub async fn audit_entries(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditPageOut>> {
    let limit = page_limit(q.limit, 100, 1000)?;
    let entries = state
        .store()
        .audit_entries(caller.org.id, q.after.unwrap_or(0), limit)
        .await?;
    // Reading the trail is itself recorded, with the range read (the entry recording it comes
    // after that range, so a reader paging on sees it next).
    let range = match (entries.first(), entries.last()) {
        (Some(first), Some(last)) => format!("audit:{}..{}", first.seq, last.seq),
        _ => "audit:".to_owned(),
    };
    caller.audit(&state, "audit.read", Some(range)).await?;
    let next_after = (entries.len() == limit as usize)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(Json(AuditPageOut {
        entries: entries.into_iter().map(Into::into).collect(),
        next_after,
    }))
}

/// Export the whole audit trail as JSON lines (one entry a line, oldest first), with each
/// entry's link so that the export can be checked against a later one.
#[utoipa::path(get, path = "/api/v1/audit/export", tag = TAG_AUDIT,
    responses((status = 200, description = "JSON lines", content_type = "application/x-ndjson")))]
pub async fn audit_export(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    // The export itself is an access to the trail: recorded first, so it is in the file.
    caller.audit(&state, "audit.export", None).await?;
    let store = state.store().clone();
    let org = caller.org.id;
    // Written page by page into a pipe the body reads from: memory stays flat however long
    // the trail is.
    let (mut writer, reader) = tokio::io::duplex(256 * 1024);
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt as _;
        let mut after = 0;
        loop {
            let page = match store.audit_entries(org, after, 5000).await {
                Ok(p) => p,
                Err(e) => {
                    // The last line says the export is incomplete: a cut file never looks whole.
                    tracing::error!(error = %e, "audit export stopped");
                    let _ = writer
                        .write_all(
                            b"{\"error\":\"the export stopped early: see the server log\"}\n",
                        )
                        .await;
                    return;
                }
            };
            let mut buf = Vec::with_capacity(page.len() * 256);
            for e in &page {
                serde_json::to_writer(&mut buf, &AuditEntryOut::from(e.clone()))
                    .expect("serializes");
                buf.push(b'\n');
            }
            let done = page.len() < 5000;
            after = page.last().map_or(after, |e| e.seq);
            if writer.write_all(&buf).await.is_err() || done {
                return;
            }
        }
    });
    let stream = tokio_util::io::ReaderStream::new(reader);
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"vigie-audit.jsonl\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditFaultOut {
    /// The first bad entry (or where one is missing).
    pub seq: i64,
    pub problem: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditVerifyOut {
    /// The organization's chain verifies, and agrees with the checkpoint if there is one.
    pub intact: bool,
    /// When the checkpoint the trail was held against was written; absent without one (then
    /// entries removed at the end of the trail cannot be detected).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub checkpoint_at: Option<Timestamp>,
    pub faults: Vec<AuditFaultOut>,
}

/// Verify the organization's audit trail: every link of its chain, then its head against the
/// checkpoint kept outside the database (a truncation or rollback is reported). The result is
/// kept as the organization's last verification (the dashboard shows it).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = TAG_AUDIT,
    responses((status = 200, description = "What the verification found", body = AuditVerifyOut)))]
pub async fn audit_verify(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<AuditVerifyOut>> {
    Ok(Json(verify_chain(&state, &caller).await?))
}

/// Verifies the caller's organization's chain and records the result (the dashboard shows the
/// latest): the API's and the administration page's one way.
pub(crate) async fn verify_chain(state: &AppState, caller: &Caller) -> ApiResult<AuditVerifyOut> {
    caller.audit(state, "audit.verify", None).await?;
    let checkpoint = match state.audit_checkpoint() {
        Some(path) => vigie_store::AuditCheckpoint::read_file(path)?,
        None => None,
    };
    Ok(verify_org_chain(
        state.store(),
        &caller.org,
        checkpoint.as_ref(),
        caller.actor(),
        Timestamp::now(),
    )
    .await?)
}

/// Verifies one organization's chain against `checkpoint` at `at` and records the result as
/// its latest verification: the API, the administration page and the evidence pack share it.
pub(crate) async fn verify_org_chain(
    store: &vigie_store::Store,
    org: &vigie_store::Organization,
    checkpoint: Option<&vigie_store::AuditCheckpoint>,
    actor: String,
    at: Timestamp,
) -> Result<AuditVerifyOut, vigie_store::StoreError> {
    let report = store.verify_audit_against(checkpoint).await?;
    // Another organization's faults are not this caller's business.
    let faults: Vec<AuditFaultOut> = report
        .faults
        .into_iter()
        .filter(|f| f.org == org.slug)
        .map(|f| AuditFaultOut {
            seq: f.seq,
            problem: f.problem,
        })
        .collect();
    let out = AuditVerifyOut {
        intact: faults.is_empty(),
        checkpoint_at: checkpoint.map(|c| c.at),
        faults,
    };
    store
        .record_audit_verification(
            org.id,
            &vigie_store::AuditVerification {
                at,
                actor,
                intact: out.intact,
                faults: out.faults.len() as u64,
                checkpoint_at: out.checkpoint_at,
            },
        )
        .await?;
    Ok(out)
}
