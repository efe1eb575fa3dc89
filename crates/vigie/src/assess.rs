//! `vigie assess`: the register assessments of vigie-core on the command line (ASSESSMENTS.md),
//! with the same reader and answers as `POST /api/v1/assess`. Needs no store.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vigie_core::Lang;
use vigie_core::assess::{assess, parse_assessment};
use vigie_server::error::from_assess_error;

/// The help of `vigie assess --help`: what each request looks like and what it answers.
pub const LONG_ABOUT: &str = r#"Answer the questions behind the registers: is a transfer lawful, is an impact assessment
required, when must a breach be notified, when is a data subject request due.

Reads one JSON request (or, with --jsonl, one per line) and writes the answer with its
reason and legal references. A request that cannot be read is an error naming the field.

Requests (`kind` says which):

  {"kind": "transfer", "at": "2026-12-04", "country": "TN", "safeguard": "scc", "dpf_certified": false}
    country: ISO 3166-1 alpha-2 (GB for the United Kingdom); safeguard: null, scc, bcr,
    code_or_certification, derogation; dpf_certified: a US recipient under the Data Privacy
    Framework. Codes: EEA, ADEQUACY, SAFEGUARD, DEROGATION, NO_SAFEGUARD.

  {"kind": "dpia", "criteria": ["evaluation_or_scoring", "large_scale"], "on_authority_list": false}
    criteria among the nine of the EDPB (evaluation_or_scoring, automated_decision_with_legal_effect,
    systematic_monitoring, sensitive_data, large_scale, matching_or_combining, vulnerable_subjects,
    innovative_technology, prevents_exercising_rights); two or more make it required.

  {"kind": "breach", "aware_at": "2026-03-27T15:00:00+01:00", "risk": "risk", "notified_at": null}
    risk: unlikely, risk or high. The deadline is 72 hours of elapsed time, in UTC.

  {"kind": "dsar_deadline", "received_on": "2026-01-31", "extension_months": 0}
    one month from receipt (plus 0, 1 or 2): 31 January is due on 28 February.

Example: echo '{"kind":"dsar_deadline","received_on":"2026-01-31"}' | vigie assess --lang en"#;

#[derive(Debug, clap::Args)]
pub struct AssessArgs {
    /// File of the request(s); standard input when absent or `-`.
    pub file: Option<PathBuf>,
    /// One request per line; one answer per line, in the same order. A line that cannot be read
    /// is answered `{"line": N, "error": {"code", "message", "field"}}` and the exit code is 2.
    #[arg(long)]
    pub jsonl: bool,
    /// Language of explanations.
    #[arg(long, default_value = "fr", value_parser = ["fr", "en"])]
    pub lang: String,
}

pub fn run(args: AssessArgs) -> anyhow::Result<ExitCode> {
    let lang: Lang = args.lang.parse().expect("clap checked the language");
    let input: Box<dyn Read> = match &args.file {
        Some(p) if p.as_os_str() != "-" => {
            Box::new(File::open(p).with_context(|| format!("cannot open {}", p.display()))?)
        }
        _ => Box::new(io::stdin().lock()),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    if !args.jsonl {
        let mut text = String::new();
        BufReader::new(input)
            .read_to_string(&mut text)
            .context("reading the request")?;
        return match parse_assessment(&text) {
            Ok(request) => {
                serde_json::to_writer_pretty(&mut out, &assess(&request, lang))?;
                writeln!(out)?;
                out.flush()?;
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("error: {e}");
                Ok(ExitCode::from(2))
            }
        };
    }
    let errors = jsonl(BufReader::new(input), &mut out, lang)?;
    out.flush()?;
    if errors > 0 {
        eprintln!("{errors} request(s) could not be read (answered with an error line)");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Answers every non-blank line, in order; returns how many could not be read.
fn jsonl(input: impl BufRead, out: &mut impl Write, lang: Lang) -> anyhow::Result<u64> {
    let mut errors = 0;
    for (i, line) in input.lines().enumerate() {
        let line = line.context("reading the requests")?;
        if line.trim().is_empty() {
            continue;
        }
        match parse_assessment(&line) {
            Ok(request) => serde_json::to_writer(&mut *out, &assess(&request, lang))?,
            Err(e) => {
                errors += 1;
                let body =
                    serde_json::json!({"line": i + 1, "error": from_assess_error(&e).body().error});
                serde_json::to_writer(&mut *out, &body)?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(errors)
}
