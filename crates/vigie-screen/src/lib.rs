//! Bulk screening: a campaign list (a CSV of e-mail addresses and phone numbers, as people typed
//! them) checked against an organization's base — contacts, consent ledger, suppression and
//! opposition lists — one decision per row, in input order.
//!
//! - [`campaign`]: the campaign file ([`CampaignSpec`]), its errors naming the field.
//! - [`snapshot`]: a compact, campaign-independent image of the base (blind indexes and hashes
//!   only, no identifier in clear), derived from the store and cached in a file keyed by the
//!   organization's data version; rebuilt when stale ([`SnapshotCache`]).
//! - [`screen`]: the streaming screening ([`Screener`]), decided by vigie-core's one engine.
//! - [`screen_targets`] and [`record_run`]: a whole run, and its proof in the store.
//!
//! A server calls the same pieces: [`SnapshotCache::load`] once per data version,
//! [`Screener::screen`] on any `Read` (an upload) with a progress callback, then [`record_run`].
//!
//! # Against the bench kit's reference_screen.py
//!
//! On the data sets gen_dataset.py writes, the output is byte-identical to the reference's
//! (tested for every campaign, a phone campaign in the Bloctel regime and one on a public
//! holiday, and for CSV written with CRLF, blank lines and quotes). Where the two may differ on
//! other input, Vigie follows its core types and the contract (DECISIONS.md):
//! - phone numbers are parsed by [`vigie_core::PhoneE164::parse`], which checks them against
//!   libphonenumber's numbering plans: the reference drops every character but digits and `+`
//!   and accepts `+33` followed by any `[1-9]` and 8 digits. So a number with letters in it, or
//!   one no French operator can have, is INVALID_IDENTIFIER here; a number of another country
//!   (`+44 …`), invalid for the reference, is read here and then matches no French contact
//!   (UNKNOWN_CONTACT, or SUPPRESSED if its hash is listed). National numbers are read in the
//!   campaign jurisdiction's region (`--region` overrides), the reference knows France only;
//! - e-mail addresses are trimmed and lower-cased by Rust's Unicode rules, Python's differ on a
//!   few control characters (U+001C–U+001F count as white space for Python only);
//! - a row with fewer fields than the header is INVALID_IDENTIFIER (the reference stops on a
//!   missing phone field); a byte-order mark and spaces around the header's names are accepted,
//!   and blank lines before the header skipped (the reference would not find its column);
//! - the engine decides by DECISIONS.md where the reference is silent or simpler: an informed
//!   professional and a message unrelated to the job is UNRELATED_TO_PROFESSION (reference:
//!   NOT_INFORMED), non-commercial campaigns can get NON_COMMERCIAL, and WhatsApp, automated
//!   calls and fax are screened on the phone number by their own rules (see vigie-core's French
//!   pack). Postal campaigns are refused: a targets file has no postal address.

pub mod campaign;
mod csv_blocks;
pub mod screen;
pub mod snapshot;
mod table;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use vigie_core::Region;
use vigie_store::{NewScreeningRun, OrgCrypto, OrgId, ScreeningRun, Store, StoreError};

pub use campaign::{CampaignError, CampaignSpec, Identifier};
pub use screen::{
    Census, ContactDecision, Counts, IdentifierFacts, OUTPUT_HEADER, Progress, ScreenSummary,
    Screener, TargetsError,
};
pub use snapshot::{
    BuildReport, Freshness, ImportChange, Skipped, Snapshot, SnapshotError, SnapshotInfo,
};

/// Why a screening could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    #[error("campaign file: {0}")]
    Campaign(#[from] CampaignError),
    #[error(transparent)]
    Targets(#[from] TargetsError),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A consumer phone campaign of the Bloctel era against a stale Bloctel extract, or none.
    #[error("{0} (to screen anyway, override it explicitly: --allow-stale-opposition-list)")]
    StaleOppositionList(String),
}

/// Where screening snapshots are kept: one file per organization.
#[derive(Debug, Clone)]
pub struct SnapshotCache {
    dir: PathBuf,
}

/// The state of an organization's snapshot after [`SnapshotCache::refresh`].
#[derive(Debug, Clone)]
pub struct Refreshed {
    pub path: PathBuf,
    pub info: SnapshotInfo,
    /// Set when the snapshot was (re)built.
    pub built: Option<BuildReport>,
}

impl SnapshotCache {
    pub fn new(dir: impl Into<PathBuf>) -> SnapshotCache {
        SnapshotCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The snapshot file of an organization.
    pub fn path(&self, org: OrgId) -> PathBuf {
        self.dir.join(format!("screening-org{org}.snap"))
    }

    /// Whether the organization's snapshot matches the store now.
    pub async fn freshness(
        &self,
        store: &Store,
        crypto: &OrgCrypto,
    ) -> Result<Freshness, ScreenError> {
        let expected = snapshot::Expected::new(crypto, store.data_version(crypto.org_id).await?);
        Ok(match snapshot::read_info(&self.path(crypto.org_id)) {
            Ok(Some(info)) => info.freshness(&expected),
            Ok(None) => Freshness::Missing,
            Err(SnapshotError::Corrupt(..)) => Freshness::Stale,
            Err(e) => return Err(e.into()),
        })
    }

    /// Builds the organization's snapshot if it is missing or stale.
    pub async fn refresh(
        &self,
        store: &Store,
        crypto: &OrgCrypto,
    ) -> Result<Refreshed, ScreenError> {
        let path = self.path(crypto.org_id);
        if self.freshness(store, crypto).await? == Freshness::Fresh
            && let Some(info) = snapshot::read_info(&path)?
        {
            return Ok(Refreshed {
                path,
                info,
                built: None,
            });
        }
        let report = snapshot::build(store, crypto, &path).await?;
        Ok(Refreshed {
            path,
            info: report.info.clone(),
            built: Some(report),
        })
    }

    /// Brings the organization's snapshot current right after an import, so that the next
    /// screening finds it fresh: from the snapshot of the version just before the import's
    /// commit and what that import changed when there is one (`snapshot::update_after_import`),
    /// else built whole. An import that changed nothing leaves it as it is. Called by the CLI's
    /// and the server's imports once the import is committed: a crash before leaves a stale
    /// snapshot, which the next screening rebuilds.
    pub async fn follow_import(
        &self,
        store: &Store,
        crypto: &OrgCrypto,
        report: &vigie_import::ImportReport,
    ) -> Result<Followed, ScreenError> {
        use vigie_import::ImportKind;
        let c = &report.counts;
        if c.inserted + c.updated + c.removed == 0 {
            return Ok(Followed::Unchanged);
        }
        let change = match report.kind {
            ImportKind::Contacts => snapshot::ImportChange::Contacts,
            ImportKind::Consents => snapshot::ImportChange::Ledger {
                appended: c.inserted,
                written: report.written_events.clone(),
            },
            ImportKind::Suppression => snapshot::ImportChange::Suppression,
            ImportKind::Opposition => snapshot::ImportChange::Opposition,
            // The call log is read whole by a rebuild.
            ImportKind::Calls => {
                let refreshed = self.refresh(store, crypto).await?;
                return Ok(Followed::Rebuilt {
                    skipped: None,
                    refreshed,
                });
            }
        };
        let path = self.path(crypto.org_id);
        match snapshot::update_after_import(store, crypto, &path, change).await? {
            Ok(report) => Ok(Followed::Updated(report)),
            Err(why) => {
                tracing::info!(?why, "screening snapshot not updated in place: built whole");
                let refreshed = self.refresh(store, crypto).await?;
                Ok(Followed::Rebuilt {
                    skipped: Some(why),
                    refreshed,
                })
            }
        }
    }

    /// The organization's snapshot, fresh, loaded for screening on `identifier`; built first
    /// when missing, stale or unreadable.
    pub async fn load(
        &self,
        store: &Store,
        crypto: &OrgCrypto,
        identifier: Identifier,
    ) -> Result<(Snapshot, Option<BuildReport>), ScreenError> {
        let mut refreshed = self.refresh(store, crypto).await?;
        let mut rebuilt_once = refreshed.built.is_some();
        loop {
            let expected = snapshot::Expected {
                data_version: refreshed.info.data_version,
                ..snapshot::Expected::new(crypto, 0)
            };
            let path = refreshed.path.clone();
            let loaded =
                tokio::task::spawn_blocking(move || Snapshot::load(&path, identifier, &expected))
                    .await
                    .map_err(|e| StoreError::Other(e.to_string()))?;
            match loaded {
                Ok(s) => return Ok((s, refreshed.built)),
                // A damaged file (or one replaced meanwhile by another process): build it again.
                Err(SnapshotError::Corrupt(path, why)) if !rebuilt_once => {
                    tracing::warn!(path = %path.display(), %why, "rebuilding the screening snapshot");
                    let report = snapshot::build(store, crypto, &refreshed.path).await?;
                    refreshed = Refreshed {
                        path: refreshed.path,
                        info: report.info.clone(),
                        built: Some(report),
                    };
                    rebuilt_once = true;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// What [`SnapshotCache::follow_import`] did.
#[derive(Debug, Clone)]
pub enum Followed {
    /// The import changed nothing: the snapshot is as current as it was.
    Unchanged,
    /// Updated in place from the snapshot of the version before the import.
    Updated(BuildReport),
    /// Built whole (or found current): no snapshot to update, or other changes came in
    /// (`skipped` says which), or the import was of calls.
    Rebuilt {
        skipped: Option<Skipped>,
        refreshed: Refreshed,
    },
}

/// How to run a screening.
#[derive(Clone, Default)]
pub struct ScreenOptions {
    /// Region for phone numbers without a country code; default: the campaign's jurisdiction.
    pub region: Option<Region>,
    /// Called after each block of the targets.
    pub progress: Option<Arc<dyn Fn(Progress) + Send + Sync>>,
    /// Screen a consumer phone campaign of the Bloctel era although the Bloctel extract is
    /// older than 30 days (or missing); the override goes into the proof record.
    pub allow_stale_opposition_list: bool,
}

/// A finished screening, not yet recorded.
#[derive(Debug)]
pub struct Screened<W> {
    pub summary: ScreenSummary,
    /// The rule pack applied (`RulePack::id`).
    pub rule_pack: &'static str,
    /// The organization's data version the list was screened against.
    pub data_version: i64,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    /// Set when the snapshot had to be (re)built first.
    pub built: Option<BuildReport>,
    /// The output, given back (to be persisted before the run is recorded).
    pub output: W,
    /// The stale opposition list extract the caller chose to screen against, and why it was
    /// stale: recorded in the proof.
    pub opposition_override: Option<String>,
}

/// Screens `input` into `output` for the organization of `crypto`: loads (or builds) the
/// snapshot, then decides every row on a blocking thread. Counted in the process's metrics
/// (`vigie_screenings_total` by channel and outcome, `vigie_screening_rows_total`,
/// `vigie_screening_duration_seconds`; a no-op where no metrics recorder is installed).
pub async fn screen_targets<R, W>(
    store: &Store,
    crypto: &OrgCrypto,
    cache: &SnapshotCache,
    spec: &CampaignSpec,
    input: R,
    output: W,
    options: ScreenOptions,
) -> Result<Screened<W>, ScreenError>
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let clock = std::time::Instant::now();
    let channel = spec.channel.as_str();
    let result = screen_targets_uncounted(store, crypto, cache, spec, input, output, options).await;
    let outcome = if result.is_ok() {
        "screened"
    } else {
        "refused"
    };
    metrics::counter!("vigie_screenings_total", "channel" => channel, "outcome" => outcome)
        .increment(1);
    metrics::histogram!("vigie_screening_duration_seconds", "channel" => channel)
        .record(clock.elapsed().as_secs_f64());
    if let Ok(screened) = &result {
        metrics::counter!("vigie_screening_rows_total", "channel" => channel)
            .increment(screened.summary.rows);
    }
    result
}

async fn screen_targets_uncounted<R, W>(
    store: &Store,
    crypto: &OrgCrypto,
    cache: &SnapshotCache,
    spec: &CampaignSpec,
    input: R,
    output: W,
    options: ScreenOptions,
) -> Result<Screened<W>, ScreenError>
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let started_at = Timestamp::now();
    let opposition_override = check_opposition_extract(store, crypto, spec, &options).await?;
    let region = options.region.unwrap_or_else(|| spec.default_region());
    // Phone parsing builds its numbering-plan matchers on first use (tens of milliseconds):
    // done on another thread while the snapshot loads.
    let warm_up = (spec.identifier == Identifier::Phone).then(|| {
        std::thread::spawn(move || {
            let _ = vigie_core::PhoneE164::parse("+33 6 12 34 56 78", region);
        })
    });
    let clock = std::time::Instant::now();
    let (snapshot, built) = cache.load(store, crypto, spec.identifier).await?;
    tracing::debug!(
        seconds = clock.elapsed().as_secs_f64(),
        "screening snapshot ready"
    );
    let data_version = snapshot.info().data_version;
    let (crypto, spec) = (crypto.clone(), spec.clone());
    if let Some(thread) = warm_up {
        let _ = thread.join();
    }
    let result = tokio::task::spawn_blocking(move || {
        let screener = Screener::new(&snapshot, &crypto, &spec, region)?;
        let mut output = output;
        let progress = options
            .progress
            .as_deref()
            .map(|p| p as &(dyn Fn(Progress) + Sync));
        let clock = std::time::Instant::now();
        let summary = screener.screen(input, &mut output, progress)?;
        tracing::debug!(
            seconds = clock.elapsed().as_secs_f64(),
            rows = summary.rows,
            "screened"
        );
        Ok::<_, TargetsError>((summary, screener.rule_pack().id, output))
    })
    .await
    .map_err(|e| StoreError::Other(e.to_string()))?;
    let (summary, rule_pack, output) = result?;
    Ok(Screened {
        summary,
        rule_pack,
        data_version,
        started_at,
        finished_at: Timestamp::now(),
        built,
        output,
        opposition_override,
    })
}

/// Refuses a campaign whose opposition list extract is not current enough (vigie-core's
/// `check_bloctel_extract`), unless the caller overrides it: then the reason, for the proof.
async fn check_opposition_extract(
    store: &Store,
    crypto: &OrgCrypto,
    spec: &CampaignSpec,
    options: &ScreenOptions,
) -> Result<Option<String>, ScreenError> {
    let ctx = spec.context();
    let lists = store.opposition_lists(crypto.org_id).await?;
    let extract_date = lists
        .iter()
        .find(|l| l.name == vigie_core::opposition::BLOCTEL)
        .and_then(|l| l.extract_date);
    let check = vigie_core::check_bloctel_extract(&ctx, extract_date);
    if !check.refuses() {
        return Ok(None);
    }
    if options.allow_stale_opposition_list {
        Ok(Some(format!(
            "{}; overridden by the caller",
            check.reason()
        )))
    } else {
        Err(ScreenError::StaleOppositionList(check.reason()))
    }
}

/// Records a screening as proof: who, when, the campaign as given, the rule pack, the base's
/// data version, the files' SHA-256 and the counts.
pub async fn record_run<W>(
    store: &Store,
    org: OrgId,
    spec: &CampaignSpec,
    screened: &Screened<W>,
    actor: &str,
    input_name: Option<&str>,
) -> Result<ScreeningRun, ScreenError> {
    let run = NewScreeningRun {
        actor: actor.to_owned(),
        started_at: screened.started_at,
        finished_at: screened.finished_at,
        campaign: spec.source.clone(),
        rule_pack: screened.rule_pack.to_owned(),
        data_version: screened.data_version,
        input_name: input_name.map(str::to_owned),
        input_sha256: screened.summary.input_sha256,
        output_sha256: screened.summary.output_sha256,
        rows: screened.summary.rows,
        counts: screened.summary.counts.to_map(),
        opposition_override: screened.opposition_override.clone(),
    };
    Ok(store.record_screening_run(org, &run).await?)
}
