//! The decisions with the list's identifiers joined back, for people: each line carries the
//! input row's e-mail, phone and reference columns next to its decision, code and reason, so a
//! marketer never matches `row` numbers by hand. Written while the upload still exists (it is
//! deleted when the job ends), kept as long as the decisions file, cells formula-safe. For an
//! e-mail campaign on a server that knows its public address, each allowed row also carries the
//! message's two RFC 8058 headers and the preference centre link (`RowLinks`).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter};
use std::path::Path;

use vigie_core::spreadsheet::formula_safe;
use vigie_core::{Code, DecisionContext, Email, Lang, Outcome, Purpose};
use vigie_screen::CampaignSpec;

use crate::person_links::{ONE_CLICK, PersonLinks, list_unsubscribe};

/// The links added to the allowed rows of an e-mail campaign's download: signed here, per row,
/// after screening (the screening itself is untouched): the address's blind index, then one
/// HMAC for each link.
pub struct RowLinks {
    links: PersonLinks,
    purpose: Purpose,
    campaign: Option<String>,
}

impl RowLinks {
    /// The links of `spec`'s allowed rows (its purpose, its name as the campaign).
    pub fn new(links: PersonLinks, spec: &CampaignSpec) -> Self {
        RowLinks {
            links,
            purpose: spec.purpose,
            campaign: spec.name.clone(),
        }
    }

    /// The three cells of a row: `List-Unsubscribe`, `List-Unsubscribe-Post` and the
    /// preference centre's URL; empty for an address that does not parse.
    fn cells(&self, email: &[u8]) -> [String; 3] {
        let Ok(email) = std::str::from_utf8(email).map(|e| Email::parse(e.trim())) else {
            return Default::default();
        };
        let Ok(email) = email else {
            return Default::default();
        };
        let person = self.links.person_of_email(&email);
        let Some(url) = self
            .links
            .unsubscribe(person, self.purpose, self.campaign.as_deref())
        else {
            return Default::default();
        };
        [
            list_unsubscribe(&url),
            ONE_CLICK.to_owned(),
            self.links.preferences(person),
        ]
    }
}

/// The columns `RowLinks` adds.
const LINK_COLUMNS: [&str; 3] = [
    "list_unsubscribe",
    "list_unsubscribe_post",
    "preferences_url",
];

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

/// The download of a screening for people, as the screening page gives it (identifiers, decision,
/// code, reason in `lang`, and `links` on allowed rows): `vigie screen --unsubscribe-links`
/// writes it too.
pub fn write_download(
    targets: &Path,
    decisions: &Path,
    out: &Path,
    spec: &CampaignSpec,
    lang: Lang,
    links: Option<&RowLinks>,
) -> io::Result<u64> {
    write_joined(targets, decisions, out, &reasons(spec, lang), links)
}

/// Writes `out` from the list `targets` and its decisions (`row,decision,code`, one line per
/// data row in input order; blank lines of the list are skipped by both readers), with `links`
/// on the allowed rows when given. Returns the rows written.
pub(crate) fn write_joined(
    targets: &Path,
    decisions: &Path,
    out: &Path,
    reasons: &HashMap<String, String>,
    links: Option<&RowLinks>,
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
    let email_column = columns
        .iter()
        .find(|(_, h)| h.trim().eq_ignore_ascii_case("email"))
        .map(|(i, _)| *i);
    let links = links.zip(email_column);
    let mut decided = csv::Reader::from_reader(BufReader::new(File::open(decisions)?));
    let mut writer = csv::Writer::from_writer(BufWriter::new(super::private_file_sync(out)?));
    let mut head: Vec<&str> = vec!["row"];
    head.extend(columns.iter().map(|(_, h)| h.as_str()));
    head.extend(["decision", "code", "reason"]);
    if links.is_some() {
        head.extend(LINK_COLUMNS);
    }
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
        if let Some((links, column)) = links {
            if decision.get(1) == Some("allow") {
                line.extend(links.cells(row.get(column).unwrap_or(b"")));
            } else {
                line.extend(std::iter::repeat_n(String::new(), LINK_COLUMNS.len()));
            }
        }
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
            write_joined(&targets, &decisions, &out, &reasons, None).unwrap(),
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
