//! The marketer's screening pages: `/screenings` (describe the campaign in a form, upload the
//! list; the proof records of past runs) and `/screenings/{id}` (progress, reloaded while the
//! job runs; then the summary by code in words, the proof, and the decisions to download with
//! the list's identifiers joined back). Jobs go through the API's machinery
//! ([`crate::screenings::start_job`]): the same upload to disk, queue, proof record and audit.

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jiff::civil::{Date, Time};
use maud::{Markup, html};
use vigie_core::{Channel, Jurisdiction, Permission, Purpose};
use vigie_screen::CampaignSpec;
use vigie_store::ScreeningRun;

use crate::AppState;
use crate::error::ApiError;
use crate::html::components::{Field, Flash, empty, facts, flash, select, table};
use crate::html::{Label, Section, Ui, UiError, W, page, refreshing_page, when};
use crate::screenings::{
    JobStatus, ScreeningJobOut, UPLOAD_LIMIT, Upload, campaign_error, joined_file, multipart_error,
    save_upload, start_job, targets_file, upload_slot,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/screenings",
            get(screenings_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/screenings/{id}", get(job_page))
        .route("/screenings/{id}/decisions", get(download))
}

/// Runs listed on the page.
const RUNS_SHOWN: u32 = 20;
/// Seconds between reloads of a running job's page.
const REFRESH: u32 = 2;

/// The campaign as the form holds it (text, kept to show the form again after an error).
#[derive(Debug, Clone)]
struct CampaignForm {
    name: String,
    channel: String,
    purpose: String,
    jurisdiction: String,
    date: String,
    time: String,
    product_category: String,
    sender: String,
    relates_to_profession: bool,
    commercial: bool,
}

impl CampaignForm {
    /// A new campaign: e-mail marketing in France, now on the organization's clock.
    fn new(now: jiff::Zoned) -> CampaignForm {
        CampaignForm {
            name: String::new(),
            channel: Channel::Email.as_str().to_owned(),
            purpose: Purpose::Marketing.as_str().to_owned(),
            jurisdiction: Jurisdiction::Fr.as_str().to_owned(),
            date: now.date().to_string(),
            time: now.time().strftime("%H:%M").to_string(),
            product_category: String::new(),
            sender: String::new(),
            relates_to_profession: false,
            commercial: true,
        }
    }

    fn set(&mut self, name: &str, value: String) {
        match name {
            "name" => self.name = value,
            "channel" => self.channel = value,
            "purpose" => self.purpose = value,
            "jurisdiction" => self.jurisdiction = value,
            "date" => self.date = value,
            "time" => self.time = value,
            "product_category" => self.product_category = value,
            "sender" => self.sender = value,
            "relates_to_profession" => self.relates_to_profession = true,
            "commercial" => self.commercial = true,
            _ => {}
        }
    }

    /// The campaign file `vigie screen` reads (kept as proof exactly as built here), read by
    /// vigie-screen: the one place a campaign is checked. The moment is the date and time on
    /// the organization's clock. An error names the form's field.
    fn spec(&self, zone: &jiff::tz::TimeZone) -> Result<CampaignSpec, (&'static str, String)> {
        let date: Date = self
            .date
            .trim()
            .parse()
            .map_err(|_| ("date", self.date.clone()))?;
        let time: Time = self
            .time
            .trim()
            .parse()
            .map_err(|_| ("time", self.time.clone()))?;
        let at = date
            .to_datetime(time)
            .to_zoned(zone.clone())
            .map_err(|_| ("time", self.time.clone()))?;
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let file = serde_json::json!({
            "jurisdiction": self.jurisdiction,
            "purpose": self.purpose,
            "channel": self.channel,
            "at": at.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            "product_category": text(&self.product_category),
            "relates_to_profession": self.relates_to_profession,
            "commercial": self.commercial,
            "sender": text(&self.sender),
            "name": text(&self.name),
        });
        CampaignSpec::parse(&file.to_string()).map_err(|e| {
            let e = campaign_error(e);
            let field = e.field.as_deref().unwrap_or("campaign");
            let name = match field.trim_start_matches("campaign.") {
                "channel" => "channel",
                "purpose" => "purpose",
                "jurisdiction" => "jurisdiction",
                "product_category" => "product_category",
                "sender" => "sender",
                "name" => "name",
                _ => "time",
            };
            (name, e.message)
        })
    }
}

/// The organization's clock.
async fn org_zone(state: &AppState, ui: &Ui) -> Result<jiff::tz::TimeZone, UiError> {
    let settings = state.store().org_settings(ui.org.id).await?;
    Ok(jiff::tz::TimeZone::get(&settings.time_zone).unwrap_or(jiff::tz::TimeZone::UTC))
}

async fn screenings_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let zone = org_zone(&state, &ui).await?;
    let form = CampaignForm::new(jiff::Timestamp::now().to_zoned(zone));
    render_list(&state, &ui, &form, None).await
}

/// The form (for those who may screen) and the past runs.
async fn render_list(
    state: &AppState,
    ui: &Ui,
    form: &CampaignForm,
    error: Option<(&str, String)>,
) -> Result<Response, UiError> {
    let runs = state.store().screening_runs(ui.org.id, RUNS_SHOWN).await?;
    let failed = error.is_some();
    let body = html! {
        h1 { (ui.t(W::Screenings)) }
        p { (ui.t(W::ScreeningsIntro)) }
        @if ui.caller.may(Permission::ScreeningRun) {
            @if let Some((_, message)) = &error { (flash(Flash::Error, message)) }
            (campaign_form(ui, form, error.as_ref().map(|(f, m)| (*f, m.as_str()))))
        }
        h2 { (ui.t(W::PastScreenings)) }
        (runs_table(ui, &runs))
    };
    let mut resp = page(
        ui,
        ui.t(W::Screenings),
        Some(Section::Screenings),
        ui.link("/screenings"),
        body,
    );
    if failed {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

fn campaign_form(ui: &Ui, f: &CampaignForm, error: Option<(&str, &str)>) -> Markup {
    let err = |name: &str| error.filter(|(n, _)| *n == name).map(|(_, m)| m);
    let channels: Vec<(String, String)> = Channel::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.label(ui.lang).to_owned()))
        .collect();
    let purposes: Vec<(String, String)> = Purpose::ALL
        .iter()
        .map(|p| (p.as_str().to_owned(), p.label(ui.lang).to_owned()))
        .collect();
    let jurisdictions: Vec<(String, String)> = Jurisdiction::ALL
        .iter()
        .map(|j| (j.as_str().to_owned(), j.as_str().to_owned()))
        .collect();
    // The body is the file: the gate reads the session's token from the action's query.
    let action = ui.link("/screenings").q("csrf", ui.csrf());
    html! {
        form.upload method="post" action=(action) enctype="multipart/form-data" {
            h2 { (ui.t(W::NewScreening)) }
            (Field { value: &f.name, error: err("name"), ..Field::text("name", ui.t(W::CampaignName)) })
            (select("channel", ui.t(W::Channel), &channels, &f.channel))
            (select("purpose", ui.t(W::Purpose), &purposes, &f.purpose))
            (select("jurisdiction", ui.t(W::Jurisdiction), &jurisdictions, &f.jurisdiction))
            (Field { kind: "date", value: &f.date, required: true, error: err("date"), ..Field::text("date", ui.t(W::CampaignDate)) })
            (Field { kind: "time", value: &f.time, required: true, error: err("time"), ..Field::text("time", ui.t(W::CampaignTime)) })
            (Field { value: &f.product_category, error: err("product_category"), ..Field::text("product_category", ui.t(W::ProductCategory)) })
            (Field { value: &f.sender, error: err("sender"), ..Field::text("sender", ui.t(W::CampaignSender)) })
            div.field.check {
                input #f-relates_to_profession type="checkbox" name="relates_to_profession" value="1" checked[f.relates_to_profession];
                label for="f-relates_to_profession" { (ui.t(W::RelatesToProfession)) }
            }
            div.field.check {
                input #f-commercial type="checkbox" name="commercial" value="1" checked[f.commercial];
                label for="f-commercial" { (ui.t(W::CampaignCommercial)) }
            }
            div.field {
                label for="f-targets" { (ui.t(W::CampaignList)) }
                input #f-targets type="file" name="targets" accept=".csv,text/csv" required aria-describedby="targets-hint";
            }
            p.hint #targets-hint { (ui.t(W::CampaignListHint)) }
            button type="submit" { (ui.t(W::ScreenIt)) }
        }
    }
}

fn runs_table(ui: &Ui, runs: &[ScreeningRun]) -> Markup {
    if runs.is_empty() {
        return empty(ui.t(W::NoScreenings));
    }
    let heads = [
        ui.t(W::When),
        ui.t(W::CampaignName),
        ui.t(W::Actor),
        ui.t(W::Rows),
        ui.t(W::Allowed),
        ui.t(W::Denied),
        ui.t(W::RulePack),
        ui.t(W::Proof),
    ];
    html! {
        (table("runs", Some(ui.t(W::PastScreenings)), &heads, html! {
            @for r in runs {
                @let run = &r.run;
                @let spec = CampaignSpec::parse(&run.campaign).ok();
                @let allowed: u64 = run.counts.iter().filter(|(c, _)| c.parse::<vigie_core::Code>().is_ok_and(|c| c.is_allow())).map(|(_, n)| n).sum();
                tr {
                    td { (when(run.finished_at)) }
                    td {
                        (spec.as_ref().and_then(|s| s.name.clone()).unwrap_or_else(|| run.input_name.clone().unwrap_or_default()))
                        @if let Some(s) = &spec { " · " (s.channel.label(ui.lang)) }
                    }
                    td { (run.actor) }
                    td { (run.rows) }
                    td { (allowed) }
                    td { (run.rows - allowed) }
                    td { code { (run.rule_pack) } }
                    td { details { summary { "#" (r.id) } (proof(ui, r)) } }
                }
            }
        }))
    }
}

/// The proof record of a run: what was screened, against what, by whom, with the digests of
/// both files.
fn proof(ui: &Ui, r: &ScreeningRun) -> Markup {
    let run = &r.run;
    facts([
        (ui.t(W::ProofRecord), html! { "#" (r.id) }),
        (ui.t(W::Actor), html! { (run.actor) }),
        (ui.t(W::Started), html! { (when(run.started_at)) }),
        (ui.t(W::Finished), html! { (when(run.finished_at)) }),
        (ui.t(W::RulePack), html! { code { (run.rule_pack) } }),
        (ui.t(W::DataVersion), html! { (run.data_version) }),
        (
            ui.t(W::InputFile),
            html! { (run.input_name.as_deref().unwrap_or("—")) },
        ),
        (
            ui.t(W::InputSha256),
            html! { code { (hex::encode(run.input_sha256)) } },
        ),
        (
            ui.t(W::OutputSha256),
            html! { code { (hex::encode(run.output_sha256)) } },
        ),
        (ui.t(W::CampaignFile), html! { code { (run.campaign) } }),
    ])
}

/// The upload: the campaign's fields first (checked before the list is read), then the list,
/// streamed to disk; then the job starts and the page follows it.
async fn upload(
    State(state): State<AppState>,
    ui: Ui,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, UiError> {
    let zone = org_zone(&state, &ui).await?;
    let mut form = CampaignForm::new(jiff::Timestamp::now().to_zoned(zone.clone()));
    // Unticked boxes are not sent: what the form holds is what was sent.
    form.relates_to_profession = false;
    form.commercial = false;
    let refuse = |form: &CampaignForm, field: &'static str, message: String| {
        let (state, ui, form) = (&state, &ui, form.clone());
        async move { render_list(state, ui, &form, Some((field, message))).await }
    };
    let Ok(mut multipart) = multipart else {
        return refuse(&form, "targets", ui.t(W::CampaignNoList).to_owned()).await;
    };
    let (id, dir) = upload_slot(&state).await.map_err(|e| ui.error(e))?;
    let mut spec = None;
    let mut targets = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return refuse(&form, "targets", multipart_error(e).message).await,
        };
        let mut field = field;
        let name = field.name().unwrap_or("").to_owned();
        if name == "targets" {
            if targets.is_some() {
                continue;
            }
            // A bad campaign fails now, before a large list is read.
            let parsed = match form.spec(&zone) {
                Ok(s) => s,
                Err((field, message)) => return refuse(&form, field, message).await,
            };
            let input_name = field
                .file_name()
                .map(|n| n.chars().take(256).collect::<String>())
                .filter(|n| !n.trim().is_empty());
            let file = targets_file(&dir, &id);
            let size = match save_upload(&mut field, &file.0).await {
                Ok(size) => size,
                Err(e) => return refuse(&form, "targets", e.message).await,
            };
            spec = Some(parsed);
            targets = Some((file, size, input_name));
        } else {
            let text = field.text().await.unwrap_or_default();
            form.set(&name, text.chars().take(1024).collect());
        }
    }
    let (Some(spec), Some((targets, size, input_name))) = (spec, targets) else {
        return refuse(&form, "targets", ui.t(W::CampaignNoList).to_owned()).await;
    };
    if size == 0 {
        return refuse(&form, "targets", ui.t(W::CampaignEmptyList).to_owned()).await;
    }
    let upload = Upload {
        id,
        targets,
        size,
        input_name,
    };
    let job = start_job(&state, &ui.caller, spec, upload, Some(ui.lang))
        .await
        .map_err(|e| ui.error(e))?;
    let to = ui.link("/screenings").seg(&job.id);
    Ok(Redirect::to(&to.to_string()).into_response())
}

async fn job_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let (job, reasons) =
        crate::screenings::job_status(&state, ui.org.id, &id).map_err(|e| ui.error(e))?;
    let running = matches!(job.status, JobStatus::Queued | JobStatus::Running);
    let title = job
        .campaign_name
        .clone()
        .unwrap_or_else(|| ui.t(W::Screening).to_owned());
    let body = html! {
        h1 { (title) }
        p { a href=(ui.link("/screenings")) { (ui.t(W::BackToScreenings)) } }
        (progress(&ui, &job))
        @if let Some(s) = &job.summary {
            (summary(&ui, &job, s, reasons.as_deref()))
            // Say where the person links are missing (issue 15): no public address configured.
            @if job.channel == "email" && reasons.is_some() && state.public_url().is_none() {
                p.hint { (ui.t(W::PfNoPublicUrl)) }
            }
        }
        @if let Some(e) = &job.error {
            (flash(Flash::Error, &format!("{}{}{}", ui.t(W::ScreeningFailed), ui.t(W::Colon), e.message)))
        }
    };
    let here = ui.link("/screenings").seg(&job.id);
    Ok(refreshing_page(
        &ui,
        &title,
        Some(Section::Screenings),
        here,
        body,
        running.then_some(REFRESH),
    ))
}

fn status_word(s: JobStatus) -> W {
    match s {
        JobStatus::Queued => W::JobQueued,
        JobStatus::Running => W::JobRunning,
        JobStatus::Done => W::JobDone,
        JobStatus::Failed => W::JobFailed,
    }
}

/// Rows done and the share of the list read, as text and as a progress bar.
fn progress(ui: &Ui, job: &ScreeningJobOut) -> Markup {
    let p = &job.progress;
    let percent = (p.bytes * 100)
        .checked_div(p.total_bytes)
        .unwrap_or(0)
        .min(100);
    html! {
        section.job aria-live="polite" {
            p.job-status { strong { (ui.t(status_word(job.status))) } }
            p {
                (p.rows) " " (ui.t(W::RowsDone)) " · " (percent) " %"
                @if let Some(name) = &job.input_name { " · " (name) }
            }
            progress max="100" value=(percent) aria-label=(ui.t(W::Progress)) { (percent) " %" }
        }
    }
}

fn summary(
    ui: &Ui,
    job: &ScreeningJobOut,
    s: &crate::screenings::ScreeningSummaryOut,
    reasons: Option<&HashMap<String, String>>,
) -> Markup {
    let heads = [ui.t(W::Code), ui.t(W::Rows), ui.t(W::Explanation)];
    let download = ui.link("/screenings").seg(&job.id).seg("decisions");
    html! {
        h2 { (ui.t(W::Summary)) }
        (facts([
            (ui.t(W::Rows), html! { (s.rows) }),
            (ui.t(W::Allowed), html! { (s.allowed) }),
            (ui.t(W::Denied), html! { (s.denied) }),
        ]))
        @if reasons.is_some() {
            p.download { a href=(download) download { (ui.t(W::DownloadDecisions)) } }
            p.hint { (ui.t(W::DownloadDecisionsHint)) }
        }
        (table("codes", Some(ui.t(W::Summary)), &heads, html! {
            @for (code, n) in &s.counts {
                @let allow = code.parse::<vigie_core::Code>().is_ok_and(|c| c.is_allow());
                tr.allow[allow].deny[!allow] {
                    th scope="row" { strong { (ui.t(if allow { W::Allow } else { W::Deny })) } " " code { (code) } }
                    td { (n) }
                    td { (reasons.and_then(|r| r.get(code)).map(String::as_str).unwrap_or("")) }
                }
            }
        }))
        h2 { (ui.t(W::ProofRecord)) }
        (facts([
            (ui.t(W::ProofRecord), html! { "#" (s.run_id) }),
            (ui.t(W::RulePack), html! { code { (s.rule_pack) } }),
            (ui.t(W::DataVersion), html! { (s.data_version) }),
            (ui.t(W::Started), html! { (when(s.started_at)) }),
            (ui.t(W::Finished), html! { (when(s.finished_at)) }),
            (ui.t(W::InputSha256), html! { code { (s.input_sha256) } }),
            (ui.t(W::OutputSha256), html! { code { (s.output_sha256) } }),
        ]))
    }
}

/// The decisions with the list's identifiers, streamed from their file.
async fn download(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let (path, size) = joined_file(&state, ui.org.id, &id).map_err(|e| ui.error(e))?;
    ui.caller
        .audit(
            &state,
            "screening.download",
            Some(format!("screening:{id}")),
        )
        .await
        .map_err(|e| ui.error(e))?;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|_| ui.error(ApiError::not_found("no longer kept")))?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 1 << 16));
    let disposition = format!("attachment; filename=\"decisions-{id}.csv\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_LENGTH, HeaderValue::from(size)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|_| ui.error(ApiError::internal()))?,
            ),
        ],
        body,
    )
        .into_response())
}
