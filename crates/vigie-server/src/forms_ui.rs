//! The consent forms' administration page, `/admin/forms` (admins): every form with its hosted
//! page (the preview, as people see it) and its snippet to copy, and a definition to create or
//! change (`?q=<form>` fills it with that form's latest version). The definition is the API's
//! JSON, read by the core, which names the field at fault; saving goes through the store, which
//! writes a new version and the audit trail.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Router};
use maud::html;
use serde::Deserialize;
use vigie_core::forms::{FormSpec, valid_form_slug};
use vigie_store::StoredForm;

use crate::AppState;
use crate::admin_ui::admin_page;
use crate::forms::{form_path, public_base};
use crate::forms_api::snippet;
use crate::html::components::{Field, Flash, empty, facts, flash, step_form};
use crate::html::{Ui, UiError, W};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/admin/forms",
        axum::routing::get(forms_page).post(save_form),
    )
}

/// A starting point for a new form.
const EXAMPLE: &str = r#"{
  "name": "Lettre d'information",
  "purposes": ["marketing"],
  "boxes": [
    {"channel": "email",
     "wording_fr": "J'accepte de recevoir les offres par e-mail.",
     "wording_en": "I agree to receive offers by e-mail."}
  ],
  "notice_version": "v1",
  "fields": ["email", "first_name"],
  "double_opt_in": true,
  "allowed_origins": []
}"#;

#[derive(Debug, Default, Deserialize)]
struct SaveForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    definition: String,
}

fn view(
    state: &AppState,
    ui: &Ui,
    headers: &HeaderMap,
    status: StatusCode,
    forms: &[StoredForm],
    input: &SaveForm,
    error: Option<String>,
) -> Response {
    let base = public_base(state, headers);
    let body = html! {
        @if ui.params.done.is_some() { (flash(Flash::Success, ui.t(W::FmSaved))) }
        @if let Some(e) = &error { (flash(Flash::Error, e)) }
        p { (ui.t(W::FmAdminIntro)) }
        @if forms.is_empty() {
            (empty(ui.t(W::FmNone)))
        } @else {
            // One block per form rather than a table: a snippet does not fit a column at 390 px.
            @for f in forms {
                @let id = format!("snippet-{}", f.slug);
                section.form-entry {
                    h2 { (f.spec.name) }
                    (facts([
                        (ui.t(W::FmSlug), html! { (f.slug) }),
                        (ui.t(W::FmVersion), html! { (f.version) }),
                        (ui.t(W::FmHosted), html! { a href=(form_path(&ui.org.slug, &f.slug)) { (ui.t(W::FmPreview)) } }),
                    ]))
                    p { a href=(ui.link("/admin/forms").q("q", &f.slug)) { (ui.t(W::FmEdit)) " " (f.slug) } }
                    div.field {
                        label for=(id) { (ui.t(W::FmSnippet)) }
                        textarea id=(id) readonly rows="4" {
                            (snippet(&base, &ui.org.slug, f, ui.lang))
                        }
                    }
                }
            }
        }
        h2 { (ui.t(W::FmDefine)) }
        (step_form(&ui.link("/admin/forms"), ui.csrf(), html! {
            (Field { required: true, value: &input.slug, ..Field::text("slug", ui.t(W::FmSlug)) })
            div.field {
                label for="f-definition" { (ui.t(W::FmDefinition)) }
                textarea id="f-definition" name="definition" rows="16" required { (input.definition) }
                p.hint { (ui.t(W::FmDefinitionHint)) }
            }
        }, ui.t(W::Save)))
    };
    admin_page(ui, "/admin/forms", status, body)
}

async fn forms_page(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
) -> Result<Response, UiError> {
    let forms = state
        .store()
        .forms(ui.org.id)
        .await
        .map_err(|e| ui.error(e))?;
    let input = match ui.params.q.as_deref() {
        Some(slug) => match forms.iter().find(|f| f.slug == slug) {
            Some(f) => SaveForm {
                slug: f.slug.clone(),
                definition: serde_json::to_string_pretty(&f.spec).expect("a form serializes"),
            },
            None => SaveForm::default(),
        },
        None => SaveForm {
            slug: String::new(),
            definition: EXAMPLE.to_owned(),
        },
    };
    Ok(view(
        &state,
        &ui,
        &headers,
        StatusCode::OK,
        &forms,
        &input,
        None,
    ))
}

async fn save_form(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
    form: Result<Form<SaveForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    let input = form.map(|f| f.0).unwrap_or_default();
    let slug = input.slug.trim().to_owned();
    let outcome = if valid_form_slug(&slug) {
        match FormSpec::from_json(&input.definition) {
            Ok(spec) => state
                .store()
                .save_form(
                    ui.org.id,
                    &slug,
                    &spec,
                    ui.caller.audit_event("form.save", None),
                )
                .await
                .map(|_| ())
                .map_err(|e| match e {
                    vigie_store::StoreError::Invalid(m) => Ok(m),
                    e => Err(e),
                }),
            Err(e) => Err(Ok(e.to_string())),
        }
    } else {
        Err(Ok(format!(
            "slug{}{}",
            W::Colon.t(ui.lang),
            ui.t(W::FmSlugHint)
        )))
    };
    match outcome {
        Ok(()) => Ok(
            Redirect::to(&ui.link("/admin/forms").q("done", "saved").to_string()).into_response(),
        ),
        Err(Ok(message)) => {
            let forms = state
                .store()
                .forms(ui.org.id)
                .await
                .map_err(|e| ui.error(e))?;
            let error = format!("{}{}{message}", ui.t(W::FormHasErrors), W::Colon.t(ui.lang));
            Ok(view(
                &state,
                &ui,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                &forms,
                &input,
                Some(error),
            ))
        }
        Err(Err(e)) => Err(ui.error(e)),
    }
}
