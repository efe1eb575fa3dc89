//! The decisions with the list's identifiers joined back, for people: each line carries the
//! input row's e-mail, phone and reference columns next to its decision, code and reason, so a
//! marketer never matches `row` numbers by hand. Written while the upload still exists (it is
//! deleted when the job ends), kept as long as the decisions file, cells formula-safe.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter};
use std::path::Path;

use vigie_core::spreadsheet::formula_safe;
use vigie_core::{Code, DecisionContext, Lang, Outcome};
use vigie_screen::CampaignSpec;

/// Whether a column of the list is one a person finds the row by: its e-mail, its phone, a
/// reference or an id. Other columns (names, addresses…) are not copied.
fn carried(name: &str) -> bool {
    let n = name.trim().trim_start_matches('\u{feff}').to_lowercase();
    matches!(
        n.as_str(),
        "email"
            | "e-mail"
            | "mail"
            | "courriel"
            | "phone"
            | "telephone"
            | "téléphone"
            | "mobile"
            | "id"
    ) || n.contains("ref")
        || n.contains("réf")
}

/// The reason of each code for this campaign, in words (the sentence the core gives a decision
/// reached without reading a contact's own facts).
pub(crate) fn reasons(spec: &CampaignSpec, lang: Lang) -> HashMap<String, String> {
    let ctx = DecisionContext::new(
        spec.jurisdiction,
        spec.at,
        spec.channel,
        spec.purpose,
        &spec.campaign,
    );
    Code::ALL
        .iter()
        .map(|c| {
            let sentence = ctx.explain(Outcome::without_contact(*c), lang).sentence;
            (c.as_str().to_owned(), sentence)
        })
        .collect()
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

/// Writes `out` from the list `targets` and its decisions (`row,decision,code`, one line per
/// data row in input order; blank lines of the list are skipped by both readers). Returns the
/// rows written.
pub(crate) fn write_joined(
    targets: &Path,
    decisions: &Path,
    out: &Path,
    reasons: &HashMap<String, String>,
) -> io::Result<u64> {
    let mut input = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(BufReader::new(File::open(targets)?));
    let header = input.byte_headers().map_err(io::Error::other)?.clone();
    let columns: Vec<(usize, String)> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            (
                i,
                String::from_utf8_lossy(h)
                    .trim_start_matches('\u{feff}')
                    .to_owned(),
            )
        })
        .filter(|(_, h)| carried(h))
        .collect();
    let mut decided = csv::Reader::from_reader(BufReader::new(File::open(decisions)?));
    let mut writer = csv::Writer::from_writer(BufWriter::new(super::private_file_sync(out)?));
    let mut head: Vec<&str> = vec!["row"];
    head.extend(columns.iter().map(|(_, h)| h.as_str()));
    head.extend(["decision", "code", "reason"]);
    writer.write_record(head.iter().map(|h| formula_safe(h).into_owned()))?;
    let mut row = csv::ByteRecord::new();
    let mut decision = csv::StringRecord::new();
    let mut written = 0u64;
    while decided
        .read_record(&mut decision)
        .map_err(io::Error::other)?
    {
        if !input.read_byte_record(&mut row).map_err(io::Error::other)? {
            return Err(invalid("the list has fewer rows than its decisions"));
        }
        let code = decision.get(2).unwrap_or("");
        let mut line: Vec<String> = vec![decision.get(0).unwrap_or("").to_owned()];
        for (i, _) in &columns {
            let cell = String::from_utf8_lossy(row.get(*i).unwrap_or(b""));
            line.push(formula_safe(&cell).into_owned());
        }
        line.push(decision.get(1).unwrap_or("").to_owned());
        line.push(code.to_owned());
        line.push(formula_safe(reasons.get(code).map(String::as_str).unwrap_or("")).into_owned());
        writer.write_record(&line)?;
        written += 1;
    }
    writer.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_columns_are_carried_and_the_rest_is_not() {
        for c in [
            "email",
            "E-mail",
            "phone",
            "Téléphone",
            "contact_ref",
            "Référence",
            "id",
            "\u{feff}email",
        ] {
            assert!(carried(c), "{c}");
        }
        for c in ["first_name", "nom", "adresse", "city"] {
            assert!(!carried(c), "{c}");
        }
    }

    #[test]
    fn each_decision_gets_its_rows_identifiers_formula_safe() {
        let dir = tempfile::tempdir().unwrap();
        let targets = dir.path().join("t.csv");
        let decisions = dir.path().join("d.csv");
        let out = dir.path().join("o.csv");
        std::fs::write(
            &targets,
            "email,first_name,ref\na@example.org,Ann,R1\n\n=cmd@example.org,Bob,-R2\n",
        )
        .unwrap();
        std::fs::write(
            &decisions,
            "row,decision,code\n1,allow,CONSENT\n2,deny,NO_CONSENT\n",
        )
        .unwrap();
        let reasons = HashMap::from([("CONSENT".to_owned(), "=oui".to_owned())]);
        assert_eq!(
            write_joined(&targets, &decisions, &out, &reasons).unwrap(),
            2
        );
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            text,
            "row,email,ref,decision,code,reason\n\
             1,a@example.org,R1,allow,CONSENT,'=oui\n\
             2,'=cmd@example.org,'-R2,deny,NO_CONSENT,\n"
        );
    }
}
