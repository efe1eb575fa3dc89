//! The dashboard: what a DPO reads in ten seconds. Each part is shown to the roles that may see
//! what it sums up; every figure is read from something kept up to date elsewhere, never by
//! scanning the base on a view: the census and the consent trend from the stored figures
//! ([`crate::overview`]), open requests from the request queue, the latest screenings from
//! their proof records, the latest imports from their record, the audit chain from its checkpoint file and its last verification.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use vigie_core::Permission;
use vigie_core::dsar::Urgency;
use vigie_store::{AuditCheckpoint, AuditVerification, DEFAULT_ORG, ScreeningRun};

use crate::AppState;
use crate::auth::Who;
use crate::html::charts::{lines, stacked_bars};
use crate::html::components::{empty, facts, table};
use crate::html::{Label, Link, Section, Ui, UiError, W, page, when};
use crate::imports_ui::runs_table;
use crate::overview::{self, Figures};

/// Screenings listed.
const RECENT_SCREENINGS: u32 = 5;
/// Imports listed.
const RECENT_IMPORTS: u32 = 5;

pub(crate) async fn dashboard(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    // The agent's landing page is the call check: the overview is not theirs to read.
    if !ui.caller.may(Permission::ContactsRead) && ui.caller.may(Permission::CallsLog) {
        return Ok(axum::response::Redirect::to(&ui.link("/agent").to_string()).into_response());
    }
    let store = state.store();
    let shown = if ui.caller.may(Permission::ContactsRead) {
        Some(overview::figures(&state, ui.org.id).await?)
    } else {
        None
    };
    let requests = if ui.caller.may(Permission::RequestsRead) {
        let items = state
            .dsar()
            .queue(&ui.org, true)
            .await
            .map_err(|e| ui.error(e))?;
        let count = |u| items.iter().filter(|i| i.urgency == u).count();
        Some((
            count(Urgency::Overdue),
            count(Urgency::DueSoon),
            items.len(),
        ))
    } else {
        None
    };
    let screenings = if ui.caller.may(Permission::ScreeningRead) {
        Some(store.screening_runs(ui.org.id, RECENT_SCREENINGS).await?)
    } else {
        None
    };
    // The imports page's own permission: who may not import does not read its runs either.
    let imports = if ui.caller.may(Permission::ContactsWrite) {
        Some(store.import_runs(ui.org.id, RECENT_IMPORTS).await?)
    } else {
        None
    };
    let audit = if ui.caller.may(Permission::AuditRead) {
        let checkpoint = match state.audit_checkpoint() {
            Some(path) => AuditCheckpoint::read_file(path).ok().flatten(),
            None => None,
        };
        let head = checkpoint.and_then(|c| {
            let at = c.at;
            c.heads
                .into_iter()
                .find(|h| h.org == ui.org.slug)
                .map(|h| (at, h.seq))
        });
        Some((head, store.last_audit_verification(ui.org.id).await?))
    } else {
        None
    };
    // Only the organizations the caller belongs to: one never learns of another.
    let orgs: Vec<(String, String)> = match &ui.caller.who {
        Who::User { id, .. } => {
            let all = store.orgs().await?;
            store
                .memberships(*id)
                .await?
                .into_iter()
                .filter_map(|m| all.iter().find(|o| o.id == m.org_id))
                .map(|o| (o.slug.clone(), o.name.clone()))
                .collect()
        }
        Who::Token(_) => vec![(ui.org.slug.clone(), ui.org.name.clone())],
    };

    let body = html! {
        h1 { (ui.org.name) }
        @if let Some(shown) = &shown {
            (figures_part(&ui, shown))
        }
        div.tiles {
            @if let Some((overdue, due_soon, open)) = requests {
                section aria-labelledby="requests-h" {
                    h2 #requests-h { (ui.t(W::Requests)) }
                    div.counts {
                        div.overdue { strong { (overdue) } (ui.t(W::Overdue)) }
                        div.due_soon { strong { (due_soon) } (ui.t(W::DueWithin7Days)) }
                        div { strong { (open) } (ui.t(W::Open)) }
                    }
                    p { a href=(ui.link("/requests")) { (ui.t(W::DashSeeRequests)) } }
                }
            }
            @if let Some((head, verification)) = &audit {
                (audit_part(&ui, *head, verification.as_ref()))
            }
        }
        @if let Some(runs) = &imports {
            h2 { (ui.t(W::DashImports)) }
            (runs_table(&ui, runs, W::DashImports))
            p { a href=(ui.link("/imports")) { (ui.t(W::DashSeeImports)) } }
        }
        @if let Some(runs) = &screenings {
            (screenings_part(&ui, runs))
        }
        @if orgs.len() > 1 {
            h2 { (ui.t(W::Organizations)) }
            ul.orgs {
                @for (slug, name) in &orgs {
                    li { a href=(if slug == DEFAULT_ORG { Link::new("/") } else { Link::new("/").q("org", slug.clone()) }) { (name) } " " code { (slug) } }
                }
            }
        }
    };
    Ok(page(
        &ui,
        ui.t(W::Dashboard),
        Some(Section::Dashboard),
        ui.link("/"),
        body,
    ))
}

fn figures_part(ui: &Ui, shown: &overview::Shown) -> Markup {
    let Some((f, at)) = &shown.figures else {
        return html! {
            h2 { (ui.t(W::DashReach)) }
            (empty(ui.t(W::DashComputing)))
        };
    };
    html! {
        p.hint {
            (ui.t(W::DashComputedAt)) (ui.t(W::Colon)) (when(*at))
            @if shown.refreshing { " · " (ui.t(W::DashRefreshing)) }
        }
        div.counts {
            div { strong { a href=(ui.link("/contacts")) { (f.contacts) } } (ui.t(W::ContactCount)) }
        }
        (reach(ui, f))
        (trend(ui, f))
    }
}

fn percent(part: u64, whole: u64) -> u64 {
    (part * 100 + whole / 2).checked_div(whole).unwrap_or(0)
}

fn reach(ui: &Ui, f: &Figures) -> Markup {
    let parts = [
        ui.t(W::DashReachable),
        ui.t(W::DashBlocked),
        ui.t(W::DashNoIdentifier),
    ];
    let rows: Vec<(&str, Vec<u64>)> = f
        .channels
        .iter()
        .map(|c| {
            let blocked = c.with_identifier - c.allowed;
            let without = f.contacts.saturating_sub(c.with_identifier);
            (c.channel.label(ui.lang), vec![c.allowed, blocked, without])
        })
        .collect();
    html! {
        h2 { (ui.t(W::DashReach)) }
        p { (ui.t(W::DashReachIntro)) }
        (stacked_bars(ui.lang, ui.t(W::DashReach), &parts, &rows))
        @for c in &f.channels {
            details.reach {
                summary {
                    (c.channel.label(ui.lang)) (ui.t(W::Colon))
                    (percent(c.allowed, f.contacts)) " % " (ui.t(W::DashReachableShort))
                    " (" (c.allowed) " / " (f.contacts) ")"
                }
                @if c.blocked.is_empty() {
                    p { (ui.t(W::DashNothingBlocks)) }
                } @else {
                    (table("blocked", Some(ui.t(W::DashWhyBlocked)), &[ui.t(W::Count), ui.t(W::Explanation), ui.t(W::Code)], html! {
                        @for b in &c.blocked {
                            tr {
                                td { (b.count) }
                                td { (b.words(ui.lang)) }
                                td { code { (b.code) } }
                            }
                        }
                    }))
                }
            }
        }
    }
}

fn trend(ui: &Ui, f: &Figures) -> Markup {
    let series = [
        ui.t(W::DashGrants),
        ui.t(W::DashWithdrawals),
        ui.t(W::DashObjections),
    ];
    let starts: Vec<String> = f.weeks.iter().map(|w| w.start.to_string()).collect();
    let points: Vec<(&str, Vec<u64>)> = f
        .weeks
        .iter()
        .zip(&starts)
        .map(|(w, s)| (s.as_str(), vec![w.grants, w.withdrawals, w.objections]))
        .collect();
    html! {
        h2 { (ui.t(W::DashTrend)) }
        (lines(ui.lang, ui.t(W::DashTrend), &series, &points))
    }
}

fn audit_part(
    ui: &Ui,
    head: Option<(jiff::Timestamp, i64)>,
    verification: Option<&AuditVerification>,
) -> Markup {
    html! {
        section aria-labelledby="audit-h" {
            h2 #audit-h { (ui.t(W::DashAuditChain)) }
            (facts([
                (ui.t(W::DashLastCheckpoint), match head {
                    Some((at, seq)) => html! { (when(at)) " · n° " (seq) },
                    None => html! { (ui.t(W::DashNoCheckpoint)) },
                }),
                (ui.t(W::DashLastVerification), match verification {
                    Some(v) => html! {
                        (when(v.at)) " · "
                        @if v.intact { strong.allow { (ui.t(W::AuditIntact)) } }
                        @else { strong.deny { (ui.t(W::AuditBroken)) " (" (v.faults) ")" } }
                    },
                    None => html! { (ui.t(W::DashNeverVerified)) },
                }),
            ]))
            @if ui.caller.may(Permission::AuditRead) {
                p { a href=(ui.link("/admin/audit")) { (ui.t(W::AuditVerifyNow)) } }
            }
        }
    }
}

fn screenings_part(ui: &Ui, runs: &[ScreeningRun]) -> Markup {
    let heads = [
        ui.t(W::When),
        ui.t(W::Channel),
        ui.t(W::DashRows),
        ui.t(W::DashAllowedRows),
        ui.t(W::DashProof),
    ];
    html! {
        h2 { (ui.t(W::DashScreenings)) }
        @if runs.is_empty() {
            (empty(ui.t(W::DashNoScreenings)))
        } @else {
            (table("screenings", Some(ui.t(W::DashScreenings)), &heads, html! {
                @for r in runs {
                    @let spec = vigie_screen::CampaignSpec::parse(&r.run.campaign).ok();
                    tr {
                        td { (when(r.run.finished_at)) }
                        td { @if let Some(s) = &spec { (s.channel.label(ui.lang)) } }
                        td { (r.run.rows) }
                        td { (allowed_rows(&r.run.counts)) }
                        td {
                            a href=(format!("/api/v1/screenings/{}", r.id)) { "n° " (r.id) }
                            " · SHA-256 " code { (hex::encode(&r.run.output_sha256[..8])) "…" }
                        }
                    }
                }
            }))
        }
    }
}

/// Rows the run allowed, from its counts by code.
fn allowed_rows(counts: &std::collections::BTreeMap<String, u64>) -> u64 {
    counts
        .iter()
        .filter(|(code, _)| {
            vigie_core::Code::ALL
                .iter()
                .find(|c| c.as_str() == code.as_str())
                .is_some_and(|c| c.decision() == vigie_core::Decision::Allow)
        })
        .map(|(_, n)| n)
        .sum()
}
