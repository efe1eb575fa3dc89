//! Cells of the CSV files Vigie writes for people (access archives, audit exports, rejects
//! files): a spreadsheet opening them must show what a person typed, never run it.

use std::borrow::Cow;

/// A cell a spreadsheet shows as text: one starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return is read as a formula by Excel, LibreOffice and Google Sheets (CSV injection, OWASP),
/// so it gets a leading `'`, which they take as "text" and do not show. Any other cell is
/// returned as is, without a copy.
///
/// Machine columns whose values cannot start with those characters (timestamps, booleans,
/// vocabulary words, positive numbers, hex digests) pass through unchanged, so a writer may send
/// every cell of a row through this function. The screening decisions file (`row,decision,code`)
/// holds no text from people and is written as the reference screening writes it.
pub fn formula_safe(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A CSV file of one column (a header, then one value a line), each value formula-safe and
/// quoted where it holds a comma, a quote or a line break (RFC 4180): the lists of contact
/// references Vigie hands out (coverage, requalification).
pub fn one_column_csv<'a>(header: &'a str, values: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for cell in std::iter::once(header).chain(values) {
        let cell = formula_safe(cell);
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_column_csv_quotes_and_neutralizes() {
        assert_eq!(
            one_column_csv("contact_ref", ["C1", "=SUM(A1)", "a,\"b\""]),
            "contact_ref\r\nC1\r\n'=SUM(A1)\r\n\"a,\"\"b\"\"\"\r\n"
        );
    }

    #[test]
    fn formula_starts_are_neutralized_and_nothing_else_is_touched() {
        for (cell, shown) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+33612345678", "'+33612345678"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
        ] {
            assert_eq!(formula_safe(cell), shown);
        }
        for cell in [
            "",
            "Marie",
            "2026-11-24T10:30:00Z",
            "true",
            "42",
            "a=b",
            "'=x",
            "é=1",
        ] {
            assert!(
                matches!(formula_safe(cell), Cow::Borrowed(c) if c == cell),
                "{cell:?}"
            );
        }
    }
}
