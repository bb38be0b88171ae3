//! Streaming line reading shared by the readers: gzip detection by magic bytes, `#` comments
//! and blank lines skipped, one reused buffer, and delimiter-aware field splitting.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::Range;
use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};

use flate2::bufread::MultiGzDecoder;

use crate::{Error, Result};

/// The two bytes every gzip member starts with (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Read buffer size: large enough that decompression and parsing stream efficiently.
const BUFFER_BYTES: usize = 1 << 18;

/// Opens a file for buffered reading, transparently decompressing gzip (detected by its
/// magic bytes, not by the file name). Returns the reader and whether it is gzip.
pub(crate) fn open(path: &Path) -> Result<(Box<dyn BufRead>, bool)> {
    let file = File::open(path).map_err(|source| io_error(path, source))?;
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, file);
    let head = reader.fill_buf().map_err(|source| io_error(path, source))?;
    if head.starts_with(&GZIP_MAGIC) {
        let decoder = MultiGzDecoder::new(reader);
        Ok((Box::new(BufReader::with_capacity(BUFFER_BYTES, ThreadedReader::spawn(decoder))), true))
    } else {
        Ok((Box::new(reader), false))
    }
}

/// Decompressed blocks in flight between the decoder thread and the parser.
const BLOCKS_IN_FLIGHT: usize = 4;
/// Size of one decompressed block.
const BLOCK_BYTES: usize = 1 << 20;

/// Runs a reader (the gzip decoder) on its own thread, so decompression overlaps parsing.
/// Blocks arrive in order; a read error is delivered where it happened; if the consumer stops
/// early, the thread ends at its next send.
struct ThreadedReader {
    rx: Receiver<io::Result<Vec<u8>>>,
    block: Vec<u8>,
    pos: usize,
}

impl ThreadedReader {
    fn spawn<R: Read + Send + 'static>(mut inner: R) -> Self {
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(BLOCKS_IN_FLIGHT);
        std::thread::spawn(move || {
            loop {
                let mut block = vec![0u8; BLOCK_BYTES];
                let mut filled = 0;
                let result = loop {
                    match inner.read(&mut block[filled..]) {
                        Ok(0) => break Ok(()),
                        Ok(n) => {
                            filled += n;
                            if filled == block.len() {
                                break Ok(());
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => break Err(e),
                    }
                };
                block.truncate(filled);
                let at_end = filled < BLOCK_BYTES;
                if filled > 0 && tx.send(Ok(block)).is_err() {
                    return;
                }
                if let Err(e) = result {
                    let _ = tx.send(Err(e));
                    return;
                }
                if at_end {
                    return;
                }
            }
        });
        Self { rx, block: Vec::new(), pos: 0 }
    }
}

impl Read for ThreadedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.block.len() {
            match self.rx.recv() {
                Ok(Ok(block)) => {
                    self.block = block;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.block.len() - self.pos);
        buf[..n].copy_from_slice(&self.block[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A line without the `\n`/`\r` bytes that end it.
pub(crate) fn without_line_end(mut line: &[u8]) -> &[u8] {
    while let [head @ .., b'\n' | b'\r'] = line {
        line = head;
    }
    line
}

/// Whether a line (without its line end) is no record: a `#` comment or blank.
pub(crate) fn is_skipped(line: &[u8]) -> bool {
    line.first() == Some(&b'#') || line.iter().all(u8::is_ascii_whitespace)
}

pub(crate) fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io { file: printable(&path.display().to_string()), cause: source }
}

/// Line-by-line reader over one file, skipping `#` comment lines and blank lines.
pub(crate) struct Lines<'a> {
    reader: Box<dyn BufRead + 'a>,
    gzip: bool,
    /// The file name used in error messages.
    pub(crate) file: String,
    /// The current record, without its line terminator.
    pub(crate) buf: Vec<u8>,
    /// 1-based number of the line in `buf`.
    pub(crate) line: u64,
    /// Whether a comment line `# Program:featureCounts` was seen.
    pub(crate) featurecounts_comment: bool,
}

impl<'a> Lines<'a> {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let (reader, gzip) = open(path)?;
        Ok(Self::with_reader(reader, gzip, printable(&path.display().to_string())))
    }

    /// Lines of already-decoded text (e.g. an embedded file); `file` names it in errors.
    pub(crate) fn from_reader(reader: impl Read + 'a, file: &str) -> Self {
        Self::with_reader(Box::new(BufReader::new(reader)), false, printable(file))
    }

    pub(crate) fn with_reader(reader: Box<dyn BufRead + 'a>, gzip: bool, file: String) -> Self {
        Self { reader, gzip, file, buf: Vec::with_capacity(1 << 12), line: 0, featurecounts_comment: false }
    }

    /// Reads the next non-comment, non-blank line into `buf`; `false` at end of file.
    pub(crate) fn next_record(&mut self) -> Result<bool> {
        loop {
            self.buf.clear();
            let n = match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(n) => n,
                Err(source) => return Err(self.read_error(source)),
            };
            if n == 0 {
                return Ok(false);
            }
            self.line += 1;
            let len = without_line_end(&self.buf).len();
            self.buf.truncate(len);
            if is_skipped(&self.buf) {
                if self.buf.starts_with(b"# Program:featureCounts") {
                    self.featurecounts_comment = true;
                }
                continue;
            }
            return Ok(true);
        }
    }

    /// The error for a failed read after line [`Lines::line`]: a corrupt or truncated gzip
    /// stream names the line it stopped in; a plain file's read error names the file.
    pub(crate) fn read_error(&self, source: io::Error) -> Error {
        if self.gzip {
            Error::Gzip { file: self.file.clone(), line: self.line + 1, cause: source }
        } else {
            Error::Io { file: self.file.clone(), cause: source }
        }
    }

    /// Appends up to `max` bytes of the rest of the file (decompressed) to `buf`, bypassing
    /// the record buffer; returns whether the end of the file was reached. After a read error
    /// `buf` holds the bytes read before it.
    pub(crate) fn read_bytes(&mut self, buf: &mut Vec<u8>, max: usize) -> io::Result<bool> {
        buf.reserve(max);
        let n = (&mut self.reader).take(max as u64).read_to_end(buf)?;
        Ok(n < max)
    }

    /// The current record as UTF-8 text.
    pub(crate) fn text(&self) -> Result<&str> {
        std::str::from_utf8(&self.buf).map_err(|_| Error::Utf8 { file: self.file.clone(), line: self.line })
    }

    /// Reads a delimited table's header: the first record, its delimiter ([`detect_delimiter`])
    /// and field names. An empty file, a binary file and a header separated by semicolons (a
    /// European-locale CSV) are errors naming the file and line. `buf` keeps the header line,
    /// so a caller can still ask for [`Lines::text`].
    pub(crate) fn header(&mut self) -> Result<Header> {
        if !self.next_record()? {
            return Err(Error::Empty { file: self.file.clone() });
        }
        if looks_binary(&self.buf) {
            return Err(Error::Binary { file: self.file.clone(), line: self.line });
        }
        let delim = detect_delimiter(&self.buf);
        let mut ranges = Vec::new();
        split_fields(&self.buf, delim, &mut ranges);
        let names: Vec<String> = ranges.iter().map(|r| field_str(&self.buf, r)).collect();
        if names.len() == 1 && names[0].contains(';') {
            return Err(Error::Semicolons {
                file: self.file.clone(),
                line: self.line,
                text: names[0].chars().take(60).collect(),
            });
        }
        Ok(Header { names, delim, line: self.line })
    }
}

/// The header record of a delimited table, as [`Lines::header`] read it.
pub(crate) struct Header {
    /// The header's fields, unquoted.
    pub(crate) names: Vec<String>,
    /// The delimiter every later record is split on.
    pub(crate) delim: u8,
    /// 1-based line number of the header.
    pub(crate) line: u64,
}

/// Chooses the delimiter from a header line: tab if it has one, else comma if it has one, else tab.
pub(crate) fn detect_delimiter(header: &[u8]) -> u8 {
    if header.contains(&b'\t') {
        b'\t'
    } else if header.contains(&b',') {
        b','
    } else {
        b'\t'
    }
}

/// Splits `line` at `delim` into byte ranges (reusing `out`). Fields wholly enclosed in double
/// quotes (as R's `write.csv` writes them) are returned without the quotes, and a delimiter
/// inside quotes does not split.
pub(crate) fn split_fields(line: &[u8], delim: u8, out: &mut Vec<Range<usize>>) {
    out.clear();
    if !line.contains(&b'"') {
        let mut start = 0;
        for (i, &b) in line.iter().enumerate() {
            if b == delim {
                out.push(start..i);
                start = i + 1;
            }
        }
        out.push(start..line.len());
        return;
    }
    let mut start = 0;
    let mut in_quotes = false;
    for (i, &b) in line.iter().enumerate() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == delim && !in_quotes {
            out.push(unquote(line, start..i));
            start = i + 1;
        }
    }
    out.push(unquote(line, start..line.len()));
}

fn unquote(line: &[u8], r: Range<usize>) -> Range<usize> {
    let f = &line[r.clone()];
    if f.len() >= 2 && f[0] == b'"' && f[f.len() - 1] == b'"' { r.start + 1..r.end - 1 } else { r }
}

/// A field as text for error messages and ids: lossy for invalid UTF-8, trimmed, and with
/// control characters escaped (see [`printable`]).
pub(crate) fn field_str(line: &[u8], r: &Range<usize>) -> String {
    printable(String::from_utf8_lossy(&line[r.clone()]).trim())
}

/// Whether a line is binary data rather than text: it holds a NUL byte, or it is not valid
/// UTF-8 and holds a control byte other than tab, CR and ESC. (A text table in Latin-1 is not
/// valid UTF-8 but has no control bytes; a name with an ESC sequence is text.)
pub(crate) fn looks_binary(line: &[u8]) -> bool {
    line.contains(&0)
        || (std::str::from_utf8(line).is_err()
            && line.iter().any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | 0x1b)))
}

/// Text safe to print on a terminal: control characters (ESC, NUL, CR, …) are written as Rust
/// escapes (`\u{1b}`, `\u{0}`, `\r`), so a binary file cannot drive the terminal through an error
/// message. Other text is returned unchanged.
///
/// ```
/// assert_eq!(degsea_io::printable("a\u{1b}[31mb\0"), "a\\u{1b}[31mb\\u{0}");
/// assert_eq!(degsea_io::printable("Gène"), "Gène");
/// ```
pub fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str, delim: u8) -> Vec<String> {
        let mut out = Vec::new();
        split_fields(line.as_bytes(), delim, &mut out);
        out.iter().map(|r| field_str(line.as_bytes(), r)).collect()
    }

    #[test]
    fn splits_tsv_and_quoted_csv() {
        assert_eq!(fields("g\t1\t\t2", b'\t'), ["g", "1", "", "2"]);
        assert_eq!(fields("\"g,1\",\"2\",3", b','), ["g,1", "2", "3"]);
        assert_eq!(fields("", b','), [""]);
    }

    #[test]
    fn binary_lines() {
        assert!(looks_binary(b"BAM\x01\0\0"));
        assert!(looks_binary(b"\xff\x02abc"));
        assert!(!looks_binary(b"gene\tG\xe8ne\tS1"), "Latin-1 text is text");
        assert!(!looks_binary(b"gene\tA\x1b[2J\tB"));
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter(b"a\tb,c"), b'\t');
        assert_eq!(detect_delimiter(b"a,b"), b',');
        assert_eq!(detect_delimiter(b"a"), b'\t');
    }
}
