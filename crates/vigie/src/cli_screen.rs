//! `vigie screen`: a campaign list screened against the base, one decision per row, recorded as
//! proof; `--refresh` prepares the screening snapshot, `--list` shows the recorded runs.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use vigie_core::{Code, Region};
use vigie_screen::{
    BuildReport, CampaignSpec, Progress, ScreenError, ScreenOptions, SnapshotCache, record_run,
    screen_targets,
};
use vigie_store::{DEFAULT_ORG, ScreeningRun};

use crate::config::StoreArgs;

/// Screen a campaign list against the base: one decision per row (allow or deny, and the code
/// that names the legal basis or the first reason that blocks), in input order.
///
/// E-mail campaigns read the `email` column, sms and phone campaigns the `phone` column. Each run
/// is recorded as proof (who, when, the campaign, the rule pack, the SHA-256 of both files and
/// the counts): `vigie screen --list` shows them.
///
/// Screening reads a snapshot of the base kept in the cache directory and rebuilt when the base
/// has changed; `vigie screen --refresh` builds it ahead of time (e.g. right after imports).
///
/// Examples:
///   vigie screen --campaign campaign.json targets.csv -o decisions.csv
///   vigie screen --refresh --org acme
///   vigie screen --list
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ScreenArgs {
    /// The campaign (JSON): jurisdiction, purpose, channel, at, and optionally product_category,
    /// relates_to_profession, commercial, sender, name.
    #[arg(long, value_name = "CAMPAIGN.json", required_unless_present_any = ["refresh", "list"])]
    pub campaign: Option<PathBuf>,
    /// The campaign list: CSV with a header line, identifiers as people typed them.
    #[arg(value_name = "TARGETS.csv", required_unless_present_any = ["refresh", "list"])]
    pub targets: Option<PathBuf>,
    /// Where the decisions go: CSV `row,decision,code`, one line per data row of the list.
    #[arg(short, long, value_name = "DECISIONS.csv", required_unless_present_any = ["refresh", "list"])]
    pub output: Option<PathBuf>,
    /// Organization (data controller) whose base is screened.
    #[arg(long, env = "VIGIE_ORG", default_value = DEFAULT_ORG)]
    pub org: String,
    /// Who runs the screening, recorded as proof (default: $USER, else $LOGNAME).
    #[arg(long)]
    pub actor: Option<String>,
    /// Region for phone numbers written without a country code (default: the campaign's
    /// jurisdiction).
    #[arg(long)]
    pub region: Option<String>,
    /// Screen a consumer phone campaign of the Bloctel era (before 2026-08-11) although the
    /// Bloctel extract is older than 30 days or missing; the override is written in the proof.
    #[arg(long)]
    pub allow_stale_opposition_list: bool,
    /// Directory of the screening snapshots (default: DATA_DIR/cache).
    #[arg(long, env = "VIGIE_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Build or refresh the screening snapshot of the organization, without screening.
    #[arg(long, conflicts_with_all = ["campaign", "targets", "output", "list"])]
    pub refresh: bool,
    /// List the recorded screening runs of the organization, most recent first.
    #[arg(long, conflicts_with_all = ["campaign", "targets", "output"])]
    pub list: bool,
    /// How many runs --list shows.
    #[arg(long, default_value_t = 20, requires = "list")]
    pub limit: u32,
    /// --list as JSON (one array of runs).
    #[arg(long, requires = "list")]
    pub json: bool,
    /// Also write, for an e-mail campaign, the decisions with the list's identifiers and, on
    /// each allowed row, the message's `List-Unsubscribe` and `List-Unsubscribe-Post` headers
    /// and the preference centre link (columns list_unsubscribe, list_unsubscribe_post,
    /// preferences_url), built on the server's public address.
    #[arg(long, value_name = "LINKS.csv", requires = "output")]
    pub unsubscribe_links: Option<PathBuf>,
    /// The server's public address for --unsubscribe-links (else `public_url` of --config).
    #[arg(long, env = "VIGIE_PUBLIC_URL")]
    pub public_url: Option<vigie_server::person_links::PublicUrl>,
    /// The configuration file of `vigie serve`, read for its `public_url`.
    #[arg(long, env = "VIGIE_CONFIG")]
    pub config: Option<PathBuf>,
}

pub async fn run(store_args: &StoreArgs, args: ScreenArgs) -> anyhow::Result<ExitCode> {
    // A campaign file that cannot be read fails before anything is opened.
    let spec = match &args.campaign {
        Some(path) if !args.refresh && !args.list => match read_campaign(path) {
            Ok(spec) => Some(spec),
            Err(message) => {
                eprintln!("error: {message}");
                return Ok(ExitCode::from(2));
            }
        },
        _ => None,
    };
    // The links' address is checked before anything is screened.
    let public_url = match (&args.unsubscribe_links, &spec) {
        (Some(_), Some(spec)) if spec.channel != vigie_core::Channel::Email => {
            anyhow::bail!(
                "--unsubscribe-links: only for an e-mail campaign ({})",
                spec.channel
            )
        }
        (Some(_), _) => Some(crate::cli_links::public_url(
            args.public_url.as_ref(),
            args.config.as_deref(),
        )?),
        (None, _) => None,
    };
    let store = store_args.open().await?;
    let org = store.require_org(&args.org).await?;
    let cache = SnapshotCache::new(
        args.cache_dir
            .clone()
            .unwrap_or_else(|| store_args.data_dir.join("cache")),
    );
    if args.list {
        let runs = store.screening_runs(org.id, args.limit).await?;
        list(&mut std::io::stdout().lock(), &runs, args.json)?;
        return Ok(ExitCode::SUCCESS);
    }
    let crypto = store.org_crypto(org.id).await?;
    if args.refresh {
        let refreshed = cache.refresh(&store, &crypto).await?;
        match &refreshed.built {
            Some(report) => print_build(&mut std::io::stdout().lock(), report)?,
            None => println!(
                "The screening snapshot of organization {} is up to date (data version {}): {}",
                org.slug,
                refreshed.info.data_version,
                refreshed.path.display()
            ),
        }
        return Ok(ExitCode::SUCCESS);
    }

    let spec = spec.expect("clap requires --campaign without --refresh or --list");
    let targets = args.targets.expect("clap requires TARGETS");
    let output = args.output.expect("clap requires --output");
    let region = args
        .region
        .as_deref()
        .map(str::parse::<Region>)
        .transpose()?;
    let actor = args
        .actor
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(crate::config::os_user);
    let input =
        File::open(&targets).with_context(|| format!("cannot open {}", targets.display()))?;
    let size = input.metadata().map(|m| m.len()).unwrap_or(0);
    let tmp = temporary_path(&output);
    let out = File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;

    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message("screening");
        bar
    });
    let progress = bar.clone().map(|b| {
        Arc::new(move |p: Progress| {
            b.set_position(p.bytes);
            b.set_message(format!("screening, {} rows", p.rows));
        }) as Arc<dyn Fn(Progress) + Send + Sync>
    });
    let started = Instant::now();
    let result = screen_targets(
        &store,
        &crypto,
        &cache,
        &spec,
        input,
        out,
        ScreenOptions {
            region,
            progress,
            allow_stale_opposition_list: args.allow_stale_opposition_list,
        },
    )
    .await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let screened = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return match e {
                ScreenError::Targets(e) => {
                    eprintln!("error: {}: {e}", targets.display());
                    Ok(ExitCode::from(2))
                }
                e => Err(e.into()),
            };
        }
    };
    let elapsed = started.elapsed();
    std::fs::rename(&tmp, &output).with_context(|| format!("cannot write {}", output.display()))?;
    let links_written = match (&args.unsubscribe_links, &public_url) {
        (Some(path), Some(public)) => {
            let started = Instant::now();
            let expires = jiff::Timestamp::now()
                + jiff::SignedDuration::from_hours(
                    24 * vigie_server::person_links::DEFAULT_LINK_DAYS,
                );
            let links =
                vigie_server::person_links::PersonLinks::new(&store, &org, public, expires).await?;
            let links = vigie_server::RowLinks::new(links, &spec);
            let rows = vigie_server::write_download(
                &targets,
                &output,
                path,
                &spec,
                vigie_core::Lang::Fr,
                Some(&links),
            )
            .with_context(|| format!("cannot write {}", path.display()))?;
            Some((path.clone(), rows, started.elapsed()))
        }
        _ => None,
    };
    let run = record_run(
        &store,
        org.id,
        &spec,
        &screened,
        &actor,
        Some(&targets.display().to_string()),
    )
    .await?;
    store
        .audit(
            org.id,
            crate::config::cli_audit("screening.run", format!("screening:{}", run.id)),
        )
        .await?;

    let mut out = std::io::stdout().lock();
    if let Some(report) = &screened.built {
        print_build(&mut out, report)?;
    }
    if let Some((path, rows, took)) = &links_written {
        writeln!(
            out,
            "Wrote {rows} rows with the allowed rows' unsubscribe and preference links to {} in {:.2} s",
            path.display(),
            took.as_secs_f64()
        )?;
    }
    let s = &screened.summary;
    writeln!(
        out,
        "Screened {} rows of {} for organization {} ({} campaign, rule pack {}, data version {}) in {:.2} s",
        s.rows,
        targets.display(),
        org.slug,
        spec.channel,
        screened.rule_pack,
        screened.data_version,
        elapsed.as_secs_f64()
    )?;
    let pct = |n: u64| {
        if s.rows == 0 {
            0.0
        } else {
            n as f64 * 100.0 / s.rows as f64
        }
    };
    let (allowed, denied) = (s.counts.allowed(), s.counts.denied());
    writeln!(out, "  allow {allowed:>12}  {:5.1} %", pct(allowed))?;
    writeln!(out, "  deny  {denied:>12}  {:5.1} %", pct(denied))?;
    for (code, n) in s.counts.iter() {
        writeln!(
            out,
            "    {:<5} {:<24}{n:>12}  {:5.1} %",
            code.decision().as_str(),
            code.as_str(),
            pct(n)
        )?;
    }
    writeln!(
        out,
        "Decisions: {} (SHA-256 {})",
        output.display(),
        hex(&s.output_sha256)
    )?;
    writeln!(
        out,
        "Recorded as screening run #{} (vigie screen --list).",
        run.id
    )?;
    Ok(ExitCode::SUCCESS)
}

fn read_campaign(path: &Path) -> Result<CampaignSpec, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    CampaignSpec::parse(&text).map_err(|e| format!("campaign file {}: {e}", path.display()))
}

fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".part-{}", std::process::id()));
    path.with_file_name(name)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn print_build(out: &mut impl Write, r: &BuildReport) -> std::io::Result<()> {
    writeln!(
        out,
        "Built the screening snapshot of data version {} in {:.2} s (store scan {:.2} s): {} contacts, \
         {} ledger events, {} suppressed identifiers, {} opposition entries; {:.1} MiB at {}",
        r.info.data_version,
        r.total.as_secs_f64(),
        r.scan.as_secs_f64(),
        r.info.contacts,
        r.info.events,
        r.info.suppression,
        r.info.opposition,
        r.bytes as f64 / 1048576.0,
        r.path.display()
    )
}

/// `--list`: the runs, most recent first, as text or JSON.
fn list(out: &mut impl Write, runs: &[ScreeningRun], json: bool) -> anyhow::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, runs)?;
        writeln!(out)?;
    } else {
        write_runs(out, runs)?;
    }
    Ok(())
}

/// The runs as a table, most recent first.
fn write_runs(out: &mut impl Write, runs: &[ScreeningRun]) -> std::io::Result<()> {
    if runs.is_empty() {
        return writeln!(out, "No screening run recorded yet.");
    }
    for r in runs {
        let run = &r.run;
        let campaign = CampaignSpec::parse(&run.campaign).ok();
        let channel = campaign
            .as_ref()
            .map_or("?".to_owned(), |c| c.channel.to_string());
        let name = campaign
            .as_ref()
            .and_then(|c| c.name.clone())
            .unwrap_or_default();
        let (mut allowed, mut denied) = (0u64, 0u64);
        for (code, n) in &run.counts {
            match code.parse::<Code>() {
                Ok(c) if c.is_allow() => allowed += n,
                _ => denied += n,
            }
        }
        writeln!(
            out,
            "#{:<5} {}  by {}  {} campaign{}{}  rule pack {}  data version {}",
            r.id,
            run.started_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            run.actor,
            channel,
            if name.is_empty() { "" } else { " " },
            name,
            run.rule_pack,
            run.data_version
        )?;
        writeln!(
            out,
            "       {} rows: {allowed} allowed, {denied} denied, in {:.2} s; input {}",
            run.rows,
            (run.finished_at.as_microsecond() - run.started_at.as_microsecond()) as f64 / 1e6,
            run.input_name.as_deref().unwrap_or("-")
        )?;
        let counts: Vec<String> = run.counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
        writeln!(out, "       {}", counts.join(", "))?;
        writeln!(out, "       input SHA-256  {}", hex(&run.input_sha256))?;
        writeln!(out, "       output SHA-256 {}", hex(&run.output_sha256))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigie_import::{ImportKind, ImportOptions, import_file};
    use vigie_store::SecretKey;

    const CONTACTS: &str = "\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted
C1,marie.martin@gmail.com,06 12 34 56 78,consumer,true,optics,web_form,2026-03-01T10:00:00Z,true,true,false,false
C2,contact@company2.fr,07 31 22 33 44,generic,false,,trade_show,2026-05-02T11:00:00Z,true,true,false,false
";
    const CAMPAIGN: &str = r#"{"jurisdiction": "FR", "purpose": "marketing", "product_category": "optics",
        "channel": "email", "at": "2026-11-24T10:30:00+01:00", "name": "Black Friday"}"#;

    fn args(dir: &Path) -> ScreenArgs {
        ScreenArgs {
            campaign: Some(dir.join("campaign.json")),
            targets: Some(dir.join("targets.csv")),
            output: Some(dir.join("decisions.csv")),
            org: DEFAULT_ORG.into(),
            actor: Some("tester".into()),
            region: None,
            allow_stale_opposition_list: false,
            cache_dir: None,
            refresh: false,
            list: false,
            limit: 20,
            json: false,
            unsubscribe_links: None,
            public_url: None,
            config: None,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_screening_writes_its_decisions_and_list_shows_its_proof() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let key = d.join("master.key");
        SecretKey::create_file(&key).unwrap();
        let store_args = StoreArgs {
            data_dir: d.join("data"),
            database_url: None,
            database_url_file: None,
            master_key_file: Some(key),
            audit_checkpoint: None,
            erasure_journal: None,
        };
        std::fs::write(d.join("contacts.csv"), CONTACTS).unwrap();
        std::fs::write(d.join("campaign.json"), CAMPAIGN).unwrap();
        let targets =
            "email,phone\nMarie.Martin@gmail.com,x\n\ncontact@company2.fr,y\nnobody@nowhere.fr,z\n";
        std::fs::write(d.join("targets.csv"), targets).unwrap();
        {
            let store = store_args.open().await.unwrap();
            let org = store.require_org(DEFAULT_ORG).await.unwrap();
            import_file(
                &store,
                &org,
                ImportKind::Contacts,
                &d.join("contacts.csv"),
                &ImportOptions::default(),
            )
            .await
            .unwrap();
        }

        let code = run(&store_args, args(d)).await.unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
        let decisions = std::fs::read_to_string(d.join("decisions.csv")).unwrap();
        assert_eq!(
            decisions,
            "row,decision,code\n1,allow,SOFT_OPT_IN\n2,allow,GENERIC_ADDRESS\n3,deny,UNKNOWN_CONTACT\n"
        );
        assert!(
            d.join("data/cache").is_dir(),
            "the snapshot lives in DATA_DIR/cache"
        );

        let store = store_args.open().await.unwrap();
        let org = store.require_org(DEFAULT_ORG).await.unwrap();
        let runs = store.screening_runs(org.id, 20).await.unwrap();
        assert_eq!(runs.len(), 1);
        let mut text = Vec::new();
        list(&mut text, &runs, false).unwrap();
        let text = String::from_utf8(text).unwrap();
        use sha2_free::hex_sha256;
        for needle in [
            format!("#{}", runs[0].id),
            "by tester".to_owned(),
            "email campaign Black Friday".to_owned(),
            "rule pack FR-2026-08-11".to_owned(),
            "3 rows: 2 allowed, 1 denied".to_owned(),
            "GENERIC_ADDRESS 1, SOFT_OPT_IN 1, UNKNOWN_CONTACT 1".to_owned(),
            format!("input SHA-256  {}", hex_sha256(targets.as_bytes())),
            format!("output SHA-256 {}", hex_sha256(decisions.as_bytes())),
        ] {
            assert!(text.contains(&needle), "{needle:?} missing from:\n{text}");
        }
        let mut json = Vec::new();
        list(&mut json, &runs, true).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(json[0]["rows"], 3);
        assert_eq!(json[0]["campaign"], CAMPAIGN);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_bad_campaign_file_exits_2_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let key = d.join("master.key");
        SecretKey::create_file(&key).unwrap();
        let store_args = StoreArgs {
            data_dir: d.join("data"),
            database_url: None,
            database_url_file: None,
            master_key_file: Some(key),
            audit_checkpoint: None,
            erasure_journal: None,
        };
        std::fs::write(
            d.join("campaign.json"),
            CAMPAIGN.replace("\"email\"", "\"pigeon\""),
        )
        .unwrap();
        std::fs::write(d.join("targets.csv"), "email\n").unwrap();
        assert_eq!(run(&store_args, args(d)).await.unwrap(), ExitCode::from(2));
        assert!(!d.join("decisions.csv").exists());
        // A list without the needed column: exit 2, no output left behind.
        std::fs::write(
            d.join("campaign.json"),
            CAMPAIGN.replace("\"email\"", "\"sms\""),
        )
        .unwrap();
        assert_eq!(run(&store_args, args(d)).await.unwrap(), ExitCode::from(2));
        assert!(!d.join("decisions.csv").exists());
        assert_eq!(
            std::fs::read_dir(d)
                .unwrap()
                .filter(|e| e
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("part"))
                .count(),
            0
        );
    }

    /// SHA-256 for the test, by the system's sha256sum: the check does not reuse the code under
    /// test.
    mod sha2_free {
        pub fn hex_sha256(bytes: &[u8]) -> String {
            use std::io::Write;
            use std::process::{Command, Stdio};
            let mut child = Command::new("sha256sum")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("sha256sum");
            child.stdin.take().unwrap().write_all(bytes).unwrap();
            let out = child.wait_with_output().unwrap();
            String::from_utf8(out.stdout).unwrap()[..64].to_owned()
        }
    }
}
