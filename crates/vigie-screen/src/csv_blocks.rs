//! Reading a targets file by hand: blocks cut after their last complete record (quoting
//! respected), pieces of about [`PIECE`] bytes decided as one task, lines on `\n`, `\r` or
//! `\r\n` with blank ones skipped (as Python's `csv.DictReader` does, so that row numbers
//! match it), one field picked without splitting the others, and the header's column found.
//! A block with quotes is read by the `csv` crate instead.

use crate::campaign::Identifier;
use crate::screen::TargetsError;

/// Bytes of a block decided as one task.
pub(crate) const PIECE: usize = 64 << 10;

/// Splits complete records into pieces of about [`PIECE`] bytes, each ending after a line
/// terminator.
pub(crate) fn pieces(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(data.len() / PIECE + 1);
    let mut start = 0;
    while start < data.len() {
        let target = start + PIECE;
        let end = if target >= data.len() {
            data.len()
        } else {
            memchr::memchr2(b'\n', b'\r', &data[target..]).map_or(data.len(), |i| target + i + 1)
        };
        out.push(&data[start..end]);
        start = end;
    }
    out
}

/// The non-blank lines of a piece: terminated by `\n`, `\r` or `\r\n` (Python's universal
/// newlines), the last one possibly by the end of the data.
pub(crate) fn lines(piece: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    let mut ends = memchr::memchr2_iter(b'\n', b'\r', piece);
    std::iter::from_fn(move || {
        loop {
            let end = match ends.next() {
                Some(e) => e,
                None if start < piece.len() => piece.len(),
                None => return None,
            };
            let line = &piece[start..end];
            start = end + 1;
            if !line.is_empty() {
                return Some(line);
            }
        }
    })
}

/// Field `column` of an unquoted line; `None` when the line has fewer fields.
#[inline]
pub(crate) fn field(line: &[u8], column: usize) -> Option<&[u8]> {
    let mut rest = line;
    for _ in 0..column {
        let comma = memchr::memchr(b',', rest)?;
        rest = &rest[comma + 1..];
    }
    Some(match memchr::memchr(b',', rest) {
        Some(comma) => &rest[..comma],
        None => rest,
    })
}

/// The end (after its terminator) of the last complete record of `buf`, which starts at a
/// record boundary. Quotes are followed as Python's csv module reads them: a `"` opens a quoted
/// field only at the start of a field, `""` inside one is a quote, and line terminators inside
/// quotes belong to the field.
pub(crate) fn last_record_end(buf: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr2(b'\n', b'\r', buf).map(|i| i + 1);
    }
    record_ends(buf).last()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoting {
    FieldStart,
    InField,
    Quoted,
    QuoteInQuoted,
}

/// The end (after the terminator) of every record of `buf`, which starts at a record boundary.
fn record_ends(buf: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut state = Quoting::FieldStart;
    buf.iter().enumerate().filter_map(move |(i, b)| {
        let (next, end) = match (state, *b) {
            (Quoting::Quoted, b'"') => (Quoting::QuoteInQuoted, false),
            (Quoting::Quoted, _) => (Quoting::Quoted, false),
            (Quoting::QuoteInQuoted, b'"') => (Quoting::Quoted, false),
            (Quoting::FieldStart, b'"') => (Quoting::Quoted, false),
            (_, b'\n' | b'\r') => (Quoting::FieldStart, true),
            (_, b',') => (Quoting::FieldStart, false),
            _ => (Quoting::InField, false),
        };
        state = next;
        end.then_some(i + 1)
    })
}

/// Field `column` of every record of quoted CSV (complete records), read by the `csv` crate;
/// blank lines are skipped, `None` for a record with fewer fields.
///
/// A field holding a line break is refused with the line (from 1) its record starts on: Python's
/// csv module would read it, but in a list of people to reach it is a quote left open, which
/// reads the following rows into one field and leaves them unscreened (issue 18, defect 3).
pub(crate) fn quoted_fields(data: &[u8], column: usize) -> Result<Vec<Option<Vec<u8>>>, u64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut record = csv::ByteRecord::new();
    let mut out = Vec::new();
    // Reading from memory cannot fail; a malformed record reads as far as it goes.
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        if memchr::memchr2(b'\n', b'\r', record.as_slice()).is_some() {
            return Err(record.position().map_or(1, |p| p.line()));
        }
        out.push(record.get(column).map(<[u8]>::to_vec));
    }
    Ok(out)
}

/// The `\n` in `data`: lines as the csv crate counts them.
pub(crate) fn count_line_ends(data: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', data).count() as u64
}

/// Reads the header record at the start of `data`: the position of `identifier`'s column (the
/// last of that name, as a Python dict keeps the last) and where the data rows start. `None`
/// when `data` holds no complete record (or only blank lines); at the end of the input (`eof`)
/// the header needs no terminator.
pub(crate) fn header(
    data: &[u8],
    eof: bool,
    identifier: Identifier,
    channel: &str,
) -> Result<Option<(usize, usize)>, TargetsError> {
    // Blank lines before the header are skipped.
    let skip = data
        .iter()
        .take_while(|b| **b == b'\n' || **b == b'\r')
        .count();
    let end = match record_ends(&data[skip..]).next() {
        Some(e) => e + skip,
        None if eof && skip < data.len() => data.len(),
        None => return Ok(None),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&data[skip..end]);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => return Ok(None),
        Err(e) => return Err(TargetsError::Header(e.to_string())),
    }
    let names: Vec<String> = record
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let n = String::from_utf8_lossy(n);
            let n = if i == 0 {
                n.trim_start_matches('\u{feff}')
            } else {
                &n
            };
            n.trim().to_owned()
        })
        .collect();
    match names.iter().rposition(|n| n == identifier.column()) {
        Some(col) => Ok(Some((col, end))),
        None => Err(TargetsError::MissingColumn {
            column: identifier.column(),
            header: names.join(","),
            channel: channel.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_skip_blank_ones_and_read_every_terminator() {
        let got: Vec<&[u8]> = lines(b"a,1\n\nb,2\r\nc,3\rd,4").collect();
        assert_eq!(got, [&b"a,1"[..], b"b,2", b"c,3", b"d,4"]);
        assert_eq!(field(b"a,b,c", 1), Some(&b"b"[..]));
        assert_eq!(field(b"a,b,c", 2), Some(&b"c"[..]));
        assert_eq!(field(b"a", 1), None);
        assert_eq!(field(b"", 0), Some(&b""[..]));
    }

    #[test]
    fn record_ends_follow_quotes() {
        let data = b"a,\"x\ny\",b\n\"q\"\"\n\",c\nd";
        let ends: Vec<usize> = record_ends(data).collect();
        assert_eq!(ends, [10, 19]);
        assert_eq!(last_record_end(data), Some(19));
        assert_eq!(last_record_end(b"a\nb\nc"), Some(4));
        // A quote inside an unquoted field is a plain character.
        assert_eq!(last_record_end(b"ab\"c\nd"), Some(5));
    }

    #[test]
    fn quoted_fields_skip_blank_lines_like_python() {
        let got = quoted_fields(b"\"a,b\",1\n\n\"\",2\nx\n", 0).unwrap();
        assert_eq!(
            got,
            [Some(b"a,b".to_vec()), Some(Vec::new()), Some(b"x".to_vec())]
        );
        assert_eq!(quoted_fields(b"\"a\"\n", 1).unwrap(), [None]);
    }

    #[test]
    fn a_quote_left_open_names_the_line_it_opened_on() {
        // Line 3 opens a quote that line 4 closes: Python would read one record "b\nc".
        assert_eq!(
            quoted_fields(b"a,1\n\"x\",2\n\"b,3\nc\",4\nd,5\n", 0),
            Err(3)
        );
        assert_eq!(quoted_fields(b"\"a\r\nb\"\n", 0), Err(1));
    }

    #[test]
    fn pieces_end_on_line_ends() {
        let data: Vec<u8> = (0..50_000)
            .flat_map(|i| format!("a{i}@b.fr,x\n").into_bytes())
            .collect();
        let ps = pieces(&data);
        assert!(ps.len() > 1);
        assert_eq!(ps.iter().map(|p| p.len()).sum::<usize>(), data.len());
        assert!(ps.iter().all(|p| p.ends_with(b"\n")));
    }

    #[test]
    fn the_header_names_the_column() {
        assert_eq!(
            header(b"email,phone\nx,y\n", false, Identifier::Phone, "sms").unwrap(),
            Some((1, 12))
        );
        assert_eq!(
            header(
                b"\xef\xbb\xbfemail ,phone\n",
                false,
                Identifier::Email,
                "email"
            )
            .unwrap(),
            Some((0, 16))
        );
        assert_eq!(
            header(
                b"\n\nphone,email,email\n",
                false,
                Identifier::Email,
                "email"
            )
            .unwrap(),
            Some((2, 20))
        );
        assert_eq!(
            header(b"email", false, Identifier::Email, "email").unwrap(),
            None
        );
        assert_eq!(
            header(b"email", true, Identifier::Email, "email").unwrap(),
            Some((0, 5))
        );
        assert_eq!(
            header(b"\n", true, Identifier::Email, "email").unwrap(),
            None
        );
        let e = header(b"mail,phone\n", false, Identifier::Email, "email")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no \"email\" column") && e.contains("mail,phone"),
            "{e}"
        );
    }
}
