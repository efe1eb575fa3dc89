//! The DPO's pages for data subject requests: `/requests` (the queue: overdue and due this week
//! at a glance, then every request with its due date) and `/requests/{id}` (the request, its
//! history, and its steps as POST forms carrying the session's CSRF token). Steps go through
//! [`crate::requests::take_step`], as the API's do.

use std::fmt::Write as _;

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use vigie_core::dsar::{MAX_EXTENSION_MONTHS, RequestStatus, Urgency};
use vigie_core::{Lang, Permission};

use crate::AppState;
use crate::auth::Who;
use crate::error::ApiError;
use crate::privacy::{kind_label, status_label};
use crate::requests::{Step, archive_download, detail, take_step};
use crate::ui::{Ui, UiError, esc, page, when};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/requests", get(queue))
        .route("/requests/{id}", get(request_page))
        .route("/requests/{id}/archive", get(archive))
        .route("/requests/{id}/{step}", post(step))
}

fn t(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

fn urgency_label(u: Urgency, lang: Lang) -> &'static str {
    match u {
        Urgency::Overdue => t(lang, "en retard", "overdue"),
        Urgency::DueSoon => t(lang, "sous 7 jours", "within 7 days"),
        Urgency::OnTrack => t(lang, "dans les temps", "on track"),
        Urgency::Paused => t(lang, "suspendue", "paused"),
        Urgency::Closed => t(lang, "close", "closed"),
    }
}

fn ui_error(ui: &Ui, e: ApiError) -> UiError {
    UiError {
        lang: ui.lang,
        ..UiError::from(e)
    }
}

async fn queue(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let lang = ui.lang;
    let items = state
        .dsar()
        .queue(&ui.org, false)
        .await
        .map_err(|e| ui_error(&ui, e.into()))?;
    let count = |u| items.iter().filter(|i| i.urgency == u).count();
    let open = items
        .iter()
        .filter(|i| i.request.clock.status.is_open())
        .count();
    let mut m = String::new();
    let title = t(lang, "Demandes des personnes", "Data subject requests");
    let _ = writeln!(m, "<h1>{title}</h1>");
    let _ = writeln!(
        m,
        "<div class=\"counts\">\n<div class=\"overdue\"><strong>{}</strong>{}</div>\n\
         <div class=\"due_soon\"><strong>{}</strong>{}</div>\n<div><strong>{}</strong>{}</div>\n</div>",
        count(Urgency::Overdue),
        t(lang, "en retard", "overdue"),
        count(Urgency::DueSoon),
        t(lang, "à rendre sous 7 jours", "due within 7 days"),
        open,
        t(lang, "ouvertes", "open"),
    );
    let _ = writeln!(
        m,
        "<p class=\"hint\">{} <a href=\"/privacy/{}\">/privacy/{}</a></p>",
        t(
            lang,
            "Un mois à compter de la réception (RGPD art. 12(3)), suspendu en attendant la preuve d'identité. \
             Centre de confidentialité public :",
            "One month from receipt (GDPR art. 12(3)), paused while waiting for proof of identity. Public \
             privacy centre:"
        ),
        crate::ui::pct(&ui.org.slug),
        esc(&ui.org.slug)
    );
    if items.is_empty() {
        let _ = writeln!(m, "<p>{}</p>", t(lang, "Aucune demande.", "No requests."));
    } else {
        let _ = writeln!(
            m,
            "<table>\n<thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            t(lang, "Demande", "Request"),
            t(lang, "État", "Status"),
            t(lang, "Reçue", "Received"),
            t(lang, "Contact", "Contact"),
            t(lang, "Échéance", "Due"),
            t(lang, "Urgence", "Urgency"),
        );
        for i in &items {
            let r = &i.request;
            let _ = writeln!(
                m,
                "<tr class=\"{}\"><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                i.urgency.as_str(),
                ui.link("/requests").seg(&r.id.to_string()),
                r.id,
                kind_label(r.kind, lang),
                status_label(r.clock.status, lang),
                when(r.clock.received_at),
                r.contact_ref
                    .as_ref()
                    .map(|c| esc(c.as_str()).to_string())
                    .unwrap_or_default(),
                i.due.date,
                urgency_label(i.urgency, lang),
            );
        }
        let _ = writeln!(m, "</tbody>\n</table>");
    }
    Ok(page(&ui, title, ui.link("/requests"), &m))
}

async fn request_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, UiError> {
    render(&state, &ui, id, StatusCode::OK, None).await
}

async fn render(
    state: &AppState,
    ui: &Ui,
    id: i64,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, UiError> {
    let lang = ui.lang;
    let shown = state
        .dsar()
        .show(&ui.org, id)
        .await
        .map_err(|e| ui_error(ui, e.into()))?;
    ui.caller
        .audit(state, "dsar.read", Some(format!("request:{id}")))
        .await
        .map_err(|e| ui_error(ui, e))?;
    let d = detail(state, ui.org.id, &shown);
    let r = &shown.item.request;
    let c = &r.clock;
    let title = match lang {
        Lang::Fr => format!("Demande n° {id}"),
        Lang::En => format!("Request #{id}"),
    };
    let mut m = String::new();
    let _ = writeln!(
        m,
        "<p><a href=\"{}\">← {}</a></p>\n<h1>{}</h1>",
        ui.link("/requests"),
        t(lang, "Toutes les demandes", "All requests"),
        esc(&title)
    );
    if let Some(e) = error {
        let _ = writeln!(m, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    let _ = writeln!(m, "<dl class=\"facts\">");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(m, "<dt>{}</dt><dd>{}</dd>", esc(k), v);
    };
    row(
        t(lang, "Demande", "Request"),
        format!("{} ({})", kind_label(r.kind, lang), r.kind.article()),
    );
    row(
        t(lang, "État", "Status"),
        status_label(c.status, lang).to_owned(),
    );
    row(
        t(lang, "Identifiant donné", "Identifier given"),
        d.identifier.as_deref().map_or_else(
            || t(lang, "(effacé)", "(erased)").to_owned(),
            |i| esc(i).to_string(),
        ),
    );
    if let Some(cref) = &r.contact_ref {
        row(
            t(lang, "Contact", "Contact"),
            format!(
                "<a href=\"{}\">{}</a>",
                ui.link("/contacts").seg(cref.as_str()),
                esc(cref.as_str())
            ),
        );
    }
    if !d.corrections.is_empty() {
        row(
            t(lang, "Champs à corriger", "Fields to correct"),
            esc(&d.corrections.join(", ")).to_string(),
        );
    }
    row(t(lang, "Reçue le", "Received"), when(c.received_at));
    if let Some(v) = c.verified_at {
        row(
            t(lang, "Identité vérifiée le", "Identity verified"),
            when(v),
        );
    }
    row(
        t(lang, "Échéance", "Due"),
        format!(
            "{} ({})",
            shown.item.due.date,
            urgency_label(shown.item.urgency, lang)
        ),
    );
    if let Some(x) = &c.extension {
        row(
            t(lang, "Prolongation", "Extension"),
            esc(&format!("{} · {}", x.months, x.reason)).to_string(),
        );
    }
    if let Some(at) = c.closed_at {
        row(t(lang, "Close le", "Closed"), when(at));
    }
    if let Some(o) = &r.outcome {
        row(
            t(lang, "Résultat", "Outcome"),
            format!(
                "<pre>{}</pre>",
                esc(&serde_json::to_string_pretty(o).unwrap_or_default())
            ),
        );
    }
    let _ = writeln!(m, "</dl>");
    if let Some(a) = &d.archive {
        let _ = writeln!(
            m,
            "<p><a href=\"{}\">{}</a> <code>{}</code> · SHA-256 <code>{}</code></p>",
            ui.link("/requests").seg(&id.to_string()).seg("archive"),
            t(lang, "Télécharger l'archive", "Download the archive"),
            esc(&a.file_name),
            esc(&a.sha256)
        );
    }

    if ui.caller.may(Permission::RequestsManage) && c.status.is_open() {
        let csrf = match &ui.caller.who {
            Who::User { session, .. } => session.csrf.clone(),
            Who::Token(_) => String::new(),
        };
        let _ = writeln!(m, "<h2>{}</h2>", t(lang, "Étapes", "Steps"));
        let form = |m: &mut String, step: &str, inner: &str, label: &str| {
            let _ = writeln!(
                m,
                "<form class=\"step\" method=\"post\" action=\"{}\">\
                 <input type=\"hidden\" name=\"csrf\" value=\"{}\">{inner}<button type=\"submit\">{}</button></form>",
                ui.link("/requests").seg(&id.to_string()).seg(step),
                esc(&csrf),
                esc(label)
            );
        };
        let paused = c.pauses.iter().any(|p| p.until.is_none());
        if c.status == RequestStatus::AwaitingIdentity {
            form(
                &mut m,
                "verify",
                "",
                t(lang, "Identité vérifiée", "Identity verified"),
            );
        } else if paused {
            form(
                &mut m,
                "resume",
                "",
                t(lang, "Reprendre (preuve reçue)", "Resume (proof received)"),
            );
        } else {
            form(
                &mut m,
                "fulfil",
                "",
                t(lang, "Exécuter la demande", "Fulfil the request"),
            );
            form(
                &mut m,
                "pause",
                &format!(
                    "<label>{} <input type=\"text\" name=\"reason\"></label>",
                    t(lang, "Motif", "Reason")
                ),
                t(
                    lang,
                    "Suspendre (demander une preuve d'identité)",
                    "Pause (ask for proof of identity)",
                ),
            );
        }
        if c.extension.is_none() {
            let mut months = String::new();
            for n in 1..=MAX_EXTENSION_MONTHS {
                let _ = write!(months, "<option value=\"{n}\">{n}</option>");
            }
            form(
                &mut m,
                "extend",
                &format!(
                    "<label>{} <select name=\"months\">{months}</select></label> \
                     <label>{} <input type=\"text\" name=\"reason\" required></label>",
                    t(lang, "Mois", "Months"),
                    t(
                        lang,
                        "Raison (envoyée à la personne)",
                        "Reason (sent to the person)"
                    )
                ),
                t(lang, "Prolonger", "Extend"),
            );
        }
        form(
            &mut m,
            "reject",
            &format!(
                "<label>{} <input type=\"text\" name=\"reason\" required></label>",
                t(
                    lang,
                    "Motif (dit à la personne)",
                    "Reason (told to the person)"
                )
            ),
            t(lang, "Refuser", "Refuse"),
        );
    }

    let _ = writeln!(
        m,
        "<h2>{}</h2>\n<table>\n<thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        t(lang, "Historique", "History"),
        t(lang, "Quand", "When"),
        t(lang, "Qui", "Who"),
        t(lang, "Étape", "Step"),
        t(lang, "Note", "Note"),
    );
    for h in &shown.history {
        let _ = writeln!(
            m,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            h.seq,
            when(h.at),
            esc(&h.actor),
            esc(&h.step),
            esc(h.note.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(m, "</tbody>\n</table>");
    let mut resp = page(ui, &title, ui.link("/requests").seg(&id.to_string()), &m);
    *resp.status_mut() = status;
    Ok(resp)
}

#[derive(Debug, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    months: String,
}

/// A step, from a form of the request's page: checked against the session's CSRF token, taken
/// through `Dsar`, then back to the page (303), or the page with the refusal.
async fn step(
    State(state): State<AppState>,
    ui: Ui,
    Path((id, step)): Path<(i64, String)>,
    form: Result<Form<StepForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    let lang = ui.lang;
    let form = form.map(|f| f.0).unwrap_or_default();
    if let Who::User { session, .. } = &ui.caller.who
        && form.csrf != session.csrf
    {
        return render(
            &state,
            &ui,
            id,
            StatusCode::FORBIDDEN,
            Some(t(
                lang,
                "Le formulaire a expiré : rechargez la page.",
                "The form has expired: reload the page.",
            )),
        )
        .await;
    }
    if !ui.caller.may(Permission::RequestsManage) {
        return Err(ui_error(
            &ui,
            ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "this needs the permission requests:manage",
            ),
        ));
    }
    let reason = form.reason.trim().to_owned();
    let step = match step.as_str() {
        "verify" => Step::Verify,
        "pause" => Step::Pause {
            reason: (!reason.is_empty()).then_some(reason),
        },
        "resume" => Step::Resume,
        "extend" => Step::Extend {
            months: form.months.trim().parse().unwrap_or(0),
            reason,
        },
        "reject" => Step::Reject { reason },
        "fulfil" => Step::Fulfil,
        _ => {
            return Err(ui_error(&ui, ApiError::not_found("no such step")));
        }
    };
    match take_step(&state, &ui.caller, id, step).await {
        Ok(_) => Ok(Redirect::to(
            &ui.link("/requests")
                .seg(&id.to_string())
                .to_string()
                .replace("&amp;", "&"),
        )
        .into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            render(&state, &ui, id, e.status, Some(&e.message)).await
        }
        Err(e) => Err(ui_error(&ui, e)),
    }
}

async fn archive(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, UiError> {
    if !ui.caller.may(Permission::RequestsManage) {
        return Err(ui_error(
            &ui,
            ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "this needs the permission requests:manage",
            ),
        ));
    }
    archive_download(&state, &ui.caller, id)
        .await
        .map_err(|e| ui_error(&ui, e))
}
