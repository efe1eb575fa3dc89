//! The imports pages: `/imports` (upload a file of any kind `vigie import` reads; past runs from
//! the store, the CLI's included) and `/imports/{id}` (progress, reloaded while the job runs;
//! then the summary, the rejected rows with their line, field and reason, and the rejects file).
//!
//! The upload is streamed to a file in the jobs directory (never whole in memory; at most
//! [`DEFAULT_IMPORT_LIMIT`] unless the server says otherwise), made UTF-8 if it is a Windows-1252
//! export ([`vigie_import::ensure_utf8`]), then imported in the background by
//! [`vigie_import::import_file`], as `vigie import` does, and recorded with
//! [`vigie_import::run_record`]. Jobs live in memory for a day, with their rejects file.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};
use vigie_core::{Lang, Permission};
use vigie_import::{
    EncodingError, ImportError, ImportKind, ImportOptions, ImportReport, RowError, TextEncoding,
};
use vigie_store::{ImportRun, NewImportRun, OrgId, StartedImport};

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::html::components::{Flash, empty, facts, flash, select, table};
use crate::html::rejects::reject_reason;
use crate::html::{Section, Ui, UiError, W, page, refreshing_page, when};
use crate::screenings::{TempFile, save_upload, upload_slot};

/// Largest import file accepted by default (`AppState::with_import_limit` changes it).
pub const DEFAULT_IMPORT_LIMIT: usize = 2 * 1024 * 1024 * 1024;
/// How long a finished job (its page and rejects file) is kept.
const RETENTION: Duration = Duration::from_secs(24 * 3600);
const RUNS_SHOWN: u32 = 20;
const REFRESH: u32 = 2;

pub fn routes(limit: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/imports",
            get(imports_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(limit)),
        )
        .route("/imports/{id}", get(job_page))
        .route("/imports/{id}/rejects", get(rejects))
}

const KINDS: [ImportKind; 5] = [
    ImportKind::Contacts,
    ImportKind::Consents,
    ImportKind::Suppression,
    ImportKind::Opposition,
    ImportKind::Calls,
];

/// What importing a kind changes, so what it takes: contacts and lists are contact data, consents
/// the ledger, calls the call log.
fn permission(kind: ImportKind) -> Permission {
    match kind {
        ImportKind::Contacts | ImportKind::Suppression | ImportKind::Opposition => {
            Permission::ContactsWrite
        }
        ImportKind::Consents => Permission::LedgerWrite,
        ImportKind::Calls => Permission::CallsLog,
    }
}

fn kind_word(kind: ImportKind) -> W {
    match kind {
        ImportKind::Contacts => W::ImportKindContacts,
        ImportKind::Consents => W::ImportKindConsents,
        ImportKind::Suppression => W::ImportKindSuppression,
        ImportKind::Opposition => W::ImportKindOpposition,
        ImportKind::Calls => W::ImportKindCalls,
    }
}

fn kind_named(name: &str) -> Option<ImportKind> {
    KINDS.into_iter().find(|k| k.name() == name)
}

/// The import jobs of a server.
pub(crate) struct ImportJobs {
    jobs: Mutex<HashMap<String, Arc<Job>>>,
    /// Jobs whose upload is being received, not yet in `jobs`: their files are in use too.
    uploading: Mutex<HashSet<String>>,
    pub(crate) limit: usize,
    /// This server as the holder of its running imports in the store (see
    /// `vigie_store::Store::tend_import_runs`).
    pub(crate) holder: String,
}

/// An upload being received (see [`ImportJobs::receiving`]).
pub(crate) struct Receiving<'a> {
    jobs: &'a ImportJobs,
    id: String,
}

impl Drop for Receiving<'_> {
    fn drop(&mut self) {
        self.jobs
            .uploading
            .lock()
            .expect("uploads")
            .remove(&self.id);
    }
}

impl ImportJobs {
    pub(crate) fn new(limit: usize) -> ImportJobs {
        ImportJobs {
            jobs: Mutex::default(),
            uploading: Mutex::default(),
            limit,
            holder: vigie_store::import_holder_id(),
        }
    }

    /// The jobs still running.
    fn running(&self) -> Vec<Arc<Job>> {
        let jobs = self.jobs.lock().expect("import jobs");
        jobs.values()
            .filter(|j| j.ended().is_none())
            .cloned()
            .collect()
    }

    /// How many jobs are still running.
    pub(crate) fn running_count(&self) -> usize {
        self.running().len()
    }

    /// Asks every running job to stop: each rolls its transaction back and records itself
    /// interrupted.
    pub(crate) fn cancel_all(&self) {
        for job in self.running() {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Whether `id` is a job of this server (its files are in use or kept for the page).
    pub(crate) fn knows(&self, id: &str) -> bool {
        self.uploading.lock().expect("uploads").contains(id)
            || self.jobs.lock().expect("import jobs").contains_key(id)
    }

    /// Marks job `id`'s upload as being received until the guard is dropped, so that the sweep
    /// of leftover import files (`job_lifecycle`) never takes its file for one: the file is
    /// written before the job is registered.
    pub(crate) fn receiving(&self, id: &str) -> Receiving<'_> {
        self.uploading
            .lock()
            .expect("uploads")
            .insert(id.to_owned());
        Receiving {
            jobs: self,
            id: id.to_owned(),
        }
    }

    fn job(&self, org: OrgId, id: &str) -> Option<Arc<Job>> {
        // Forget the jobs that ended more than a day ago, and their files.
        let mut jobs = self.jobs.lock().expect("import jobs");
        jobs.retain(|_, j| {
            let keep = j.ended().is_none_or(|at| at.elapsed() < RETENTION);
            if !keep {
                let _ = std::fs::remove_file(&j.rejects);
            }
            keep
        });
        jobs.get(id).filter(|j| j.org == org).cloned()
    }
}

/// Where a job is.
enum Phase {
    Running,
    /// With "import the valid rows", the report holds the first rejected rows.
    Done {
        report: ImportReport,
    },
    /// Bad rows: nothing was imported.
    Refused {
        count: u64,
        errors: Vec<RowError>,
    },
    /// The file is not text Vigie reads.
    NotText(String),
    /// The server stopped it: rolled back.
    Interrupted,
    Failed,
}

struct Job {
    id: String,
    org: OrgId,
    kind: ImportKind,
    file_name: Option<String>,
    total_bytes: u64,
    /// Data rows of the file (lines after the header), counted before the import.
    total_rows: AtomicU64,
    bytes: AtomicU64,
    /// The file was a Windows-1252 export, rewritten in UTF-8.
    windows_1252: AtomicU64,
    rejects: PathBuf,
    /// Set when the server stops: the import rolls back.
    cancel: Arc<AtomicBool>,
    state: Mutex<(Phase, Option<Instant>)>,
}

impl Job {
    fn ended(&self) -> Option<Instant> {
        self.state.lock().expect("import job").1
    }

    fn end(&self, phase: Phase) {
        *self.state.lock().expect("import job") = (phase, Some(Instant::now()));
    }
}

/// Counts the lines after the header (a quoted field never holds a line break in an import).
fn data_rows(path: &std::path::Path) -> std::io::Result<u64> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    if last != b'\n' {
        lines += 1;
    }
    Ok(lines.saturating_sub(1))
}

/// What the form asked for besides the file.
struct Choice {
    kind: ImportKind,
    skip_invalid: bool,
    list: String,
    extract_date: Option<jiff::civil::Date>,
}

/// Writes how the import ended: on its `running` row when it has one (see [`run`]), else as a
/// new row.
async fn record_end(state: &AppState, org: OrgId, run_id: Option<i64>, record: &NewImportRun) {
    let recorded = match run_id {
        Some(id) => state.store().finish_import_run(org, id, record).await,
        None => state
            .store()
            .record_import_run(org, record)
            .await
            .map(|_| ()),
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, "cannot record an import run");
    }
}

/// Runs an import to its end and records it, as `vigie import` does: `running` from the start,
/// held by this server, so that a stop or a crash never leaves it so (see `job_lifecycle`).
async fn run(state: AppState, caller: Caller, job: Arc<Job>, choice: Choice, upload: TempFile) {
    let started_at = jiff::Timestamp::now();
    let start = StartedImport {
        kind: choice.kind.name().to_owned(),
        file_name: job.file_name.clone(),
        actor: caller.actor(),
        started_at,
        job: Some(job.id.clone()),
    };
    let run_id = match state
        .store()
        .begin_import_run(caller.org.id, &start, &state.imports().holder)
        .await
    {
        Ok(id) => Some(id),
        Err(e) => {
            tracing::error!(error = %e, "cannot record an import run as it starts");
            None
        }
    };
    let path = upload.0.clone();
    let prepared = tokio::task::spawn_blocking(move || {
        let encoding = vigie_import::ensure_utf8(&path)?;
        Ok::<_, EncodingError>((encoding, data_rows(&path)?))
    })
    .await;
    match prepared {
        Ok(Ok((encoding, rows))) => {
            job.total_rows.store(rows, Ordering::Relaxed);
            job.windows_1252.store(
                u64::from(encoding == TextEncoding::Windows1252),
                Ordering::Relaxed,
            );
        }
        Ok(Err(e)) => {
            let record = vigie_import::run_record(
                choice.kind,
                job.file_name.clone(),
                caller.actor(),
                started_at,
                &Err(ImportError::Io(
                    std::io::Error::other(e.to_string()),
                    upload.0.clone(),
                )),
            );
            record_end(&state, caller.org.id, run_id, &record).await;
            job.end(Phase::NotText(e.to_string()));
            return;
        }
        Err(_) => return job.end(Phase::Failed),
    }
    let region = match state.store().org_settings(caller.org.id).await {
        Ok(s) => s.region,
        Err(_) => return job.end(Phase::Failed),
    };
    let progress = {
        let job = job.clone();
        Arc::new(move |b: u64| job.bytes.store(b, Ordering::Relaxed))
            as Arc<dyn Fn(u64) + Send + Sync>
    };
    let opts = ImportOptions {
        region,
        skip_invalid: choice.skip_invalid,
        rejects_path: Some(job.rejects.clone()),
        progress: Some(progress),
        list: choice.list,
        extract_date: choice.extract_date,
        // A server stopping cancels the import once its grace period is over: the load's
        // transaction is never committed, so the store rolls it back, as a cancelled CLI
        // import does.
        cancel: Some(job.cancel.clone()),
    };
    let result =
        vigie_import::import_file(state.store(), &caller.org, choice.kind, &upload.0, &opts).await;
    drop(upload);
    let record = vigie_import::run_record(
        choice.kind,
        job.file_name.clone(),
        caller.actor(),
        started_at,
        &result,
    );
    record_end(&state, caller.org.id, run_id, &record).await;
    let target = format!(
        "file:{} ({} rows: {} inserted, {} updated, {} unchanged, {} removed, {} rejected; {})",
        record.file_name.as_deref().unwrap_or(""),
        record.rows,
        record.inserted,
        record.updated,
        record.unchanged,
        record.removed,
        record.rejected,
        record.outcome
    );
    if let Err(e) = caller
        .audit(
            &state,
            &format!("import.{}", choice.kind.name()),
            Some(target),
        )
        .await
    {
        tracing::error!(error = ?e, "cannot audit an import");
    }
    // The screening snapshot follows the import (the import is committed whatever happens
    // here: a failure leaves the snapshot stale, rebuilt by the next screening).
    if let Ok(report) = &result {
        let followed = match state.store().org_crypto(caller.org.id).await {
            Ok(crypto) => state
                .snapshot_cache()
                .follow_import(state.store(), &crypto, report)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(error) = followed {
            tracing::warn!(%error, "the screening snapshot was not brought current after an import");
        }
    }
    job.bytes.store(job.total_bytes, Ordering::Relaxed);
    let phase = match result {
        Ok(mut report) => {
            // The page keeps the report: not the ledger's events handed to the snapshot.
            report.written_events = None;
            Phase::Done { report }
        }
        Err(ImportError::Invalid { count, errors, .. }) => Phase::Refused { count, errors },
        Err(ImportError::Store(vigie_store::StoreError::ImportAborted)) => Phase::Interrupted,
        Err(e) => {
            tracing::error!(error = %e, "an import failed");
            Phase::Failed
        }
    };
    job.end(phase);
}

fn may_import_something(ui: &Ui) -> bool {
    KINDS.iter().any(|k| ui.caller.may(permission(*k)))
}

async fn imports_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    render_list(&state, &ui, None).await
}

async fn render_list(
    state: &AppState,
    ui: &Ui,
    error: Option<String>,
) -> Result<Response, UiError> {
    let runs = state.store().import_runs(ui.org.id, RUNS_SHOWN).await?;
    let kinds: Vec<(String, String)> = KINDS
        .iter()
        .filter(|k| ui.caller.may(permission(**k)))
        .map(|k| (k.name().to_owned(), ui.t(kind_word(*k)).to_owned()))
        .collect();
    // The body is the file: the gate reads the session's token from the action's query.
    let action = ui.link("/imports").q("csrf", ui.csrf());
    let failed = error.is_some();
    let body = html! {
        h1 { (ui.t(W::Imports)) }
        p { (ui.t(W::ImportsIntro)) }
        @if let Some(e) = &error { (flash(Flash::Error, e)) }
        @if may_import_something(ui) {
            form.upload method="post" action=(action) enctype="multipart/form-data" {
                h2 { (ui.t(W::NewImport)) }
                (select("kind", ui.t(W::ImportKind), &kinds, "contacts"))
                div.field {
                    label for="f-file" { (ui.t(W::ImportFile)) }
                    input #f-file type="file" name="file" accept=".csv,.txt,text/csv" required aria-describedby="file-hint";
                }
                div.field.check {
                    input #f-skip_invalid type="checkbox" name="skip_invalid" value="1";
                    label for="f-skip_invalid" { (ui.t(W::ImportSkipInvalid)) }
                }
                details.opposition {
                    summary { (ui.t(W::ImportOppositionOptions)) }
                    div.field {
                        label for="f-list" { (ui.t(W::ImportListName)) }
                        input #f-list type="text" name="list" value="bloctel";
                    }
                    div.field {
                        label for="f-extract_date" { (ui.t(W::ImportExtractDate)) }
                        input #f-extract_date type="date" name="extract_date";
                    }
                }
                div #file-hint.hint {
                    p { (ui.t(W::ImportFormats)) }
                    p { (ui.t(W::ImportRefused)) }
                }
                button type="submit" { (ui.t(W::ImportIt)) }
            }
        }
        h2 { (ui.t(W::PastImports)) }
        (runs_table(ui, &runs, W::PastImports))
    };
    let mut resp = page(
        ui,
        ui.t(W::Imports),
        Some(Section::Imports),
        ui.link("/imports"),
        body,
    );
    if failed {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

fn outcome_word(outcome: &str) -> W {
    match outcome {
        "done" => W::ImportOutcomeDone,
        "refused" => W::ImportOutcomeRefused,
        "running" => W::ImportOutcomeRunning,
        vigie_store::INTERRUPTED => W::ImportOutcomeInterrupted,
        _ => W::ImportOutcomeFailed,
    }
}

/// The recorded imports as a table captioned `caption`; each row carries the anchor
/// `run-{id}` on the imports page, where the dashboard's recent imports link to.
pub(crate) fn runs_table(ui: &Ui, runs: &[ImportRun], caption: W) -> Markup {
    if runs.is_empty() {
        return empty(ui.t(W::NoImports));
    }
    let heads = [
        ui.t(W::When),
        ui.t(W::ImportKind),
        ui.t(W::ImportFile),
        ui.t(W::Actor),
        ui.t(W::ImportResult),
        ui.t(W::Rows),
        ui.t(W::ImportInserted),
        ui.t(W::ImportUpdated),
        ui.t(W::ImportUnchanged),
        ui.t(W::ImportRejected),
    ];
    table(
        "runs",
        Some(ui.t(caption)),
        &heads,
        html! {
            @for r in runs {
                @let run = &r.run;
                tr id=(format!("run-{}", r.id)) {
                    td { a href=(format!("{}#run-{}", ui.link("/imports"), r.id)) { (when(run.finished_at)) } }
                    td { (kind_named(&run.kind).map(|k| ui.t(kind_word(k))).unwrap_or(&run.kind)) }
                    td { (run.file_name.as_deref().unwrap_or("—")) }
                    td { (run.actor) }
                    td { (ui.t(outcome_word(&run.outcome))) }
                    td { (run.rows) }
                    td { (run.inserted) }
                    td { (run.updated) }
                    td { (run.unchanged) }
                    td { (run.rejected) }
                }
            }
        },
    )
}

/// The upload: the kind and options first, then the file, streamed to disk; then the import
/// runs in the background and the page follows it.
async fn upload(
    State(state): State<AppState>,
    ui: Ui,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, UiError> {
    let Ok(mut multipart) = multipart else {
        return render_list(&state, &ui, Some(ui.t(W::ImportNoFile).to_owned())).await;
    };
    let (id, dir) = upload_slot(&state).await.map_err(|e| ui.error(e))?;
    // Known from before its file exists until the job is registered below.
    let _receiving = state.imports().receiving(&id);
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<(TempFile, u64, Option<String>)> = None;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let message = crate::screenings::multipart_error(e).message;
                return render_list(&state, &ui, Some(message)).await;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" && file.is_none() {
            // The kind is known before the file: refuse what the role may not import now.
            let kind = fields.get("kind").and_then(|k| kind_named(k));
            match kind {
                Some(k) if ui.caller.may(permission(k)) => {}
                Some(_) => {
                    return Err(ui.error(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "forbidden",
                        ui.t(W::ForbiddenText),
                    )));
                }
                None => {
                    return render_list(&state, &ui, Some(ui.t(W::ImportNoKind).to_owned())).await;
                }
            }
            let file_name = field
                .file_name()
                .map(|n| n.chars().take(256).collect::<String>())
                .filter(|n| !n.trim().is_empty());
            let upload = TempFile(dir.join(format!("import-{id}.upload")));
            let size = match save_upload(&mut field, &upload.0).await {
                Ok(size) => size,
                Err(e) => return render_list(&state, &ui, Some(e.message)).await,
            };
            file = Some((upload, size, file_name));
        } else if name != "file" {
            let text = field.text().await.unwrap_or_default();
            fields.insert(name, text.chars().take(256).collect());
        }
    }
    let Some((upload, size, file_name)) = file else {
        return render_list(&state, &ui, Some(ui.t(W::ImportNoFile).to_owned())).await;
    };
    if size == 0 {
        return render_list(&state, &ui, Some(ui.t(W::ImportEmptyFile).to_owned())).await;
    }
    let kind = fields
        .get("kind")
        .and_then(|k| kind_named(k))
        .expect("checked before the file");
    let extract_date = match fields.get("extract_date").map(|d| d.trim()) {
        None | Some("") => None,
        Some(d) => match d.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                return render_list(&state, &ui, Some(ui.t(W::ImportBadDate).to_owned())).await;
            }
        },
    };
    let list = fields
        .get("list")
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "bloctel".to_owned());
    let choice = Choice {
        kind,
        skip_invalid: fields.contains_key("skip_invalid"),
        list,
        extract_date,
    };
    let job = Arc::new(Job {
        id: id.clone(),
        org: ui.org.id,
        kind,
        file_name,
        total_bytes: size,
        total_rows: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
        windows_1252: AtomicU64::new(0),
        rejects: dir.join(format!("import-{id}.rejects.csv")),
        cancel: Arc::default(),
        state: Mutex::new((Phase::Running, None)),
    });
    state
        .imports()
        .jobs
        .lock()
        .expect("import jobs")
        .insert(id.clone(), job.clone());
    // The import's future is not provably `Send` (rust-lang/rust#102211: a higher-ranked
    // lifetime in vigie-import's joins), so it runs on a blocking thread of its own, which
    // its reading and sealing would keep busy anyway.
    let (state2, caller, handle) = (
        state.clone(),
        ui.caller.clone(),
        tokio::runtime::Handle::current(),
    );
    tokio::task::spawn_blocking(move || handle.block_on(run(state2, caller, job, choice, upload)));
    let to = ui.link("/imports").seg(&id);
    Ok(Redirect::to(&to.to_string()).into_response())
}

fn not_found(ui: &Ui) -> UiError {
    ui.error(ApiError::not_found(ui.t(W::ImportGone)))
}

/// "Line 3, field « email »: reason" rows.
fn errors_table(ui: &Ui, errors: &[RowError]) -> Markup {
    let heads = [ui.t(W::Line), ui.t(W::Field), ui.t(W::Reason)];
    table(
        "rejects",
        Some(ui.t(W::ImportRejectedRows)),
        &heads,
        html! {
            @for e in errors {
                tr {
                    th scope="row" { (e.line) }
                    td { @if !e.column.is_empty() { code { (e.column) } } }
                    td data-code=(e.reason.code()) { (reject_reason(ui.lang, &e.reason)) }
                }
            }
        },
    )
}

async fn job_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let job = state
        .imports()
        .job(ui.org.id, &id)
        .ok_or_else(|| not_found(&ui))?;
    let lang = ui.lang;
    let state_guard = job.state.lock().expect("import job");
    let running = matches!(state_guard.0, Phase::Running);
    let total = job.total_bytes.max(1);
    let read = job.bytes.load(Ordering::Relaxed).min(total);
    let percent = read * 100 / total;
    let rows = job.total_rows.load(Ordering::Relaxed);
    let body = html! {
        h1 { (ui.t(kind_word(job.kind))) " · " (job.file_name.as_deref().unwrap_or("")) }
        p { a href=(ui.link("/imports")) { (ui.t(W::BackToImports)) } }
        section.job aria-live="polite" {
            @match &state_guard.0 {
                Phase::Running => {
                    p.job-status { strong { (ui.t(W::JobRunning)) } }
                    p { (percent) " % · " (rows) " " (ui.t(W::ImportRowsInFile)) }
                    progress max="100" value=(percent) aria-label=(ui.t(W::Progress)) { (percent) " %" }
                }
                Phase::Done { report } => {
                    p.job-status { strong { (ui.t(W::JobDone)) } }
                    @if job.windows_1252.load(Ordering::Relaxed) == 1 { p.hint { (ui.t(W::ImportWasWindows1252)) } }
                    (summary(&ui, report))
                    @if report.rejected > 0 {
                        h2 { (ui.t(W::ImportRejectedRows)) }
                        p { a href=(ui.link("/imports").seg(&id).seg("rejects")) download { (ui.t(W::ImportDownloadRejects)) } }
                        (errors_table(&ui, &report.rejects))
                    }
                    @if !report.skipped.is_empty() {
                        h2 { (ui.t(W::ImportSkippedRows)) }
                        p.hint { (ui.t(W::ImportSkippedHint)) }
                        @if report.rejected == 0 {
                            p { a href=(ui.link("/imports").seg(&id).seg("rejects")) download { (ui.t(W::ImportDownloadRejects)) } }
                        }
                        (errors_table(&ui, &report.skipped))
                    }
                }
                Phase::Refused { count, errors } => {
                    (flash(Flash::Error, &refused_text(lang, *count)))
                    (errors_table(&ui, errors))
                    p.hint { (ui.t(W::ImportRefusedHint)) }
                }
                Phase::NotText(why) => {
                    (flash(Flash::Error, &format!("{}{}{}", ui.t(W::ImportNotText), ui.t(W::Colon), why)))
                    p.hint { (ui.t(W::ImportRefused)) }
                }
                Phase::Interrupted => { (flash(Flash::Error, ui.t(W::ImportOutcomeInterrupted))) }
                Phase::Failed => { (flash(Flash::Error, ui.t(W::InternalError))) }
            }
        }
    };
    drop(state_guard);
    let title = ui.t(W::Imports);
    Ok(refreshing_page(
        &ui,
        title,
        Some(Section::Imports),
        ui.link("/imports").seg(&id),
        body,
        running.then_some(REFRESH),
    ))
}

fn refused_text(lang: Lang, count: u64) -> String {
    match lang {
        Lang::Fr => format!("{count} ligne(s) invalide(s) : rien n'a été importé."),
        Lang::En => format!("{count} invalid row(s): nothing was imported."),
    }
}

fn summary(ui: &Ui, r: &ImportReport) -> Markup {
    let c = &r.counts;
    let n = |v: u64| html! { (v) };
    facts([
        (ui.t(W::Rows), n(r.rows)),
        (ui.t(W::ImportInserted), n(c.inserted)),
        (ui.t(W::ImportUpdated), n(c.updated)),
        (ui.t(W::ImportUnchanged), n(c.unchanged)),
        (ui.t(W::ImportRemoved), n(c.removed)),
        (ui.t(W::ImportRejected), n(r.rejected)),
    ])
}

/// The rejects file: each rejected row with its line, column and reason, formula-safe (written
/// by vigie-import).
async fn rejects(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let job = state
        .imports()
        .job(ui.org.id, &id)
        .ok_or_else(|| not_found(&ui))?;
    ui.caller
        .audit(
            &state,
            "import.rejects.download",
            Some(format!("import:{id}")),
        )
        .await
        .map_err(|e| ui.error(e))?;
    let file = tokio::fs::File::open(&job.rejects)
        .await
        .map_err(|_| not_found(&ui))?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let name = format!("attachment; filename=\"rejets-{}.csv\"", job.kind.name());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&name).map_err(|_| not_found(&ui))?,
            ),
        ],
        body,
    )
        .into_response())
}
