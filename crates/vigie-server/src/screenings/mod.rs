//! Bulk screening over HTTP: a campaign list uploaded, screened in the background, its decisions
//! and summary downloaded, every run recorded as proof.
//!
//! - `POST /api/v1/screenings` (multipart: `campaign` = JSON, `targets` = CSV file): the targets
//!   are streamed to a temporary file chunk by chunk (never held whole in memory; up to
//!   [`UPLOAD_LIMIT`]), then a background task screens them with vigie-screen (the same calls as
//!   `vigie screen`). Answers 202 with the job.
//! - `GET /api/v1/screenings/{id}`: queued, running (rows and bytes done), done (the summary) or
//!   failed (why).
//! - `GET /api/v1/screenings/{id}/decisions`: the decisions CSV (`row,decision,code`), streamed
//!   from its file; `GET /api/v1/screenings/{id}/summary`: the summary.
//! - `GET /api/v1/screenings`: the proof records of the organization's runs, from the store.
//!
//! Jobs live in memory, per organization (another organization's job is a 404), with their
//! decisions file in the jobs directory; both are dropped [`ScreeningConfig::retention`] after the
//! job ends. The uploaded targets (personal data in clear) are deleted as soon as the job ends,
//! or when the upload fails. The durable part is the proof record in the store. One screening
//! runs at a time (each one uses every core); the others wait, `queued`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Body;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use tokio::io::AsyncWriteExt;
use tokio::sync::Semaphore;
use vigie_screen::{
    CampaignError, CampaignSpec, Progress, ScreenError, ScreenOptions, SnapshotCache, TargetsError,
    record_run, screen_targets,
};
use vigie_store::OrgId;

pub(crate) mod join;
mod wire;

pub use wire::*;

use crate::AppState;
use crate::api::OrgHeader;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, page_limit};

pub const TAG_SCREENING: &str = "screening";

/// Largest upload accepted by `POST /api/v1/screenings` (the rest of the API keeps 1 MiB).
pub const UPLOAD_LIMIT: usize = 2 * 1024 * 1024 * 1024;
/// Largest campaign part.
const CAMPAIGN_LIMIT: usize = 64 * 1024;
/// Who runs API screenings, recorded as proof (accounts come later).
/// Default and largest page of `GET /api/v1/screenings`.
const DEFAULT_RUNS: u32 = 20;
const MAX_RUNS: u32 = 1000;
/// Upload buffer: chunks from the network are small, writes to disk need not be.
const WRITE_BUFFER: usize = 1 << 20;

/// Where screening keeps its files, and how long finished jobs are kept.
#[derive(Debug, Clone)]
pub struct ScreeningConfig {
    /// Uploads in progress and the decisions files of the jobs.
    pub jobs_dir: PathBuf,
    /// The screening snapshots of the organizations (shared with `vigie screen`).
    pub cache_dir: PathBuf,
    /// How long a finished job (its status and decisions file) is kept.
    pub retention: Duration,
    /// Screenings run at the same time; the others wait, `queued`.
    pub concurrency: usize,
}

impl ScreeningConfig {
    /// `DATA_DIR/jobs` and `DATA_DIR/cache` (the cache `vigie screen` uses by default).
    pub fn in_dir(data_dir: &Path) -> ScreeningConfig {
        ScreeningConfig::new(data_dir.join("jobs"), data_dir.join("cache"))
    }

    pub fn new(jobs_dir: impl Into<PathBuf>, cache_dir: impl Into<PathBuf>) -> ScreeningConfig {
        ScreeningConfig {
            jobs_dir: jobs_dir.into(),
            cache_dir: cache_dir.into(),
            retention: Duration::from_secs(24 * 3600),
            concurrency: 1,
        }
    }

    /// Directories of their own under the system's temporary directory, for a server built
    /// without a configuration (tests, embedding); created on the first upload.
    pub(crate) fn temporary() -> ScreeningConfig {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "vigie-server-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        ScreeningConfig::in_dir(&dir)
    }
}

/// The jobs of a server.
pub(crate) struct Screenings {
    config: ScreeningConfig,
    cache: SnapshotCache,
    jobs: Mutex<HashMap<String, Arc<Job>>>,
    permits: Arc<Semaphore>,
    /// Files left in the jobs directory by an earlier process were looked at.
    swept: AtomicBool,
}

impl Screenings {
    pub(crate) fn new(config: ScreeningConfig) -> Screenings {
        Screenings {
            cache: SnapshotCache::new(&config.cache_dir),
            permits: Arc::new(Semaphore::new(config.concurrency.max(1))),
            jobs: Mutex::default(),
            swept: AtomicBool::new(false),
            config,
        }
    }

    pub(crate) fn cache(&self) -> &SnapshotCache {
        &self.cache
    }

    fn job(&self, org: OrgId, id: &str) -> ApiResult<Arc<Job>> {
        self.sweep();
        self.jobs
            .lock()
            .expect("jobs")
            .get(id)
            .filter(|_| valid_job_id(id))
            .filter(|job| job.org == org)
            .cloned()
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "no screening job {:?} in this organization (finished jobs are kept {} h)",
                    id.chars().take(64).collect::<String>(),
                    self.config.retention.as_secs() / 3600
                ))
            })
    }

    /// Forgets the jobs that ended more than the retention ago, and deletes their files.
    fn sweep(&self) {
        let retention = self.config.retention;
        let expired: Vec<Arc<Job>> = {
            let mut jobs = self.jobs.lock().expect("jobs");
            let expired: Vec<String> = jobs
                .values()
                .filter(|j| j.ended().is_some_and(|at| at.elapsed() >= retention))
                .map(|j| j.id.clone())
                .collect();
            expired.iter().filter_map(|id| jobs.remove(id)).collect()
        };
        for job in expired {
            remove_quietly(&job.output);
            if let Some(joined) = &job.joined {
                remove_quietly(&joined.path);
            }
        }
    }

    /// The directory of the jobs' files (screenings and imports).
    pub(crate) fn jobs_dir(&self) -> &Path {
        &self.config.jobs_dir
    }

    /// How many jobs are queued or running.
    pub(crate) fn unfinished_count(&self) -> usize {
        let jobs = self.jobs.lock().expect("jobs");
        jobs.values().filter(|j| j.ended().is_none()).count()
    }

    /// At a stop, once the grace period is over: the jobs still queued or running end as
    /// failed ("interrupted") and their partial files are removed, since the process goes.
    /// Nothing of a screening is recorded before its end, so no record says it runs. How many.
    pub(crate) fn interrupt_unfinished(&self) -> usize {
        let unfinished: Vec<Arc<Job>> = {
            let jobs = self.jobs.lock().expect("jobs");
            jobs.values()
                .filter(|j| j.ended().is_none())
                .cloned()
                .collect()
        };
        for job in &unfinished {
            job.end(Phase::Failed(JobErrorOut {
                code: "interrupted".into(),
                message: "the server stopped before this screening ended: start it again".into(),
            }));
            remove_quietly(&job.output.with_extension("csv.part"));
            remove_quietly(&targets_file(&self.config.jobs_dir, &job.id).0);
        }
        unfinished.len()
    }

    /// Once per process: deletes the files an earlier process left in the jobs directory (its
    /// jobs are gone with its memory) once they are older than the retention.
    async fn sweep_orphans(&self) {
        if self.swept.swap(true, Ordering::Relaxed) {
            return;
        }
        let (dir, retention) = (self.config.jobs_dir.clone(), self.config.retention);
        let _ = tokio::task::spawn_blocking(move || {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                return;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let ours = name.to_str().is_some_and(|n| n.starts_with("screening-"));
                let old = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age >= retention);
                if ours && old {
                    remove_quietly(&entry.path());
                }
            }
        })
        .await;
    }
}

fn remove_quietly(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "cannot delete a screening file")
        }
    }
}

/// A file deleted when dropped: an upload (complete or not) never outlives its job.
pub(crate) struct TempFile(pub(crate) PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        remove_quietly(&self.0);
    }
}

// ------------------------------------------------------------------------------------- jobs

enum Phase {
    Queued,
    Running,
    Done(Arc<ScreeningSummaryOut>),
    Failed(JobErrorOut),
}

/// One screening job.
struct Job {
    id: String,
    org: OrgId,
    /// Who asked, as the audit trail and the proof record name them.
    actor: String,
    created_at: Timestamp,
    campaign_name: Option<String>,
    channel: String,
    input_name: Option<String>,
    total_bytes: u64,
    bytes: AtomicU64,
    rows: AtomicU64,
    /// The decisions, once done.
    output: PathBuf,
    /// The decisions with the list's identifiers joined back (jobs started from the page), and
    /// the language of its reasons.
    joined: Option<Joined>,
    state: Mutex<JobState>,
}

/// The reason of each code (`CONSENT` …) for a campaign, in words.
pub(crate) type Reasons = Arc<HashMap<String, String>>;

/// The joined decisions file of a job started from the page, and the reason of each code for
/// its campaign in the language of the person who started it.
struct Joined {
    path: PathBuf,
    reasons: Reasons,
    /// The person links of an e-mail campaign's allowed rows, when the server knows its public
    /// address.
    links: Option<Arc<join::RowLinks>>,
}

struct JobState {
    phase: Phase,
    started_at: Option<Timestamp>,
    finished_at: Option<Timestamp>,
    ended: Option<Instant>,
}

impl Job {
    fn ended(&self) -> Option<Instant> {
        self.state.lock().expect("job").ended
    }

    fn start(&self) {
        let mut s = self.state.lock().expect("job");
        s.phase = Phase::Running;
        s.started_at = Some(Timestamp::now());
    }

    fn end(&self, phase: Phase) {
        let mut s = self.state.lock().expect("job");
        s.phase = phase;
        s.finished_at = Some(Timestamp::now());
        s.ended = Some(Instant::now());
    }

    fn summary(&self) -> ApiResult<Arc<ScreeningSummaryOut>> {
        let s = self.state.lock().expect("job");
        match &s.phase {
            Phase::Done(summary) => Ok(summary.clone()),
            Phase::Failed(e) => Err(ApiError::new(
                StatusCode::CONFLICT,
                "screening_failed",
                format!("this screening failed: {}", e.message),
            )),
            Phase::Queued | Phase::Running => Err(ApiError::new(
                StatusCode::CONFLICT,
                "screening_not_done",
                format!(
                    "this screening is not done yet: follow it with GET {}",
                    job_url(&self.id)
                ),
            )),
        }
    }

    fn out(&self) -> ScreeningJobOut {
        let s = self.state.lock().expect("job");
        let (status, summary, error) = match &s.phase {
            Phase::Queued => (JobStatus::Queued, None, None),
            Phase::Running => (JobStatus::Running, None, None),
            Phase::Done(summary) => (JobStatus::Done, Some((**summary).clone()), None),
            Phase::Failed(e) => (JobStatus::Failed, None, Some(e.clone())),
        };
        let url = job_url(&self.id);
        ScreeningJobOut {
            id: self.id.clone(),
            status,
            created_at: self.created_at,
            started_at: s.started_at,
            finished_at: s.finished_at,
            campaign_name: self.campaign_name.clone(),
            channel: self.channel.clone(),
            input_name: self.input_name.clone(),
            progress: ProgressOut {
                rows: self.rows.load(Ordering::Relaxed),
                bytes: self.bytes.load(Ordering::Relaxed),
                total_bytes: self.total_bytes,
            },
            summary,
            error,
            links: JobLinks {
                decisions: format!("{url}/decisions"),
                summary: format!("{url}/summary"),
                this: url,
            },
        }
    }
}

fn job_url(id: &str) -> String {
    format!("/api/v1/screenings/{id}")
}

/// A new job id: 128 random bits, in hex.
fn new_job_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

fn valid_job_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Runs a job to its end: waits for its turn, screens, records the proof. Never leaves the job
/// running, even if the screening panics.
async fn run_job(state: AppState, job: Arc<Job>, spec: CampaignSpec, targets: TempFile) {
    let screenings = &state.inner.screenings;
    let _permit = screenings.permits.clone().acquire_owned().await;
    job.start();
    let task = {
        let (state, job) = (state.clone(), job.clone());
        tokio::spawn(async move {
            let result = screen_job(&state, &job, &spec, &targets.0).await;
            drop(targets);
            result
        })
    };
    let phase = match task.await {
        Ok(Ok(summary)) => Phase::Done(Arc::new(summary)),
        Ok(Err(e)) => Phase::Failed(e),
        Err(e) => {
            tracing::error!(error = %e, "a screening task panicked");
            remove_quietly(&job.output);
            Phase::Failed(JobErrorOut::internal())
        }
    };
    job.end(phase);
}

async fn screen_job(
    state: &AppState,
    job: &Arc<Job>,
    spec: &CampaignSpec,
    targets: &Path,
) -> Result<ScreeningSummaryOut, JobErrorOut> {
    let store = state.store();
    let screenings = &state.inner.screenings;
    let internal = |what: &str, e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "screening job: {what}");
        JobErrorOut::internal()
    };
    let crypto = store
        .org_crypto(job.org)
        .await
        .map_err(|e| internal("organization keys", &e))?;
    tokio::fs::create_dir_all(&screenings.config.cache_dir)
        .await
        .map_err(|e| internal("creating the snapshot cache directory", &e))?;
    let input = std::fs::File::open(targets).map_err(|e| internal("opening the upload", &e))?;
    let part = job.output.with_extension("csv.part");
    let output = private_file(&part)
        .await
        .map_err(|e| internal("creating the decisions file", &e))?
        .into_std()
        .await;
    let progress = {
        let job = job.clone();
        Arc::new(move |p: Progress| {
            job.bytes.store(p.bytes, Ordering::Relaxed);
            job.rows.store(p.rows, Ordering::Relaxed);
        }) as Arc<dyn Fn(Progress) + Send + Sync>
    };
    let options = ScreenOptions {
        progress: Some(progress),
        ..ScreenOptions::default()
    };
    let screened = screen_targets(
        store,
        &crypto,
        &screenings.cache,
        spec,
        input,
        output,
        options,
    )
    .await;
    let screened = match screened {
        Ok(s) => s,
        Err(e) => {
            remove_quietly(&part);
            return Err(match e {
                ScreenError::Targets(
                    e @ (TargetsError::Empty(_)
                    | TargetsError::MissingColumn { .. }
                    | TargetsError::Header(_)),
                ) => JobErrorOut {
                    code: "invalid_targets".into(),
                    message: format!("targets: {e}"),
                },
                // The override is a CLI flag for now (`--allow-stale-opposition-list`).
                ScreenError::StaleOppositionList(why) => JobErrorOut {
                    code: "stale_opposition_list".into(),
                    message: why,
                },
                e => internal("screening", &e),
            });
        }
    };
    if let Err(e) = tokio::fs::rename(&part, &job.output).await {
        remove_quietly(&part);
        return Err(internal("writing the decisions file", &e));
    }
    if let Some(joined) = &job.joined {
        // While the upload still exists: it is deleted when the job ends.
        let (targets, decisions) = (targets.to_owned(), job.output.clone());
        let (path, reasons) = (joined.path.clone(), joined.reasons.clone());
        let links = joined.links.clone();
        let written = tokio::task::spawn_blocking(move || {
            join::write_joined(&targets, &decisions, &path, &reasons, links.as_deref())
        })
        .await;
        if let Err(e) = written
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()))
        {
            remove_quietly(&job.output);
            return Err(internal("joining the identifiers to the decisions", &e));
        }
    }
    job.bytes
        .store(screened.summary.input_bytes, Ordering::Relaxed);
    job.rows.store(screened.summary.rows, Ordering::Relaxed);
    let run = record_run(
        store,
        job.org,
        spec,
        &screened,
        &job.actor,
        job.input_name.as_deref(),
    )
    .await
    .map_err(|e| {
        remove_quietly(&job.output);
        internal("recording the run", &e)
    })?;
    Ok(ScreeningSummaryOut::new(&job.id, &run, &screened))
}

// ------------------------------------------------------------------------------- the upload

/// Screen a campaign list.
///
/// A `multipart/form-data` body with two parts: `campaign`, the campaign as JSON (the file
/// `vigie screen --campaign` reads: `jurisdiction`, `purpose`, `channel`, `at`, and optionally
/// `product_category`, `relates_to_profession`, `commercial`, `sender`, `name`), and `targets`,
/// the list as CSV with a header line (e-mail campaigns read its `email` column, sms and phone
/// campaigns its `phone` column), identifiers as people typed them. The list is streamed to disk,
/// up to 2 GiB, then screened in the background: follow the job at the returned URL
/// (`Location`), then download its decisions. Each run is recorded as proof (who, when, the
/// campaign, the rule pack, the SHA-256 of both files, the counts): `GET /api/v1/screenings`.
///
/// Example: `curl -H 'Vigie-Org: demo' -F campaign=@campaign.json -F targets=@targets.csv
/// http://127.0.0.1:8080/api/v1/screenings`
#[utoipa::path(post, path = "/api/v1/screenings", tag = TAG_SCREENING,
    params(OrgHeader),
    request_body(content = inline(ScreeningUpload), content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Uploaded; the screening is queued", body = ScreeningJobOut,
            headers(("Location" = String, description = "The job's URL"))),
        (status = 400, description = "A part is missing, unknown or repeated, or the campaign is invalid (the error names the field, e.g. `campaign.channel`)", body = ErrorBody),
        (status = 404, description = "Unknown organization", body = ErrorBody),
        (status = 413, description = "The upload is larger than 2 GiB", body = ErrorBody),
        (status = 415, description = "The body is not multipart/form-data", body = ErrorBody),
    ))]
pub async fn create_screening(
    State(state): State<AppState>,
    caller: Caller,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let mut multipart = multipart.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be multipart/form-data with the parts campaign (JSON) and targets (CSV)",
        )
    })?;
    let (id, dir) = upload_slot(&state).await?;

    let mut spec: Option<CampaignSpec> = None;
    let mut targets: Option<(TempFile, u64, Option<String>)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "campaign" if spec.is_some() => return Err(duplicate_part("campaign")),
            "targets" if targets.is_some() => return Err(duplicate_part("targets")),
            "campaign" => {
                // A bad campaign fails now, before a large list is read.
                let text = read_campaign(&mut field).await?;
                spec = Some(CampaignSpec::parse(&text).map_err(campaign_error)?);
            }
            "targets" => {
                let file_name = field
                    .file_name()
                    .map(|n| n.chars().take(256).collect::<String>())
                    .filter(|n| !n.trim().is_empty());
                let file = targets_file(&dir, &id);
                let size = save_upload(&mut field, &file.0).await?;
                targets = Some((file, size, file_name));
            }
            "" => {
                return Err(ApiError::bad_request(
                    "invalid_multipart",
                    "every part needs a name: campaign (JSON) and targets (CSV)",
                ));
            }
            other => {
                let shown: String = other.chars().take(64).collect();
                return Err(ApiError::field(
                    "unknown_part",
                    shown,
                    "unknown part (expected campaign and targets)",
                ));
            }
        }
    }
    let spec = spec.ok_or_else(|| missing_part("campaign", "the campaign, as JSON"))?;
    let (targets, size, input_name) =
        targets.ok_or_else(|| missing_part("targets", "the list to screen, as a CSV file"))?;
    if size == 0 {
        return Err(ApiError::field(
            "invalid_targets",
            "targets",
            format!(
                "the file is empty: expected a header line with an {:?} column",
                spec.identifier.column()
            ),
        ));
    }

    let upload = Upload {
        id,
        targets,
        size,
        input_name,
    };
    let out = start_job(&state, &caller, spec, upload, None).await?;
    let location = HeaderValue::from_str(&out.links.this).expect("an ASCII URL");
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(out),
    )
        .into_response())
}

/// A list uploaded for a new job.
pub(crate) struct Upload {
    pub(crate) id: String,
    pub(crate) targets: TempFile,
    pub(crate) size: u64,
    pub(crate) input_name: Option<String>,
}

/// A new job id and the directory its files go to (created; old files swept first).
pub(crate) async fn upload_slot(state: &AppState) -> ApiResult<(String, PathBuf)> {
    let screenings = &state.inner.screenings;
    screenings.sweep();
    screenings.sweep_orphans().await;
    let dir = screenings.config.jobs_dir.clone();
    tokio::fs::create_dir_all(&dir).await.map_err(|e| {
        tracing::error!(error = %e, dir = %dir.display(), "cannot create the jobs directory");
        ApiError::internal()
    })?;
    Ok((new_job_id(), dir))
}

/// Where job `id`'s upload is streamed to.
pub(crate) fn targets_file(dir: &Path, id: &str) -> TempFile {
    TempFile(dir.join(format!("screening-{id}.targets.part")))
}

/// Audits and queues a job over an uploaded list: the one start for the API and the page.
/// `joined`: also write the decisions with the list's identifiers, reasons in this language.
pub(crate) async fn start_job(
    state: &AppState,
    caller: &Caller,
    spec: CampaignSpec,
    upload: Upload,
    joined: Option<vigie_core::Lang>,
) -> ApiResult<ScreeningJobOut> {
    let Upload {
        id,
        targets,
        size,
        input_name,
    } = upload;
    let dir = &state.inner.screenings.config.jobs_dir;
    caller
        .audit(state, "screening.run", Some(format!("screening:{id}")))
        .await?;
    let links = match (joined, spec.channel, state.public_url()) {
        (Some(_), vigie_core::Channel::Email, Some(url)) => {
            let expires = Timestamp::now()
                + jiff::SignedDuration::from_hours(24 * crate::person_links::DEFAULT_LINK_DAYS);
            let links =
                crate::person_links::PersonLinks::new(state.store(), &caller.org, url, expires)
                    .await?;
            Some(Arc::new(join::RowLinks::new(links, &spec)))
        }
        _ => None,
    };
    let job = Arc::new(Job {
        output: dir.join(format!("screening-{id}.decisions.csv")),
        joined: joined.map(|lang| Joined {
            path: dir.join(format!("screening-{id}.joined.csv")),
            reasons: Arc::new(join::reasons(&spec, lang)),
            links,
        }),
        id: id.clone(),
        org: caller.org.id,
        actor: caller.actor(),
        created_at: Timestamp::now(),
        campaign_name: spec.name.clone(),
        channel: spec.channel.to_string(),
        input_name,
        total_bytes: size,
        bytes: AtomicU64::new(0),
        rows: AtomicU64::new(0),
        state: Mutex::new(JobState {
            phase: Phase::Queued,
            started_at: None,
            finished_at: None,
            ended: None,
        }),
    });
    state
        .inner
        .screenings
        .jobs
        .lock()
        .expect("jobs")
        .insert(id, job.clone());
    tokio::spawn(run_job(state.clone(), job.clone(), spec, targets));
    Ok(job.out())
}

/// A job of the organization as the API shows it, and the reason of each code in words when
/// the page started it.
pub(crate) fn job_status(
    state: &AppState,
    org: OrgId,
    id: &str,
) -> ApiResult<(ScreeningJobOut, Option<Reasons>)> {
    let job = state.inner.screenings.job(org, id)?;
    Ok((job.out(), job.joined.as_ref().map(|j| j.reasons.clone())))
}

/// The joined decisions file of a finished job started from the page, with its size.
pub(crate) fn joined_file(state: &AppState, org: OrgId, id: &str) -> ApiResult<(PathBuf, u64)> {
    let job = state.inner.screenings.job(org, id)?;
    job.summary()?;
    let path = job
        .joined
        .as_ref()
        .map(|j| j.path.clone())
        .ok_or_else(|| ApiError::not_found("this screening has no file with identifiers"))?;
    let size = std::fs::metadata(&path)
        .map_err(|_| ApiError::not_found("the decisions file of this screening is no longer kept"))?
        .len();
    Ok((path, size))
}

async fn read_campaign(field: &mut Field<'_>) -> ApiResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > CAMPAIGN_LIMIT {
            let mut e = ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!(
                    "campaign: the campaign is larger than {} KiB",
                    CAMPAIGN_LIMIT / 1024
                ),
            );
            e.field = Some("campaign".into());
            return Err(e);
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes)
        .map_err(|_| ApiError::field("invalid_json", "campaign", "the campaign is not UTF-8 text"))
}

/// Streams a part to `path`, chunk by chunk; returns its size.
pub(crate) async fn save_upload(field: &mut Field<'_>, path: &Path) -> ApiResult<u64> {
    let io_error = |e: std::io::Error| {
        tracing::error!(error = %e, path = %path.display(), "cannot write an upload");
        ApiError::internal()
    };
    let file = private_file(path).await.map_err(io_error)?;
    let mut file = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        size += chunk.len() as u64;
        file.write_all(&chunk).await.map_err(io_error)?;
    }
    file.flush().await.map_err(io_error)?;
    Ok(size)
}

/// Creates (or truncates) a file only its owner can read: uploads hold identifiers in clear.
async fn private_file(path: &Path) -> std::io::Result<tokio::fs::File> {
    tokio::fs::OpenOptions::from(private_options())
        .open(path)
        .await
}

/// [`private_file`] for blocking code.
fn private_file_sync(path: &Path) -> std::io::Result<std::fs::File> {
    private_options().open(path)
}

fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

pub(crate) fn multipart_error(e: MultipartError) -> ApiError {
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "the upload is larger than the {} GiB limit",
                UPLOAD_LIMIT >> 30
            ),
        ),
        // The client went away or sent a broken body: nothing for the server log.
        s if s.is_server_error() => ApiError::bad_request(
            "upload_interrupted",
            "the upload could not be read to its end",
        ),
        _ => ApiError::bad_request(
            "invalid_multipart",
            format!("the multipart body cannot be read: {}", e.body_text()),
        ),
    }
}

fn missing_part(name: &str, what: &str) -> ApiError {
    ApiError::field(
        "missing_part",
        name,
        format!("this part is required ({what})"),
    )
}

fn duplicate_part(name: &str) -> ApiError {
    ApiError::field("duplicate_part", name, "this part is given twice")
}

/// A campaign vigie-screen refuses, as an error naming the field (`campaign.<field>`).
pub(crate) fn campaign_error(e: CampaignError) -> ApiError {
    let reason = strip_position(&e.reason);
    let named = |start: &str| {
        reason
            .strip_prefix(start)
            .and_then(|r| r.split_once('`'))
            .map(|(name, _)| name.to_owned())
    };
    let (code, field) = if let Some(name) = named("missing field `") {
        ("missing_field", Some(name))
    } else if reason.starts_with("unknown field `") {
        (
            "unknown_field",
            Some(e.field.clone())
                .filter(|f| !f.is_empty())
                .or_else(|| named("unknown field `")),
        )
    } else if e.field.is_empty() {
        ("invalid_json", None)
    } else {
        ("invalid_field", Some(e.field.clone()))
    };
    match field {
        Some(f) => {
            let field = format!("campaign.{f}");
            let message = match code {
                "missing_field" => "this field is required".to_owned(),
                _ => reason,
            };
            ApiError::field(code, field, message)
        }
        None => ApiError::field(
            code,
            "campaign",
            format!("the campaign is not a valid JSON object: {reason}"),
        ),
    }
}

/// serde_json appends " at line L column C" to its messages.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

// ------------------------------------------------------------------------------ the results

/// Follow a screening.
///
/// `queued` (waiting for another screening to finish), `running` (rows and bytes of the list
/// done so far, out of `total_bytes`), `done` (with the summary) or `failed` (with the reason).
/// Jobs are kept in memory 24 h after they end; the proof record stays in the store.
#[utoipa::path(get, path = "/api/v1/screenings/{id}", tag = TAG_SCREENING,
    params(OrgHeader, ("id" = String, Path, description = "The job id returned by the upload")),
    responses(
        (status = 200, description = "The job", body = ScreeningJobOut),
        (status = 404, description = "No such job in this organization (or unknown organization)", body = ErrorBody),
    ))]
pub async fn get_screening(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ScreeningJobOut>> {
    let org = &caller.org;
    let job = state.inner.screenings.job(org.id, &id)?;
    Ok(Json(job.out()))
}

/// Download the decisions of a screening.
///
/// CSV `row,decision,code`: one line per data row of the list, in input order (`row` counts data
/// rows from 1), `decision` allow or deny, `code` the legal basis of an allow or the first
/// reason that blocks a deny. Streamed from disk; its SHA-256 is the summary's `output_sha256`.
#[utoipa::path(get, path = "/api/v1/screenings/{id}/decisions", tag = TAG_SCREENING,
    params(OrgHeader, ("id" = String, Path, description = "The job id")),
    responses(
        (status = 200, description = "The decisions", content_type = "text/csv", body = String,
            example = "row,decision,code\n1,allow,CONSENT\n2,deny,UNKNOWN_CONTACT\n"),
        (status = 404, description = "No such job in this organization", body = ErrorBody),
        (status = 409, description = "The screening is not done (`screening_not_done`) or failed (`screening_failed`)", body = ErrorBody),
    ))]
pub async fn get_decisions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Response> {
    let org = &caller.org;
    let job = state.inner.screenings.job(org.id, &id)?;
    let summary = job.summary()?;
    caller
        .audit(
            &state,
            "screening.download",
            Some(format!("screening:{id}")),
        )
        .await?;
    let file = match tokio::fs::File::open(&job.output).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ApiError::not_found(
                "the decisions file of this screening is no longer kept",
            ));
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot open a decisions file");
            return Err(ApiError::internal());
        }
    };
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 1 << 16));
    let disposition = format!("attachment; filename=\"decisions-{}.csv\"", job.id);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_LENGTH,
                HeaderValue::from(summary.output_bytes),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).expect("ASCII"),
            ),
        ],
        body,
    )
        .into_response())
}

/// The summary of a finished screening.
///
/// Rows per decision code, allowed and denied, the rule pack, the base's data version, and the
/// SHA-256 of the uploaded list and of the decisions: the same as its proof record.
#[utoipa::path(get, path = "/api/v1/screenings/{id}/summary", tag = TAG_SCREENING,
    params(OrgHeader, ("id" = String, Path, description = "The job id")),
    responses(
        (status = 200, description = "The summary", body = ScreeningSummaryOut),
        (status = 404, description = "No such job in this organization", body = ErrorBody),
        (status = 409, description = "The screening is not done (`screening_not_done`) or failed (`screening_failed`)", body = ErrorBody),
    ))]
pub async fn get_summary(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ScreeningSummaryOut>> {
    let org = &caller.org;
    let job = state.inner.screenings.job(org.id, &id)?;
    let summary = (*job.summary()?).clone();
    // The summary counts the list's decisions: a read of the whole screened set, named by it.
    caller
        .audit(&state, "screening.summary", Some(format!("screening:{id}")))
        .await?;
    Ok(Json(summary))
}

/// The recorded screening runs.
///
/// The proof of every screening of the organization (over the API or `vigie screen`), most
/// recent first: who, when, the campaign exactly as given, the rule pack, the base's data
/// version, the SHA-256 of the list and of the decisions, and the counts.
#[utoipa::path(get, path = "/api/v1/screenings", tag = TAG_SCREENING,
    params(OrgHeader, RunsQuery),
    responses(
        (status = 200, description = "The runs, most recent first", body = ScreeningRunsOut),
        (status = 400, description = "An invalid parameter", body = ErrorBody),
        (status = 404, description = "Unknown organization", body = ErrorBody),
    ))]
pub async fn list_screenings(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RunsQuery>,
) -> ApiResult<Json<ScreeningRunsOut>> {
    let org = &caller.org;
    let limit = page_limit(q.limit, DEFAULT_RUNS, MAX_RUNS)?;
    let runs = state.store().screening_runs(org.id, limit).await?;
    Ok(Json(ScreeningRunsOut {
        runs: runs.into_iter().map(ScreeningRunOut::from).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAMPAIGN: &str = r#"{"jurisdiction": "FR", "purpose": "marketing", "channel": "email",
        "at": "2026-11-24T10:30:00+01:00"}"#;

    fn err(json: &str) -> ApiError {
        campaign_error(CampaignSpec::parse(json).unwrap_err())
    }

    #[test]
    fn campaign_errors_name_the_field() {
        let e = err(&CAMPAIGN.replace("\"email\"", "\"pigeon\""));
        assert_eq!(
            (e.code.as_ref(), e.field.as_deref()),
            ("invalid_field", Some("campaign.channel"))
        );
        assert!(e.message.starts_with("campaign.channel: "), "{}", e.message);
        assert!(!e.message.contains(" at line "), "{}", e.message);
        let e = err(&CAMPAIGN.replace("\"jurisdiction\": \"FR\", ", ""));
        assert_eq!(
            (e.code.as_ref(), e.field.as_deref()),
            ("missing_field", Some("campaign.jurisdiction"))
        );
        let e = err(&CAMPAIGN.replace("\"purpose\"", "\"porpose\""));
        assert_eq!(
            (e.code.as_ref(), e.field.as_deref()),
            ("unknown_field", Some("campaign.porpose"))
        );
        let e = err("{");
        assert_eq!(
            (e.code.as_ref(), e.field.as_deref()),
            ("invalid_json", Some("campaign"))
        );
        let e = err(&CAMPAIGN.replace("\"email\"", "\"postal\""));
        assert_eq!(e.field.as_deref(), Some("campaign.channel"));
    }

    #[test]
    fn job_ids_are_random_hex() {
        let (a, b) = (new_job_id(), new_job_id());
        assert!(valid_job_id(&a) && valid_job_id(&b) && a != b);
        assert!(!valid_job_id("../etc") && !valid_job_id(""));
    }
}
