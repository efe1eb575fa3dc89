//! `vigie decide`: the decision engine on the command line, for one request or a stream of them
//! (JSON Lines), with the same reader and the same answers as `POST /api/v1/decide`. Needs no
//! store: a request carries the whole situation.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vigie_core::{Lang, decide, parse_request};
use vigie_server::error::from_request_error;

#[derive(Debug, clap::Args)]
pub struct DecideArgs {
    /// File of the request(s); standard input when absent or `-`.
    pub file: Option<PathBuf>,
    /// One request per line; one answer per line, in the same order. A line that cannot be read
    /// is answered `{"line": N, "error": {"code", "message", "field"}}`.
    #[arg(long)]
    pub jsonl: bool,
    /// Language of explanations.
    #[arg(long, default_value = "fr", value_parser = ["fr", "en"])]
    pub lang: String,
}

/// Lines handed to each worker at a time.
const CHUNK: usize = 4096;

pub fn run(args: DecideArgs) -> anyhow::Result<ExitCode> {
    let lang: Lang = args.lang.parse().expect("clap checked the language");
    let input: Box<dyn Read> = match &args.file {
        Some(p) if p.as_os_str() != "-" => {
            Box::new(File::open(p).with_context(|| format!("cannot open {}", p.display()))?)
        }
        _ => Box::new(io::stdin().lock()),
    };
    let stdout = io::stdout().lock();
    if !args.jsonl {
        let mut text = String::new();
        BufReader::new(input)
            .read_to_string(&mut text)
            .context("reading the request")?;
        return match parse_request(&text) {
            Ok(request) => {
                let mut out = BufWriter::new(stdout);
                serde_json::to_writer_pretty(&mut out, &decide(&request, lang))?;
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
    let errors = jsonl(
        BufReader::with_capacity(1 << 20, input),
        BufWriter::with_capacity(1 << 20, stdout),
        lang,
    )?;
    if errors > 0 {
        eprintln!("{errors} request(s) could not be read (answered with an error line)");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Decides every line of `input`, in parallel chunks, writing answers in input order. Returns
/// how many lines could not be read.
fn jsonl(mut input: impl BufRead, mut out: impl Write, lang: Lang) -> anyhow::Result<u64> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut errors = 0u64;
    let mut line_no = 0u64;
    let mut lines: Vec<String> = Vec::with_capacity(CHUNK * workers);
    loop {
        lines.clear();
        while lines.len() < CHUNK * workers {
            let mut line = String::new();
            if input.read_line(&mut line).context("reading the requests")? == 0 {
                break;
            }
            lines.push(line);
        }
        if lines.is_empty() {
            break;
        }
        let first = line_no;
        line_no += lines.len() as u64;
        let per_worker = lines.len().div_ceil(workers);
        let outputs: Vec<(Vec<u8>, u64)> = std::thread::scope(|s| {
            let handles: Vec<_> = lines
                .chunks(per_worker)
                .enumerate()
                .map(|(k, chunk)| {
                    let start = first + (k * per_worker) as u64;
                    s.spawn(move || answer_chunk(chunk, start, lang))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("decide worker"))
                .collect()
        });
        for (bytes, e) in outputs {
            out.write_all(&bytes).context("writing the answers")?;
            errors += e;
        }
    }
    out.flush()?;
    Ok(errors)
}

/// Answers one chunk of lines; `first` is the 0-based number of its first line.
fn answer_chunk(lines: &[String], first: u64, lang: Lang) -> (Vec<u8>, u64) {
    let mut out = Vec::with_capacity(lines.len() * 256);
    let mut errors = 0;
    for (i, line) in lines.iter().enumerate() {
        let text = line.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            continue;
        }
        match parse_request(text) {
            Ok(request) => {
                serde_json::to_writer(&mut out, &decide(&request, lang))
                    .expect("a response serializes");
            }
            Err(e) => {
                errors += 1;
                let body = serde_json::json!({"line": first + i as u64 + 1, "error": from_request_error(&e).body().error});
                serde_json::to_writer(&mut out, &body).expect("an error serializes");
            }
        }
        out.push(b'\n');
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUEST: &str = r#"{"jurisdiction":"FR","at":"2026-11-24T10:30:00+01:00","channel":"email","purpose":"marketing","contact":{"audience":"consumer","events":[{"channel":"email","purpose":"marketing","action":"grant","at":"2026-01-10T08:00:00Z","method":"double_opt_in"}]}}"#;

    #[test]
    fn jsonl_answers_every_line_in_order_and_names_bad_fields() {
        let bad = REQUEST.replace(
            "\"email\",\"purpose\":\"marketing\",\"contact\"",
            "\"pigeon\",\"purpose\":\"marketing\",\"contact\"",
        );
        let mut input = String::new();
        for i in 0..10_000 {
            input.push_str(if i == 7_777 { &bad } else { REQUEST });
            input.push('\n');
        }
        let mut out = Vec::new();
        let errors = jsonl(input.as_bytes(), &mut out, Lang::En).unwrap();
        assert_eq!(errors, 1);
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 10_000);
        assert_eq!(lines[0]["code"], "CONSENT");
        assert_eq!(lines[9_999]["code"], "CONSENT");
        assert_eq!(lines[7_777]["line"], 7_778);
        assert_eq!(lines[7_777]["error"]["field"], "channel");
    }
}
