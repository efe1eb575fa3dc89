//! The registers' exports, for `vigie registers export` and `GET /api/v1/registers/export`:
//! YAML (registers as code, re-appliable), JSON (the registers with their version and the gaps
//! flagged on the day), CSV (one row per activity, every art. 30 field; vigie-core lays the
//! rows out and makes them formula-safe), PDF (printable, [`crate::registers_pdf`]).

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::Serialize;
use vigie_core::Lang;
use vigie_core::registers::{Flag, Registers, export, flags, to_yaml};
use vigie_store::StoredRegisters;

/// The formats of the registers' export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Yaml,
    Json,
    Csv,
    /// Printable, laid out like the CNIL's register template.
    Pdf,
}

impl ExportFormat {
    pub const NAMES: &'static str = "yaml, json, csv, pdf";

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Yaml => "application/yaml; charset=utf-8",
            ExportFormat::Json => "application/json",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Yaml => "yaml",
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::Pdf => "pdf",
        }
    }
}

impl FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "yaml" => Ok(ExportFormat::Yaml),
            "json" => Ok(ExportFormat::Json),
            "csv" => Ok(ExportFormat::Csv),
            "pdf" => Ok(ExportFormat::Pdf),
            _ => Err(format!(
                "unknown format {s:?} (expected one of: {})",
                ExportFormat::NAMES
            )),
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// A gap as exported: the flag and its sentence.
#[derive(Serialize)]
struct ExportedFlag<'a> {
    #[serde(flatten)]
    flag: &'a Flag,
    explanation: String,
}

#[derive(Serialize)]
struct JsonExport<'a> {
    organization: &'a str,
    version: i64,
    written_at: jiff::Timestamp,
    flagged_on: Date,
    registers: &'a Registers,
    flags: Vec<ExportedFlag<'a>>,
}

/// The export of `stored` for the organization `org` (its slug), gaps flagged on `today`.
pub fn render(
    format: ExportFormat,
    org: &str,
    stored: &StoredRegisters,
    today: Date,
    lang: Lang,
) -> Vec<u8> {
    let r = &stored.registers;
    match format {
        ExportFormat::Yaml => to_yaml(r).into_bytes(),
        ExportFormat::Json => {
            let flagged = flags(r, today);
            let body = JsonExport {
                organization: org,
                version: stored.version,
                written_at: stored.written_at,
                flagged_on: today,
                registers: r,
                flags: flagged
                    .iter()
                    .map(|flag| ExportedFlag {
                        flag,
                        explanation: flag.issue.explain(lang),
                    })
                    .collect(),
            };
            let mut out = serde_json::to_vec_pretty(&body).expect("the export serializes");
            out.push(b'\n');
            out
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(export::COLUMNS).expect("writing to memory");
            for row in export::rows(r) {
                w.write_record(&row).expect("writing to memory");
            }
            w.into_inner().expect("writing to memory")
        }
        ExportFormat::Pdf => crate::registers_pdf::render_pdf(r, org, stored.version, lang),
    }
}
