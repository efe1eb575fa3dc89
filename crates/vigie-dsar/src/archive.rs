//! The archive an access or portability request answers with: one zip file holding everything
//! held on the person, in JSON (structured, machine-readable: art. 20) and CSV (for a
//! spreadsheet), and a readable summary in French then English (art. 15(1): purposes,
//! recipients, retention, source, rights).
//!
//! The archive is built in memory and handed to the caller (the CLI writes it to a file, the web
//! layer streams it); it is never stored. Only its SHA-256 and file list go into the request's
//! outcome.

use std::io::Write;

use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};
use vigie_core::dsar::{RETENTION, RequestKind};
use vigie_store::{Contact, ContactVersion, HistoryStep, Organization, Request, StoredEvent};
use zip::write::SimpleFileOptions;

use crate::DsarError;
use crate::systems::Collected;

/// Where the person stands on the lists that stop marketing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ListStatus {
    /// The e-mail address is on the suppression list.
    pub email_suppressed: Option<bool>,
    pub phone_suppressed: Option<bool>,
    /// The phone number is on the national do-not-call list.
    pub phone_on_opposition_list: Option<bool>,
    /// Processing restricted (art. 18).
    pub restricted: bool,
}

/// Everything held on the person, gathered for the archive.
#[derive(Debug, Clone)]
pub struct Dossier {
    pub organization: Organization,
    pub request: Request,
    pub generated_at: Timestamp,
    pub contact: Option<Contact>,
    pub ledger: Vec<StoredEvent>,
    pub versions: Vec<ContactVersion>,
    pub requests: Vec<(Request, Vec<HistoryStep>)>,
    pub lists: ListStatus,
    pub systems: Vec<Collected>,
    /// Who receives the data: processors notified of changes.
    pub recipients: Vec<String>,
}

/// The archive and what identifies it.
#[derive(Debug, Clone)]
pub struct Archive {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub files: Vec<String>,
    /// A file name for it: `vigie-<org>-request-<id>.zip`.
    pub file_name: String,
}

fn json<T: Serialize>(v: &T) -> Result<Vec<u8>, DsarError> {
    let mut out = serde_json::to_vec_pretty(v).map_err(|e| DsarError::Archive(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

fn csv_of(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, DsarError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| DsarError::Archive(e.to_string());
    w.write_record(header).map_err(err)?;
    for r in rows {
        // People open these files in a spreadsheet: no cell may run as a formula.
        w.write_record(
            r.iter()
                .map(|cell| vigie_core::spreadsheet::formula_safe(cell).into_owned()),
        )
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| DsarError::Archive(e.to_string()))
}

fn opt(s: &Option<impl ToString>) -> String {
    s.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn contact_csv(c: &Contact) -> Result<Vec<u8>, DsarError> {
    let d = &c.data;
    csv_of(
        &[
            "contact_ref",
            "email",
            "phone",
            "first_name",
            "last_name",
            "audience",
            "customer",
            "customer_categories",
            "collected_via",
            "collected_at",
            "informed",
            "objection_offered",
            "contract_active",
            "restricted",
            "time_zone",
            "created_at",
            "updated_at",
        ],
        &[vec![
            d.contact_ref.to_string(),
            opt(&d.email.as_ref().map(|e| e.as_str())),
            opt(&d.phone.as_ref().map(|p| p.as_str())),
            opt(&d.first_name),
            opt(&d.last_name),
            d.audience.to_string(),
            d.customer.to_string(),
            d.customer_categories.join("|"),
            opt(&d.collected_via),
            opt(&d.collected_at),
            d.informed.to_string(),
            d.objection_offered.to_string(),
            d.contract_active.to_string(),
            d.restricted.to_string(),
            opt(&d.time_zone),
            c.created_at.to_string(),
            c.updated_at.to_string(),
        ]],
    )
}

fn ledger_csv(events: &[StoredEvent]) -> Result<Vec<u8>, DsarError> {
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                e.new.event.scope.to_string(),
                e.new.event.purpose.to_string(),
                e.new.event.action.to_string(),
                e.new.event.at.to_string(),
                e.new.event.method.to_string(),
                opt(&e.new.notice_version),
                opt(&e.new.source),
                opt(&e.new.ip),
                opt(&e.new.user_agent),
                e.recorded_at.to_string(),
            ]
        })
        .collect();
    csv_of(
        &[
            "id",
            "channel",
            "purpose",
            "action",
            "at",
            "method",
            "notice_version",
            "source",
            "ip",
            "user_agent",
            "recorded_at",
        ],
        &rows,
    )
}

fn table_csv(c: &Collected) -> Result<Vec<u8>, DsarError> {
    let mut header: Vec<String> = Vec::new();
    for r in &c.rows {
        for k in r.keys() {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
    }
    let rows: Vec<Vec<String>> = c
        .rows
        .iter()
        .map(|r| {
            header
                .iter()
                .map(|k| match r.get(k) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                })
                .collect()
        })
        .collect();
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_of(&h, &rows)
}

/// A name safe inside the archive.
fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The readable summary: French first, then English.
fn summary(d: &Dossier) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let org = &d.organization.name;
    let kind = d.request.kind;
    let mut purposes: Vec<String> = d
        .ledger
        .iter()
        .map(|e| e.new.event.purpose.to_string())
        .collect();
    purposes.sort();
    purposes.dedup();
    let mut sources: Vec<String> = d
        .ledger
        .iter()
        .filter_map(|e| e.new.source.clone())
        .collect();
    if let Some(c) = &d.contact
        && let Some(v) = &c.data.collected_via
    {
        sources.insert(0, v.clone());
    }
    sources.sort();
    sources.dedup();
    let collected_at = d
        .contact
        .as_ref()
        .and_then(|c| c.data.collected_at)
        .map(|t| t.to_string());
    let rows: usize = d.systems.iter().map(|c| c.rows.len()).sum();
    let none = |v: &[String], fr: bool| {
        if v.is_empty() {
            if fr { "aucun".into() } else { "none".into() }
        } else {
            v.join(", ")
        }
    };

    let _ = writeln!(s, "VOS DONNÉES PERSONNELLES — {org}");
    let _ = writeln!(
        s,
        "Réponse à votre demande n° {} ({}, {}), établie le {}.\n",
        d.request.id,
        kind.label_fr(),
        kind.article(),
        d.generated_at
    );
    let _ = writeln!(
        s,
        "Ce dossier contient toutes les données que nous détenons sur vous :"
    );
    let _ = writeln!(
        s,
        "- contact.json / contact.csv : votre fiche ({}).",
        if d.contact.is_some() {
            "identité, coordonnées, informations commerciales"
        } else {
            "aucune fiche contact ne correspond à l'identifiant donné"
        }
    );
    let _ = writeln!(
        s,
        "- consent_ledger.json / .csv : l'historique de vos consentements et oppositions, avec leurs preuves ({} événements).",
        d.ledger.len()
    );
    let _ = writeln!(s, "- requests.json : vos demandes et leur suivi.");
    let _ = writeln!(
        s,
        "- lists.json : listes d'opposition et de suppression, limitation du traitement."
    );
    let _ = writeln!(
        s,
        "- versions.json : les versions antérieures de votre fiche après rectification."
    );
    let _ = writeln!(
        s,
        "- systems/ : vos données dans nos autres systèmes ({} systèmes, {rows} enregistrements).\n",
        d.systems
            .iter()
            .map(|c| &c.system)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
    let _ = writeln!(s, "Finalités : {}.", none(&purposes, true));
    let _ = writeln!(
        s,
        "Source : {}{}.",
        none(&sources, true),
        collected_at
            .as_ref()
            .map(|t| format!(", collecte le {t}"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "Destinataires (sous-traitants) : {}.",
        none(&d.recipients, true)
    );
    let _ = writeln!(s, "Durées de conservation :");
    for r in RETENTION {
        let _ = writeln!(s, "- {}", r.fr);
    }
    let _ = writeln!(
        s,
        "\nVos droits : accès, rectification, effacement, limitation, portabilité, opposition \
         (RGPD art. 15 à 21). Vous pouvez introduire une réclamation auprès de la CNIL (www.cnil.fr).\n"
    );
    let _ = writeln!(
        s,
        "----------------------------------------------------------------\n"
    );
    let _ = writeln!(s, "YOUR PERSONAL DATA — {org}");
    let _ = writeln!(
        s,
        "Answer to your request no. {} ({}, {}), made on {}.\n",
        d.request.id,
        kind,
        kind.article().replace("RGPD", "GDPR"),
        d.generated_at
    );
    let _ = writeln!(
        s,
        "This archive holds all the data we keep about you: contact.json/.csv (your record), \
         consent_ledger.json/.csv ({} consent events with their proof), requests.json, lists.json, \
         versions.json, and systems/ ({rows} records in our other systems).\n",
        d.ledger.len()
    );
    let _ = writeln!(s, "Purposes: {}.", none(&purposes, false));
    let _ = writeln!(
        s,
        "Source: {}{}.",
        none(&sources, false),
        collected_at
            .map(|t| format!(", collected on {t}"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "Recipients (processors): {}.",
        none(&d.recipients, false)
    );
    let _ = writeln!(s, "Retention:");
    for r in RETENTION {
        let _ = writeln!(s, "- {}", r.en);
    }
    let _ = writeln!(
        s,
        "\nYour rights: access, rectification, erasure, restriction, portability, objection \
         (GDPR art. 15-21). You may lodge a complaint with the CNIL (www.cnil.fr)."
    );
    s
}

#[derive(Serialize)]
struct RequestWithHistory<'a> {
    #[serde(flatten)]
    request: &'a Request,
    history: &'a [HistoryStep],
}

#[derive(Serialize)]
struct Manifest<'a> {
    organization: &'a str,
    request_id: i64,
    kind: RequestKind,
    generated_at: Timestamp,
    files: Vec<(String, String)>,
}

/// Builds the archive.
pub fn build(d: &Dossier) -> Result<Archive, DsarError> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push(("LISEZMOI-README.txt".into(), summary(d).into_bytes()));
    files.push(("contact.json".into(), json(&d.contact)?));
    if let Some(c) = &d.contact {
        files.push(("contact.csv".into(), contact_csv(c)?));
    }
    files.push(("consent_ledger.json".into(), json(&d.ledger)?));
    files.push(("consent_ledger.csv".into(), ledger_csv(&d.ledger)?));
    let reqs: Vec<RequestWithHistory<'_>> = d
        .requests
        .iter()
        .map(|(r, h)| RequestWithHistory {
            request: r,
            history: h,
        })
        .collect();
    files.push(("requests.json".into(), json(&reqs)?));
    files.push(("lists.json".into(), json(&d.lists)?));
    files.push(("versions.json".into(), json(&d.versions)?));
    for c in &d.systems {
        let base = format!("systems/{}/{}", safe(&c.system), safe(&c.table));
        files.push((format!("{base}.json"), json(&c.rows)?));
        files.push((format!("{base}.csv"), table_csv(c)?));
    }
    let manifest = Manifest {
        organization: &d.organization.slug,
        request_id: d.request.id,
        kind: d.request.kind,
        generated_at: d.generated_at,
        files: files
            .iter()
            .map(|(n, b)| (n.clone(), hex::encode(Sha256::digest(b))))
            .collect(),
    };
    files.push(("manifest.json".into(), json(&manifest)?));

    let bytes = zip_files(&files).map_err(DsarError::Archive)?;
    Ok(Archive {
        sha256: hex::encode(Sha256::digest(&bytes)),
        files: files.into_iter().map(|(n, _)| n).collect(),
        file_name: format!("vigie-{}-request-{}.zip", d.organization.slug, d.request.id),
        bytes,
    })
}

/// A zip (deflated) of named files, in the order given: the access archive's container, and
/// the registers' evidence pack's.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)
            .map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The archive's CSV files are opened in spreadsheets: a name or a source someone typed as
    /// a formula is shown, not run; machine columns stay as they are.
    #[test]
    fn csv_cells_never_run_as_formulas() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\")".to_owned(),
            "+33612345678".to_owned(),
            "@C1".to_owned(),
            "2026-11-24T09:30:00Z".to_owned(),
            "true".to_owned(),
            "Marie".to_owned(),
        ]];
        let written = csv_of(&["a", "b", "c", "d", "e", "f"], &rows).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            "a,b,c,d,e,f\n\"'=HYPERLINK(\"\"http://x\"\")\",'+33612345678,'@C1,2026-11-24T09:30:00Z,true,Marie\n"
        );
    }
}
