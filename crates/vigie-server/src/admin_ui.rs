//! The administration pages: members and roles (invite with a set-up link naming the server's
//! address as the browser reached it), API tokens (the secret shown once), the organization's
//! settings (errors beside the field) and the audit chain's verification as a button. Every
//! change goes through the API's own functions ([`crate::admin`], [`crate::settings`]), which
//! check the rules and write the audit trail; the gate checked the form's CSRF token.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{Markup, html};
use serde::Deserialize;
use vigie_core::{Permission, Role};

use crate::AppState;
use crate::admin::{
    AuditVerifyOut, NewMemberIn, NewTokenIn, add_member, new_token, remove_member, revoke,
    verify_chain,
};
use crate::error::ApiError;
use crate::html::components::{
    Field, Flash, confirm_form, empty, facts, flash, select, step_form, table,
};
use crate::html::{Label, Section, Ui, UiError, W, page, when};
use crate::settings::{SettingsInput, SettingsOut, change_settings, current_settings};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(members_page))
        .route("/admin/members", post(invite))
        .route("/admin/members/{id}/remove", post(remove))
        .route("/admin/tokens", get(tokens_page).post(create_token))
        .route("/admin/tokens/{id}/revoke", post(revoke_token))
        .route("/admin/settings", get(settings_page).post(save_settings))
        .route("/admin/audit", get(audit_page))
        .route("/admin/audit/verify", post(verify))
}

/// The administration pages, each shown to the roles that may use it.
const PAGES: [(&str, W, Permission); 6] = [
    ("/admin", W::Members, Permission::UsersManage),
    ("/admin/tokens", W::Tokens, Permission::TokensManage),
    ("/admin/settings", W::Settings, Permission::OrgSettings),
    ("/admin/audit", W::DashAuditChain, Permission::AuditRead),
    ("/admin/webhooks", W::Webhooks, Permission::WebhooksManage),
    ("/admin/forms", W::FmAdminTitle, Permission::FormsManage),
];

/// An administration page in the frame, with the way between the administration pages.
pub(crate) fn admin_page(
    ui: &Ui,
    path: &'static str,
    status: StatusCode,
    body: Markup,
) -> Response {
    let title = PAGES
        .iter()
        .find(|(p, ..)| *p == path)
        .map_or(ui.t(W::Admin), |(_, w, _)| ui.t(*w));
    let markup = html! {
        nav.subnav aria-label=(ui.t(W::Admin)) {
            ul {
                @for (p, w, _) in PAGES.iter().filter(|(.., perm)| ui.caller.may(*perm)) {
                    li { a href=(ui.link(p)) aria-current=[(*p == path).then_some("page")] { (ui.t(*w)) } }
                }
            }
        }
        h1 { (title) }
        (body)
    };
    let mut resp = page(ui, title, Some(Section::Admin), ui.link(path), markup);
    *resp.status_mut() = status;
    resp
}

/// An API refusal in the page's words: (field it is about, text).
fn refusal(ui: &Ui, e: &ApiError) -> (Option<String>, String) {
    let w = match (e.code.as_ref(), e.field.as_deref()) {
        ("last_admin", _) => Some(W::LastAdminNote),
        ("beyond_your_rights", _) => Some(W::BeyondRights),
        (_, Some("email")) => Some(W::BadMemberEmail),
        (_, Some("role")) => Some(W::BadRole),
        (_, Some("name")) => Some(W::BadTokenName),
        (_, Some(f)) if f.starts_with("scopes") => Some(W::BadScopes),
        (_, Some("expires_in_days")) => Some(W::BadDays),
        (_, Some("region")) => Some(W::BadRegion),
        (_, Some("time_zone")) => Some(W::BadTimeZone),
        (_, Some("lang")) => Some(W::BadLang),
        _ => None,
    };
    let text = match w {
        Some(w) => ui.t(w).to_owned(),
        None => e.message.clone(),
    };
    (e.field.clone(), text)
}

// ------------------------------------------------------------------------------ members

async fn members_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let done = match ui.params.done.as_deref() {
        Some("removed") => Some(W::MemberRemoved),
        _ => None,
    };
    members(&state, &ui, StatusCode::OK, MembersNote::Done(done)).await
}

/// What the members page says above the list.
enum MembersNote {
    Done(Option<W>),
    Invited {
        email: String,
        changed: bool,
        setup_url: Option<String>,
    },
    Refused {
        field: Option<String>,
        text: String,
        email: String,
    },
}

async fn members(
    state: &AppState,
    ui: &Ui,
    status: StatusCode,
    note: MembersNote,
) -> Result<Response, UiError> {
    let members = state.store().members(ui.org.id).await?;
    let ids: Vec<String> = members.iter().map(|(u, _)| u.id.to_string()).collect();
    ui.caller
        .audit_set(
            state,
            "user.list",
            "user-ids",
            ids.iter().map(String::as_str),
        )
        .await?;
    let csrf = ui.csrf();
    let roles: Vec<(String, String)> = Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), r.label(ui.lang).to_owned()))
        .collect();
    let heads = [
        ui.t(W::Email),
        ui.t(W::Role),
        ui.t(W::SetUp),
        ui.t(W::MemberSecondFactor),
        ui.t(W::MemberActions),
    ];
    let yes_no = |b: bool| ui.t(if b { W::Yes } else { W::No });
    let (field_error, typed) = match &note {
        MembersNote::Refused { field, text, email } if field.as_deref() == Some("email") => {
            (Some(text.as_str()), email.as_str())
        }
        MembersNote::Refused { email, .. } => (None, email.as_str()),
        _ => (None, ""),
    };
    let body = html! {
        @match &note {
            MembersNote::Done(Some(w)) => { (flash(Flash::Success, ui.t(*w))) }
            MembersNote::Done(None) => {}
            MembersNote::Invited { email, changed, setup_url } => {
                (flash(Flash::Success, ui.t(if *changed { W::RoleChanged } else { W::MemberAdded })))
                @if let Some(url) = setup_url {
                    section.setup-link aria-labelledby="setup-h" {
                        h2 #setup-h { (ui.t(W::SetupLinkFor)) " " (email) }
                        p { (ui.t(W::SetupLinkIntro)) }
                        p.secret { a.setup href=(url) { code { (url) } } }
                    }
                }
            }
            MembersNote::Refused { field, text, .. } => {
                @if field.as_deref() != Some("email") { (flash(Flash::Error, text)) }
            }
        }
        p.hint { (ui.t(W::LastAdminNote)) }
        (table("members", Some(ui.t(W::Members)), &heads, html! {
            @for (u, role) in &members {
                tr {
                    th scope="row" { (u.email) }
                    td { (role.label(ui.lang)) }
                    td { (yes_no(u.has_password)) }
                    td { (yes_no(u.totp_enabled)) }
                    td {
                        (step_form(&ui.link("/admin/members"), csrf, html! {
                            input type="hidden" name="email" value=(u.email);
                            (select(&format!("role-{}", u.id), ui.t(W::Role), &roles, role.as_str()))
                        }, ui.t(W::ChangeRole)))
                        (confirm_form(ui.lang, &ui.link("/admin/members").seg(&u.id.to_string()).seg("remove"), csrf,
                            ui.t(W::RemoveMember), ui.t(W::RemoveMemberWarning), html! {}))
                    }
                }
            }
        }))
        h2 { (ui.t(W::InviteTitle)) }
        (step_form(&ui.link("/admin/members"), csrf, html! {
            (Field { kind: "email", required: true, value: typed, error: field_error, ..Field::text("email", ui.t(W::EmailAddress)) })
            (select("role", ui.t(W::Role), &roles, "agent"))
        }, ui.t(W::Invite)))
    };
    Ok(admin_page(ui, "/admin", status, body))
}

/// The invitation form, or a row's role change (its select is named `role-<id>`).
#[derive(Debug, Default, Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

async fn invite(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
    form: Result<Form<InviteForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    let form = form.map(|f| f.0).unwrap_or_default();
    let role = form
        .rest
        .iter()
        .find(|(k, _)| *k == "role" || k.starts_with("role-"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let email = form.email.trim().to_owned();
    let existing = state.store().user_by_email(&email).await?;
    let was_member = match &existing {
        Some(u) => state.store().role_in(u.id, ui.org.id).await?.is_some(),
        None => false,
    };
    let input = NewMemberIn {
        email: email.clone(),
        role,
    };
    match add_member(&state, &ui.caller, &input).await {
        Ok(out) => {
            let setup_url = out
                .setup_path
                .as_deref()
                .map(|p| format!("{}{p}", public_origin(&state, &headers)));
            members(
                &state,
                &ui,
                StatusCode::OK,
                MembersNote::Invited {
                    email: out.member.email,
                    changed: was_member,
                    setup_url,
                },
            )
            .await
        }
        Err(e) if e.status.is_client_error() => {
            let (field, text) = refusal(&ui, &e);
            members(
                &state,
                &ui,
                e.status,
                MembersNote::Refused { field, text, email },
            )
            .await
        }
        Err(e) => Err(ui.error(e)),
    }
}

/// The address the browser reached this server at (scheme and `Host`), for links sent to
/// people: a set-up link names the server as its administrator reaches it, not a default.
fn public_origin(state: &AppState, headers: &HeaderMap) -> String {
    let scheme = if state.auth_config().secure_cookies {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        // A host name, an IPv4 or a bracketed IPv6 address, and a port: nothing else.
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

async fn remove(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, UiError> {
    match remove_member(&state, &ui.caller, id).await {
        Ok(()) => {
            Ok(Redirect::to(&ui.link("/admin").q("done", "removed").to_string()).into_response())
        }
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let (field, text) = refusal(&ui, &e);
            members(
                &state,
                &ui,
                e.status,
                MembersNote::Refused {
                    field,
                    text,
                    email: String::new(),
                },
            )
            .await
        }
        Err(e) => Err(ui.error(e)),
    }
}

// ------------------------------------------------------------------------------- tokens

async fn tokens_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let done = (ui.params.done.as_deref() == Some("revoked")).then_some(W::TokenRevoked);
    tokens(
        &state,
        &ui,
        StatusCode::OK,
        TokensNote::Done(done),
        &TokenForm::default(),
    )
    .await
}

enum TokensNote {
    Done(Option<W>),
    Created { id: String, secret: String },
    Refused { field: Option<String>, text: String },
}

/// The token form as typed (kept to show it again beside its errors).
#[derive(Debug, Default)]
struct TokenForm {
    name: String,
    days: String,
    scopes: Vec<String>,
}

async fn tokens(
    state: &AppState,
    ui: &Ui,
    status: StatusCode,
    note: TokensNote,
    typed: &TokenForm,
) -> Result<Response, UiError> {
    let list = state.store().tokens(ui.org.id).await?;
    let csrf = ui.csrf();
    let error_on = |name: &str| match &note {
        TokensNote::Refused {
            field: Some(f),
            text,
        } if f.starts_with(name) => Some(text.as_str()),
        _ => None,
    };
    let heads = [
        ui.t(W::TokenName),
        ui.t(W::Scopes),
        ui.t(W::CreatedBy),
        ui.t(W::Expires),
        ui.t(W::LastUsed),
        ui.t(W::Status),
    ];
    let scopes_error = error_on("scopes");
    let body = html! {
        @match &note {
            TokensNote::Done(Some(w)) => { (flash(Flash::Success, ui.t(*w))) }
            TokensNote::Done(None) => {}
            TokensNote::Created { id, secret } => {
                (flash(Flash::Success, ui.t(W::TokenCreated)))
                p.secret { code #token-secret { (secret) } " (" (id) ")" }
            }
            TokensNote::Refused { field, text } => {
                @if field.is_none() { (flash(Flash::Error, text)) } @else { (flash(Flash::Error, ui.t(W::FormHasErrors))) }
            }
        }
        @if list.is_empty() {
            (empty(ui.t(W::NoTokens)))
        } @else {
            (table("tokens", Some(ui.t(W::Tokens)), &heads, html! {
                @for t in &list {
                    tr {
                        th scope="row" { (t.name) br; code { (t.id) } }
                        td { (t.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")) }
                        td { (t.created_by) }
                        td { (t.expires_at.map(when).unwrap_or_else(|| "—".into())) }
                        td { (t.last_used_at.map(when).unwrap_or_else(|| "—".into())) }
                        td {
                            @if let Some(at) = t.revoked_at {
                                (ui.t(W::Revoked)) " " (when(at))
                            } @else {
                                (ui.t(W::Live))
                                (confirm_form(ui.lang, &ui.link("/admin/tokens").seg(&t.id).seg("revoke"), csrf,
                                    ui.t(W::Revoke), ui.t(W::RevokeWarning), html! {}))
                            }
                        }
                    }
                }
            }))
        }
        h2 { (ui.t(W::CreateToken)) }
        form.step method="post" action=(ui.link("/admin/tokens")) {
            (crate::html::components::csrf_field(csrf))
            (Field { required: true, value: &typed.name, error: error_on("name"), ..Field::text("name", ui.t(W::TokenName)) })
            fieldset.scopes aria-describedby=[scopes_error.map(|_| "f-scope-error")] {
                legend { (ui.t(W::Scopes)) }
                @for p in Permission::scopes().filter(|p| ui.caller.may(*p)) {
                    @let id = format!("f-scope-{}", p.as_str().replace(':', "-"));
                    div.field.check {
                        input id=(id) type="checkbox" name="scope" value=(p.as_str()) checked[typed.scopes.iter().any(|s| s == p.as_str())];
                        label for=(id) { code { (p.as_str()) } }
                    }
                }
                @if let Some(e) = scopes_error { p.field-error #f-scope-error { (e) } }
            }
            (Field { kind: "number", value: if typed.days.is_empty() { "90" } else { &typed.days }, error: error_on("expires_in_days"), ..Field::text("days", ui.t(W::ExpiresInDays)) })
            button type="submit" { (ui.t(W::CreateToken)) }
        }
    };
    Ok(admin_page(ui, "/admin/tokens", status, body))
}

async fn create_token(
    State(state): State<AppState>,
    ui: Ui,
    pairs: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    // One `scope` field per box ticked: read as pairs, which keep repeated names.
    let mut form = TokenForm::default();
    for (k, v) in pairs.map(|f| f.0).unwrap_or_default() {
        match k.as_str() {
            "name" => form.name = v,
            "days" => form.days = v.trim().to_owned(),
            "scope" => form.scopes.push(v),
            _ => {}
        }
    }
    let days = if form.days.is_empty() {
        Ok(None)
    } else {
        form.days.parse::<u32>().map(Some)
    };
    let result = match days {
        Ok(expires_in_days) => {
            let input = NewTokenIn {
                name: form.name.clone(),
                scopes: form.scopes.clone(),
                expires_in_days,
            };
            new_token(&state, &ui.caller, &input).await
        }
        Err(_) => Err(ApiError::field(
            "invalid_field",
            "expires_in_days",
            "must be 1 to 730",
        )),
    };
    match result {
        Ok(out) => {
            tokens(
                &state,
                &ui,
                StatusCode::CREATED,
                TokensNote::Created {
                    id: out.token.id,
                    secret: out.secret,
                },
                &TokenForm::default(),
            )
            .await
        }
        Err(e) if e.status.is_client_error() => {
            let (field, text) = refusal(&ui, &e);
            tokens(
                &state,
                &ui,
                e.status,
                TokensNote::Refused { field, text },
                &form,
            )
            .await
        }
        Err(e) => Err(ui.error(e)),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    revoke(&state, &ui.caller, &id)
        .await
        .map_err(|e| ui.error(e))?;
    Ok(Redirect::to(&ui.link("/admin/tokens").q("done", "revoked").to_string()).into_response())
}

// ----------------------------------------------------------------------------- settings

#[derive(Debug, Default, Deserialize)]
struct SettingsForm {
    #[serde(default)]
    region: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    financial_year_end: String,
}

async fn settings_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let now = current_settings(&state, &ui.caller)
        .await
        .map_err(|e| ui.error(e))?;
    let saved = ui.params.done.is_some();
    let form = SettingsForm {
        region: now.region.clone(),
        time_zone: now.time_zone.clone(),
        lang: now.lang.clone(),
        financial_year_end: now.financial_year_end.clone(),
    };
    Ok(settings_view(
        &state,
        &ui,
        StatusCode::OK,
        &now,
        &form,
        None,
        saved,
    ))
}

fn settings_view(
    state: &AppState,
    ui: &Ui,
    status: StatusCode,
    now: &SettingsOut,
    form: &SettingsForm,
    error: Option<(Option<String>, String)>,
    saved: bool,
) -> Response {
    let error_on = |name: &str| match &error {
        Some((Some(f), text)) if f == name => Some(text.as_str()),
        _ => None,
    };
    let langs = [
        ("fr".to_owned(), "français".to_owned()),
        ("en".to_owned(), "English".to_owned()),
    ];
    let heads = [ui.t(W::Name), ui.t(W::ExtractDate), ui.t(W::Entries)];
    let body = html! {
        @if saved { (flash(Flash::Success, ui.t(W::SettingsSaved))) }
        @if let Some((field, text)) = &error {
            (flash(Flash::Error, if field.is_some() { ui.t(W::FormHasErrors) } else { text }))
        }
        (facts([(ui.t(W::Store), html! { (state.store().kind()) })]))
        (step_form(&ui.link("/admin/settings"), ui.csrf(), html! {
            (Field { required: true, value: &form.region, error: error_on("region"), ..Field::text("region", ui.t(W::Region)) })
            (Field { required: true, value: &form.time_zone, error: error_on("time_zone"), ..Field::text("time_zone", ui.t(W::TimeZone)) })
            (select("lang", ui.t(W::OrgLanguage), &langs, &form.lang))
            (Field { required: true, value: &form.financial_year_end, error: error_on("financial_year_end"), ..Field::text("financial_year_end", ui.t(W::FinancialYearEnd)) })
            p.hint { (ui.t(W::FinancialYearEndHint)) }
        }, ui.t(W::Save)))
        h2 { (ui.t(W::OppositionLists)) }
        @if now.opposition_lists.is_empty() {
            (empty(ui.t(W::NoOppositionLists)))
        } @else {
            (table("lists", Some(ui.t(W::OppositionLists)), &heads, html! {
                @for l in &now.opposition_lists {
                    tr {
                        th scope="row" { (l.name) }
                        td { (l.extract_date.as_deref().unwrap_or("—")) }
                        td { (l.entries) }
                    }
                }
            }))
        }
    };
    admin_page(ui, "/admin/settings", status, body)
}

async fn save_settings(
    State(state): State<AppState>,
    ui: Ui,
    form: Result<Form<SettingsForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    let form = form.map(|f| f.0).unwrap_or_default();
    let input = SettingsInput {
        region: Some(form.region.trim().to_owned()),
        time_zone: Some(form.time_zone.trim().to_owned()),
        lang: Some(form.lang.trim().to_owned()),
        // A form without the field (sent before it existed) keeps the setting.
        financial_year_end: Some(form.financial_year_end.trim().to_owned())
            .filter(|v| !v.is_empty()),
    };
    match change_settings(&state, &ui.caller, &input).await {
        Ok(_) => Ok(
            Redirect::to(&ui.link("/admin/settings").q("done", "saved").to_string())
                .into_response(),
        ),
        Err(e) if e.status.is_client_error() => {
            let now = current_settings(&state, &ui.caller)
                .await
                .map_err(|e| ui.error(e))?;
            let error = refusal(&ui, &e);
            Ok(settings_view(
                &state,
                &ui,
                e.status,
                &now,
                &form,
                Some(error),
                false,
            ))
        }
        Err(e) => Err(ui.error(e)),
    }
}

// --------------------------------------------------------------------------- audit chain

async fn audit_page(ui: Ui) -> Result<Response, UiError> {
    Ok(audit_view(&ui, None))
}

fn audit_view(ui: &Ui, result: Option<&AuditVerifyOut>) -> Response {
    let body = html! {
        p { (ui.t(W::AuditVerifyIntro)) }
        @if let Some(r) = result {
            @if r.intact {
                (flash(Flash::Success, ui.t(W::AuditVerifiedIntact)))
            } @else {
                (flash(Flash::Error, ui.t(W::AuditVerifiedBroken)))
                ul.faults { @for f in &r.faults { li { "n° " (f.seq) (ui.t(W::Colon)) (f.problem) } } }
            }
            @if let Some(at) = r.checkpoint_at {
                p { (ui.t(W::DashLastCheckpoint)) (ui.t(W::Colon)) (when(at)) }
            } @else {
                p.hint { (ui.t(W::AuditNoCheckpointNote)) }
            }
        }
        (step_form(&ui.link("/admin/audit/verify"), ui.csrf(), html! {}, ui.t(W::AuditVerifyButton)))
    };
    admin_page(ui, "/admin/audit", StatusCode::OK, body)
}

async fn verify(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let out = verify_chain(&state, &ui.caller)
        .await
        .map_err(|e| ui.error(e))?;
    Ok(audit_view(&ui, Some(&out)))
}
