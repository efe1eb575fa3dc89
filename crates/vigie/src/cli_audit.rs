//! `vigie audit`: check the audit trail's chain, and export it for an auditor.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::StoreArgs;

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check every organization's audit chain from its first entry to its last.
    ///
    /// Exits with status 1, naming the first bad entry of each broken chain, if any entry was
    /// changed, removed, inserted or reordered, or the newest entries were removed. The chain is
    /// keyed by the master key: someone with write access to the database but not the key cannot
    /// repair it.
    ///
    /// The trail is also held against the checkpoint (see `vigie audit checkpoint`): removing
    /// the newest entries and moving the head back is reported as a truncation or a rollback.
    Verify {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Anchor the trail's heads outside the database: write a checkpoint (each organization's
    /// last entry and link, sealed with keys derived from the master key) to the checkpoint
    /// file, which `vigie serve` also refreshes every minute. Refused, with the faults, when the
    /// trail contradicts the checkpoint already there: a cut trail is never re-anchored.
    Checkpoint,
    /// Export an organization's audit trail, oldest first.
    Export {
        /// The organization.
        #[arg(long, default_value = vigie_store::DEFAULT_ORG)]
        org: String,
        /// Only entries after this sequence number (to continue an earlier export).
        #[arg(long, default_value_t = 0)]
        after: i64,
        /// `jsonl` (one JSON object per line) or `csv`.
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "csv"])]
        format: String,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

pub async fn run(store_args: &StoreArgs, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    let store = store_args.open().await?;
    match cmd {
        AuditCommand::Verify { json } => {
            let checkpoint = match store_args.audit_checkpoint_file() {
                Some(path) => vigie_store::AuditCheckpoint::read_file(&path)?,
                None => None,
            };
            if checkpoint.is_none() && !json {
                eprintln!(
                    "note: no audit checkpoint found: entries removed at the end of the trail                      cannot be detected (see `vigie audit checkpoint`)"
                );
            }
            let report = store.verify_audit_against(checkpoint.as_ref()).await?;
            // Each organization's result, for its dashboard (the last verification and what it
            // found), as the API and the administration page record theirs.
            let at = jiff::Timestamp::now();
            for org in store.orgs().await? {
                let faults = report.faults.iter().filter(|f| f.org == org.slug).count() as u64;
                let verification = vigie_store::AuditVerification {
                    at,
                    actor: "cli".to_owned(),
                    intact: faults == 0,
                    faults,
                    checkpoint_at: checkpoint.as_ref().map(|c| c.at),
                };
                store
                    .record_audit_verification(org.id, &verification)
                    .await?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else if report.intact() {
                println!(
                    "audit trail intact: {} entries in {} organization(s)",
                    report.entries, report.organizations
                );
            } else {
                for fault in &report.faults {
                    eprintln!("audit trail BROKEN: {fault}");
                }
            }
            Ok(if report.intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        AuditCommand::Checkpoint => {
            let path = store_args.audit_checkpoint_file().context(
                "the master key comes from VIGIE_MASTER_KEY: say where to keep the checkpoint \
                 with --audit-checkpoint",
            )?;
            let faults = store.write_audit_checkpoint(&path).await?;
            for fault in &faults {
                eprintln!("audit trail BROKEN: {fault}");
            }
            if !faults.is_empty() {
                eprintln!("the checkpoint {} was left as it was", path.display());
                return Ok(ExitCode::FAILURE);
            }
            println!("audit checkpoint written to {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Export {
            org,
            after,
            format,
            output,
        } => {
            let org = store.require_org(&org).await?;
            let out: Box<dyn Write> = match &output {
                Some(p) => Box::new(
                    std::fs::File::create(p)
                        .with_context(|| format!("cannot create {}", p.display()))?,
                ),
                None => Box::new(std::io::stdout().lock()),
            };
            let out = std::io::BufWriter::new(out);
            let mut sink = if format == "csv" {
                let mut w = csv::Writer::from_writer(out);
                w.write_record([
                    "seq", "at", "actor", "role", "action", "target", "origin", "reason", "link",
                ])?;
                Sink::Csv(Box::new(w))
            } else {
                Sink::Jsonl(out)
            };
            let mut cursor = after;
            let mut count = 0u64;
            loop {
                let page = store.audit_entries(org.id, cursor, 5000).await?;
                let Some(last) = page.last() else { break };
                cursor = last.seq;
                count += page.len() as u64;
                for e in &page {
                    sink.write(e)?;
                }
            }
            sink.finish()?;
            if let Some(p) = output {
                eprintln!("{count} audit entries written to {}", p.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

enum Sink {
    Csv(Box<csv::Writer<std::io::BufWriter<Box<dyn Write>>>>),
    Jsonl(std::io::BufWriter<Box<dyn Write>>),
}

impl Sink {
    fn write(&mut self, e: &vigie_store::AuditEntry) -> anyhow::Result<()> {
        match self {
            Sink::Csv(w) => {
                fn opt(s: &Option<String>) -> &str {
                    s.as_deref().unwrap_or_default()
                }
                // People open the export in a spreadsheet: no cell may run as a formula (the
                // actor, target and reason carry text people typed).
                let (seq, at) = (e.seq.to_string(), e.at.to_string());
                w.write_record(
                    [
                        seq.as_str(),
                        at.as_str(),
                        &e.actor,
                        opt(&e.role),
                        &e.action,
                        opt(&e.target),
                        opt(&e.origin),
                        opt(&e.reason),
                        &e.link,
                    ]
                    .map(vigie_core::spreadsheet::formula_safe)
                    .iter()
                    .map(|c| c.as_bytes()),
                )?;
            }
            Sink::Jsonl(w) => writeln!(w, "{}", serde_json::to_string(e)?)?,
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Csv(w) => w
                .into_inner()
                .map_err(|e| anyhow::anyhow!("{}", e.error()))?
                .flush()?,
            Sink::Jsonl(mut w) => w.flush()?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CSV export is opened in spreadsheets: text people typed (an actor's name, a reason)
    /// must not run as a formula; machine columns stay as they are.
    #[test]
    fn the_csv_export_neutralizes_formulas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.csv");
        let out: Box<dyn Write> = Box::new(std::fs::File::create(&path).unwrap());
        let mut sink = Sink::Csv(Box::new(csv::Writer::from_writer(std::io::BufWriter::new(
            out,
        ))));
        sink.write(&vigie_store::AuditEntry {
            seq: 7,
            at: "2026-11-24T09:30:00Z".parse().unwrap(),
            actor: "user:=1+1@example.org".into(),
            role: Some("admin".into()),
            action: "contact.update".into(),
            target: Some("contact:@C1".into()),
            origin: None,
            reason: Some("=HYPERLINK(\"http://x\",\"y\")".into()),
            link: "ab12".into(),
        })
        .unwrap();
        sink.finish().unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            written,
            "7,2026-11-24T09:30:00Z,user:=1+1@example.org,admin,contact.update,contact:@C1,,\
             \"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",ab12\n"
        );
    }
}
