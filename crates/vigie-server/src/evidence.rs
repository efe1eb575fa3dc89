//! The evidence pack handed to an auditor (ISO/IEC 27701, GDPR art. 5(2) and 24): one zip with
//! the registers (YAML, JSON with the gaps flagged, CSV, PDF), the breach register, the privacy
//! notices' versions, the last screenings' proof records, how the deadlines of data subject
//! requests were kept, and the audit chain's verification, each file's SHA-256 in a manifest.
//!
//! Built on demand from the store, for `vigie registers evidence` and
//! `GET /api/v1/registers/evidence`. Nothing in it identifies a person: requests are counted
//! and listed by number, kind and dates; screenings are counts and digests.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use sha2::{Digest, Sha256};
use vigie_core::Lang;
use vigie_core::dsar::{DeadlinesKept, RequestKind, RequestStatus};
use vigie_store::{AuditCheckpoint, Organization, RequestQuery, Store, StoreError};

use crate::admin::{AuditVerifyOut, verify_org_chain};
use crate::html::W;
use crate::registers_export::{ExportFormat, render};

/// How many screening runs the pack holds, the most recent first.
pub const SCREENINGS_IN_PACK: u32 = 100;

/// A pack that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the evidence pack could not be written: {0}")]
    Zip(String),
}

/// The pack and its name.
pub struct EvidencePack {
    /// `evidence-<org>-<date>.zip`.
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Whether the organization's audit chain verified.
    pub chain_intact: bool,
}

/// One request, without who filed it.
#[derive(Serialize)]
struct RequestLine {
    id: i64,
    kind: RequestKind,
    status: RequestStatus,
    received_at: Timestamp,
    due_at: Timestamp,
    closed_at: Option<Timestamp>,
    extended_by_months: Option<u8>,
    answered_in_time: Option<bool>,
}

#[derive(Serialize)]
struct Requests {
    counted_at: Timestamp,
    time_zone: String,
    total: DeadlinesKept,
    by_kind: BTreeMap<&'static str, DeadlinesKept>,
    requests: Vec<RequestLine>,
}

#[derive(Serialize)]
struct Chain {
    verified_at: Timestamp,
    /// Intact or not, where it breaks, and the keyed checkpoint the end of the trail was held
    /// against (truncation shows only against one).
    #[serde(flatten)]
    verification: AuditVerifyOut,
}

#[derive(Serialize)]
struct ManifestFile {
    name: String,
    sha256: String,
    what: &'static str,
}

#[derive(Serialize)]
struct Manifest<'a> {
    organization: &'a str,
    generated_at: Timestamp,
    generated_by: &'a str,
    files: Vec<ManifestFile>,
}

fn json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec_pretty(value).expect("plain data serializes")
}

/// Builds the pack of `org` at `now` (its calendar `tz`), the chain held against `checkpoint`;
/// the verification is recorded as the organization's latest (the dashboard shows it).
pub async fn evidence_pack(
    store: &Store,
    org: &Organization,
    now: Timestamp,
    tz: &TimeZone,
    lang: Lang,
    checkpoint: Option<&AuditCheckpoint>,
    actor: &str,
) -> Result<EvidencePack, EvidenceError> {
    let today = now.to_zoned(tz.clone()).date();
    let mut files: Vec<(String, Vec<u8>, W)> = Vec::new();

    match store.registers(org.id).await? {
        Some(stored) => {
            for (format, what) in [
                (ExportFormat::Yaml, W::EvidenceRegistersYaml),
                (ExportFormat::Json, W::EvidenceRegistersJson),
                (ExportFormat::Csv, W::EvidenceRegistersCsv),
                (ExportFormat::Pdf, W::EvidenceRegistersPdf),
            ] {
                let bytes = render(format, &org.slug, &stored, today, lang);
                files.push((format!("registers/registers.{format}"), bytes, what));
            }
        }
        None => files.push((
            "registers/NONE.txt".into(),
            W::EvidenceNoRegisters.t(lang).as_bytes().to_vec(),
            W::EvidenceNoRegisters,
        )),
    }

    let breaches: Vec<_> = store
        .breaches(org.id)
        .await?
        .into_iter()
        .map(|(id, breach)| serde_json::json!({ "id": id, "breach": breach }))
        .collect();
    files.push(("breaches.json".into(), json(&breaches), W::EvidenceBreaches));

    let notices: Vec<_> = store
        .notices(org.id)
        .await?
        .into_iter()
        .map(|n| {
            serde_json::json!({
                "version": n.version, "created_at": n.created_at, "published_at": n.published_at,
                "text_fr": n.text_fr, "text_en": n.text_en,
            })
        })
        .collect();
    files.push(("notices.json".into(), json(&notices), W::EvidenceNotices));

    let screenings = store.screening_runs(org.id, SCREENINGS_IN_PACK).await?;
    files.push((
        "screenings.json".into(),
        json(&screenings),
        W::EvidenceScreenings,
    ));

    files.push((
        "requests.json".into(),
        json(&requests(store, org, now, tz).await?),
        W::EvidenceRequests,
    ));

    let chain = Chain {
        verified_at: now,
        verification: verify_org_chain(store, org, checkpoint, actor.to_owned(), now).await?,
    };
    let chain_intact = chain.verification.intact;
    files.push(("audit-chain.json".into(), json(&chain), W::EvidenceChain));

    let readme: String = files
        .iter()
        .map(|(name, _, what)| format!("{name}\n    {}\n", what.t(lang)))
        .collect();
    let readme = format!(
        "{}\n\n{readme}\nmanifest.json\n    {}\n",
        W::EvidenceIntro.t(lang),
        W::EvidenceManifest.t(lang)
    );
    let manifest = Manifest {
        organization: &org.slug,
        generated_at: now,
        generated_by: actor,
        files: files
            .iter()
            .map(|(name, bytes, what)| ManifestFile {
                name: name.clone(),
                sha256: hex::encode(Sha256::digest(bytes)),
                what: what.t(lang),
            })
            .collect(),
    };
    let readme_name = match lang {
        Lang::Fr => "LISEZMOI.txt",
        Lang::En => "README.txt",
    };
    let mut named: Vec<(String, Vec<u8>)> = vec![(readme_name.into(), readme.into_bytes())];
    named.extend(files.into_iter().map(|(name, bytes, _)| (name, bytes)));
    named.push(("manifest.json".into(), json(&manifest)));
    let bytes = vigie_dsar::archive::zip_files(&named).map_err(EvidenceError::Zip)?;
    Ok(EvidencePack {
        file_name: format!("evidence-{}-{today}.zip", org.slug),
        bytes,
        chain_intact,
    })
}

/// Every request of the organization, counted against its deadline.
async fn requests(
    store: &Store,
    org: &Organization,
    now: Timestamp,
    tz: &TimeZone,
) -> Result<Requests, StoreError> {
    const PAGE: u32 = 1000;
    let mut out = Requests {
        counted_at: now,
        time_zone: tz.iana_name().unwrap_or("UTC").to_owned(),
        total: DeadlinesKept::default(),
        by_kind: BTreeMap::new(),
        requests: Vec::new(),
    };
    let mut after_id = None;
    loop {
        let page = store
            .requests(
                org.id,
                &RequestQuery {
                    open_only: false,
                    after_id,
                    limit: PAGE,
                    contact_ref: None,
                },
            )
            .await?;
        for r in &page {
            let clock = &r.clock;
            out.total.count(clock, now, tz);
            out.by_kind
                .entry(r.kind.as_str())
                .or_default()
                .count(clock, now, tz);
            out.requests.push(RequestLine {
                id: r.id,
                kind: r.kind,
                status: clock.status,
                received_at: clock.received_at,
                due_at: clock.due(clock.closed_at.unwrap_or(now), tz).at,
                closed_at: clock.closed_at,
                extended_by_months: clock.extension.as_ref().map(|e| e.months),
                answered_in_time: clock.answered_in_time(tz),
            });
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after_id = Some(last.id),
            _ => break,
        }
    }
    Ok(out)
}
