//! What a spreadsheet saves as "CSV": the delimiter and the text encoding of a file, found
//! before it is read. French Excel writes `;` (the comma is the decimal separator) and, unless
//! "CSV UTF-8" is chosen, Windows-1252; both are accepted. UTF-16 ("Unicode text") is refused
//! with what to do instead.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

/// The delimiter of a header line: `;` when it holds more semicolons than commas (a French
/// Excel export), a tab when it holds only tabs, else `,`. Quoted text is not counted.
pub fn sniff_delimiter(header: &[u8]) -> u8 {
    let (mut commas, mut semicolons, mut tabs) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            b'\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if semicolons > commas {
        b';'
    } else if tabs > 0 && commas == 0 {
        b'\t'
    } else {
        b','
    }
}

/// The delimiter of a file, from its first line (or its first 64 KiB).
pub(crate) fn file_delimiter(path: &Path) -> io::Result<u8> {
    let mut head = Vec::with_capacity(4096);
    File::open(path)?.take(64 * 1024).read_to_end(&mut head)?;
    Ok(sniff_delimiter(&head))
}

/// How a file's text was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// Rewritten to UTF-8 in place.
    Windows1252,
}

/// Why a file is not text Vigie reads.
#[derive(Debug, thiserror::Error)]
pub enum EncodingError {
    #[error(
        "the file is UTF-16 (\"Unicode text\"): save it again as \"CSV UTF-8\" or \"CSV (separator: semicolon)\""
    )]
    Utf16,
    #[error(
        "byte {offset} is neither UTF-8 nor Windows-1252 text (0x{byte:02X}): is this a CSV file?"
    )]
    NotText { offset: u64, byte: u8 },
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Windows-1252's characters for 0x80–0x9F (`None`: no character); other bytes are Latin-1.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// Whether the file is UTF-8 throughout, read a block at a time.
fn is_utf8(path: &Path) -> io::Result<bool> {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path)?);
    let mut buf = vec![0u8; 1 << 16];
    // Bytes of a character cut by the block's end, carried to the next block.
    let mut carry = 0usize;
    loop {
        let n = reader.read(&mut buf[carry..])?;
        let end = carry + n;
        match std::str::from_utf8(&buf[..end]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() && n > 0 => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..end, 0);
                carry = end - valid;
            }
            Err(_) => return Ok(false),
        }
        if n == 0 {
            return Ok(carry == 0);
        }
    }
}

/// Makes `path` UTF-8 text: a UTF-8 file is left as it is (its byte order mark is read as
/// such by the import); a Windows-1252 file is rewritten in UTF-8, byte for character, so its
/// lines keep their numbers. UTF-16, and bytes Windows-1252 does not define, are refused.
pub fn ensure_utf8(path: &Path) -> Result<TextEncoding, EncodingError> {
    let mut head = [0u8; 2];
    let got = File::open(path)?.read(&mut head)?;
    if got == 2 && (head == [0xFF, 0xFE] || head == [0xFE, 0xFF]) {
        return Err(EncodingError::Utf16);
    }
    if is_utf8(path)? {
        return Ok(TextEncoding::Utf8);
    }
    let tmp = path.with_extension("utf8.part");
    let result = (|| {
        let mut reader = BufReader::with_capacity(1 << 16, File::open(path)?);
        let mut writer = BufWriter::with_capacity(1 << 16, File::create(&tmp)?);
        let mut buf = vec![0u8; 1 << 16];
        let mut offset = 0u64;
        let mut out = String::with_capacity(buf.len() * 2);
        loop {
            let n = reader.read(&mut buf)?;
            if n == 0 {
                break;
            }
            out.clear();
            for (i, &b) in buf[..n].iter().enumerate() {
                let c = match b {
                    0x80..=0x9F => {
                        CP1252_HIGH[usize::from(b - 0x80)].ok_or(EncodingError::NotText {
                            offset: offset + i as u64,
                            byte: b,
                        })?
                    }
                    _ => char::from(b),
                };
                out.push(c);
            }
            writer.write_all(out.as_bytes())?;
            offset += n as u64;
        }
        writer.flush()?;
        std::fs::rename(&tmp, path)?;
        Ok(TextEncoding::Windows1252)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_line_says_the_delimiter() {
        assert_eq!(
            sniff_delimiter(b"contact_ref;email;phone\nC1;a@b.fr;\"1,2\"\n"),
            b';'
        );
        assert_eq!(sniff_delimiter(b"contact_ref,email,phone\n"), b',');
        assert_eq!(sniff_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b"email\n"), b',');
    }

    #[test]
    fn windows_1252_is_rewritten_in_utf8_and_utf16_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, b"nom;ville\nH\xe9l\xe8ne;Ch\xe2teau \x80\n").unwrap();
        assert_eq!(ensure_utf8(&p).unwrap(), TextEncoding::Windows1252);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "nom;ville\nHélène;Château €\n"
        );
        // Already UTF-8 (with a byte order mark): untouched.
        let before = "\u{feff}nom;ville\nHélène;Paris\n";
        std::fs::write(&p, before).unwrap();
        assert_eq!(ensure_utf8(&p).unwrap(), TextEncoding::Utf8);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), before);
        std::fs::write(&p, b"\xff\xfen\x00").unwrap();
        assert!(matches!(ensure_utf8(&p), Err(EncodingError::Utf16)));
        std::fs::write(&p, b"a\x81b").unwrap();
        assert!(matches!(
            ensure_utf8(&p),
            Err(EncodingError::NotText {
                offset: 1,
                byte: 0x81
            })
        ));
    }

    #[test]
    fn a_character_cut_by_a_block_boundary_is_still_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        let mut text = "a".repeat((1 << 16) - 1);
        text.push('é');
        std::fs::write(&p, &text).unwrap();
        assert_eq!(ensure_utf8(&p).unwrap(), TextEncoding::Utf8);
    }
}

/// A reader that gives `\r\n` as `\n` (a lone `\r` stays): the csv crate numbers the records
/// of a CRLF file one line short after the header, and Excel writes CRLF. Lines keep their
/// numbers. Used only for files whose header line ends in CRLF.
pub(crate) struct CrlfToLf<R> {
    inner: R,
    block: Vec<u8>,
    pos: usize,
    len: usize,
}

impl<R: Read> CrlfToLf<R> {
    pub(crate) fn new(inner: R) -> CrlfToLf<R> {
        CrlfToLf {
            inner,
            block: vec![0; 1 << 16],
            pos: 0,
            len: 0,
        }
    }

    /// Reads more after the `keep` bytes from `pos` on (moved to the front); false at the end.
    fn refill(&mut self, keep: usize) -> io::Result<bool> {
        self.block.copy_within(self.pos..self.pos + keep, 0);
        self.pos = 0;
        self.len = keep;
        loop {
            match self.inner.read(&mut self.block[keep..]) {
                Ok(n) => {
                    self.len += n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.len && !self.refill(0)? {
            return Ok(0);
        }
        // A `\r` closing the block: read on to see whether a `\n` follows.
        if self.block[self.len - 1] == b'\r' && self.len - self.pos == 1 {
            self.refill(1)?;
        }
        let avail = &self.block[self.pos..self.len];
        // Up to the first CRLF (or the whole block), then skip its `\r`.
        let cut = memchr::memmem::find(avail, b"\r\n");
        let mut n = cut.unwrap_or(avail.len()).min(buf.len());
        // Never hand out a block-final `\r` before knowing what follows it.
        if cut.is_none() && n == avail.len() && n > 1 && avail[n - 1] == b'\r' {
            n -= 1;
        }
        buf[..n].copy_from_slice(&avail[..n]);
        self.pos += n;
        if cut == Some(n) {
            self.pos += 1; // the `\r` of a CRLF: its `\n` is given next
        }
        if n == 0 && cut == Some(0) {
            return self.read(buf);
        }
        Ok(n)
    }
}

/// Whether the first line of a file ends in CRLF.
pub(crate) fn file_is_crlf(path: &Path) -> io::Result<bool> {
    let mut head = Vec::with_capacity(4096);
    File::open(path)?.take(64 * 1024).read_to_end(&mut head)?;
    Ok(memchr::memchr(b'\n', &head).is_some_and(|i| i > 0 && head[i - 1] == b'\r'))
}

#[cfg(test)]
mod crlf_tests {
    use super::*;

    #[test]
    fn crlf_reads_as_lf_across_any_block_boundary() {
        let text = b"a,b\r\nc,\"x\ry\"\r\n\r\nd\r";
        for size in 1..8 {
            // A reader handing out `size` bytes at a time.
            struct Chunks<'a>(&'a [u8], usize);
            impl Read for Chunks<'_> {
                fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                    let n = self.1.min(self.0.len()).min(buf.len());
                    buf[..n].copy_from_slice(&self.0[..n]);
                    self.0 = &self.0[n..];
                    Ok(n)
                }
            }
            let mut out = Vec::new();
            CrlfToLf::new(Chunks(text, size))
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, b"a,b\nc,\"x\ry\"\n\nd\r", "blocks of {size}");
        }
    }
}
