//! Parallel parsing of a delimited table's data rows (everything after its header): the text is
//! read in blocks cut at line ends; each block is cut into chunks that are parsed on the rayon
//! pool while the next block is read, and the chunks' results are handed back in file order.
//!
//! A chunk yields its records exactly as [`Lines::next_record`] does (lines end at `\n`,
//! trailing `\n`/`\r` bytes are stripped, `#` comment lines and blank lines are skipped, a last
//! line without a line end counts, lines are numbered from 1 over the whole file), so a reader
//! whose chunk parser stops at its first error and whose merge stops at the first failed chunk
//! returns the same table and the same error (the earliest in the file) as reading line by line,
//! at any thread count. A read error (a truncated gzip stream) is reported after the complete
//! lines before it, with the line number [`Lines::read_error`] gives.

use std::io;
use std::ops::Range;

use rayon::prelude::*;

use crate::Result;
use crate::lines::{Lines, is_skipped, without_line_end};

/// Chunks per pool thread in a block, so uneven chunks still keep every thread busy.
const CHUNKS_PER_THREAD: usize = 4;

/// How text is cut: block and chunk sizes.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// Bytes read per block (at least; a block always ends at a line end).
    block: usize,
    /// The smallest chunk worth a task of its own.
    min_chunk: usize,
}

/// The sizes of [`parse_rows`]: blocks large enough that the per-block costs (waking the pool,
/// the chunk that finishes last) are small, small enough that the text in memory stays small
/// next to the parsed matrix.
const SIZES: Sizes = Sizes { block: 2 << 20, min_chunk: 64 << 10 };

/// The records of a piece of text, numbered and skipped as [`Lines::next_record`] does; yields
/// `(line number, record without its line end)`.
#[derive(Debug, Clone)]
pub(crate) struct Records<'a> {
    rest: &'a [u8],
    line: u64,
    /// Lines in `rest`.
    n_lines: u64,
}

impl<'a> Records<'a> {
    /// The records of `text`, whose first line is line `before + 1` of the file.
    pub(crate) fn new(text: &'a [u8], before: u64) -> Self {
        Self { rest: text, line: before, n_lines: count_lines(text) }
    }

    /// The number of lines left, an upper bound of the records left (to size buffers).
    pub(crate) fn max_records(&self) -> usize {
        usize::try_from(self.n_lines).unwrap_or(usize::MAX)
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = (u64, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        while !self.rest.is_empty() {
            let end = memchr::memchr(b'\n', self.rest).map_or(self.rest.len(), |i| i + 1);
            let record = without_line_end(&self.rest[..end]);
            self.rest = &self.rest[end..];
            self.line += 1;
            self.n_lines -= 1;
            if is_skipped(record) {
                continue;
            }
            return Some((self.line, record));
        }
        None
    }
}

/// Parses the remaining records of `lines` in parallel chunks: `parse` turns the records of
/// one chunk into a result (it should stop at its first error and carry it), `merge` receives
/// the results in file order and may stop the reading with an error. `lines.line` ends at the
/// last line read.
///
/// # Errors
/// The first error of `merge`; else a read error of the file ([`Lines::read_error`]), after
/// every record before it was parsed and merged.
pub(crate) fn parse_rows<T, P, M>(lines: &mut Lines<'_>, parse: P, merge: M) -> Result<()>
where
    T: Send,
    P: Fn(Records<'_>) -> T + Sync,
    M: FnMut(T) -> Result<()>,
{
    parse_rows_sized(lines, SIZES, parse, merge)
}

/// [`parse_rows`] with the given sizes.
fn parse_rows_sized<T, P, M>(lines: &mut Lines<'_>, sizes: Sizes, parse: P, mut merge: M) -> Result<()>
where
    T: Send,
    P: Fn(Records<'_>) -> T + Sync,
    M: FnMut(T) -> Result<()>,
{
    let overlap = rayon::current_num_threads() > 1;
    let mut carry = Vec::new();
    let mut spare = Vec::new();
    // The parsed chunks of the previous block, merged while this block is parsed.
    let mut pending: Vec<T> = Vec::new();
    let mut block = read_block(lines, sizes.block, &mut carry, Vec::new());
    loop {
        let Block { text, end } = block;
        let before = lines.line;
        let mut parsed = None;
        let mut following = None;
        let mut merged = Ok(());
        if overlap {
            // This block is parsed on the pool while this thread merges the previous one and
            // reads the next one.
            rayon::in_place_scope(|s| {
                s.spawn(|_| parsed = Some(parse_block(&text, before, sizes.min_chunk, &parse)));
                merged = pending.drain(..).try_for_each(&mut merge);
                if merged.is_ok() && matches!(end, End::More) {
                    following = Some(read_block(lines, sizes.block, &mut carry, std::mem::take(&mut spare)));
                }
            });
        } else {
            merged = pending.drain(..).try_for_each(&mut merge);
            if merged.is_ok() {
                parsed = Some(parse_block(&text, before, sizes.min_chunk, &parse));
            }
        }
        merged?;
        let (results, n_lines) = parsed.expect("the block was parsed");
        pending = results;
        lines.line = before + n_lines;
        match end {
            End::More => {
                block = match following {
                    Some(next) => next,
                    None => read_block(lines, sizes.block, &mut carry, std::mem::take(&mut spare)),
                };
                spare = text;
            }
            End::Eof => return pending.into_iter().try_for_each(merge),
            End::Failed(source) => {
                pending.into_iter().try_for_each(merge)?;
                return Err(lines.read_error(source));
            }
        }
    }
}

/// Whole lines of text read from a file, and what follows them.
struct Block {
    text: Vec<u8>,
    end: End,
}

/// What follows a [`Block`].
enum End {
    /// More text: the block ends with a line end, the partial line after it is carried over.
    More,
    /// The end of the file (the block may end with a line without a line end).
    Eof,
    /// A read error after the block's last complete line (the partial line is dropped, as
    /// line-by-line reading never parses it).
    Failed(io::Error),
}

/// Reads the next block: the carried partial line, then at least `size` more bytes (or to the
/// end of the file, or up to a read error), cut after its last line end; the partial line after
/// the cut is left in `carry`. `buf` is reused for the text.
fn read_block(lines: &mut Lines<'_>, size: usize, carry: &mut Vec<u8>, mut buf: Vec<u8>) -> Block {
    buf.clear();
    buf.append(carry);
    loop {
        let start = buf.len();
        match lines.read_bytes(&mut buf, size) {
            Ok(true) => return Block { text: buf, end: End::Eof },
            Ok(false) => {
                // The carried text has no line end, so the last one is in what was just read.
                if let Some(i) = memchr::memrchr(b'\n', &buf[start..]) {
                    carry.extend_from_slice(&buf[start + i + 1..]);
                    buf.truncate(start + i + 1);
                    return Block { text: buf, end: End::More };
                }
            }
            Err(source) => {
                let whole = memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1);
                buf.truncate(whole);
                return Block { text: buf, end: End::Failed(source) };
            }
        }
    }
}

/// Parses the chunks of one block (in parallel when the pool has several threads); returns
/// their results in order and the number of lines in the block.
fn parse_block<T, P>(text: &[u8], before: u64, min_chunk: usize, parse: &P) -> (Vec<T>, u64)
where
    T: Send,
    P: Fn(Records<'_>) -> T + Sync,
{
    let chunks = chunk_ranges(text, rayon::current_num_threads(), min_chunk);
    if chunks.len() == 1 {
        let records = Records::new(text, before);
        let n_lines = records.n_lines;
        return (vec![parse(records)], n_lines);
    }
    // Line numbers: each chunk starts after the lines of the chunks before it.
    let mut chunk_records: Vec<Records<'_>> =
        chunks.par_iter().map(|r| Records::new(&text[r.clone()], 0)).collect();
    let mut line = before;
    for records in &mut chunk_records {
        records.line = line;
        line += records.n_lines;
    }
    (chunk_records.into_par_iter().map(parse).collect(), line - before)
}

/// Cuts `text` after line ends into about `threads` × [`CHUNKS_PER_THREAD`] chunks of at least
/// `min_chunk` bytes (one chunk for one thread or a short text).
fn chunk_ranges(text: &[u8], threads: usize, min_chunk: usize) -> Vec<Range<usize>> {
    let n =
        if threads > 1 { (text.len() / min_chunk.max(1)).clamp(1, threads * CHUNKS_PER_THREAD) } else { 1 };
    let mut ranges = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let target = (text.len() * k / n).max(start);
        let Some(i) = memchr::memchr(b'\n', &text[target..]) else { break };
        let end = target + i + 1;
        if end < text.len() {
            ranges.push(start..end);
            start = end;
        }
    }
    ranges.push(start..text.len());
    ranges
}

/// Number of lines in `text`: its line ends, plus a last line without one.
fn count_lines(text: &[u8]) -> u64 {
    let ends = memchr::memchr_iter(b'\n', text).count() as u64;
    ends + u64::from(text.last().is_some_and(|&b| b != b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records of `text` read line by line with [`Lines::next_record`].
    fn sequential(text: &[u8]) -> Vec<(u64, Vec<u8>)> {
        let mut lines = Lines::from_reader(text, "t");
        let mut out = Vec::new();
        while lines.next_record().unwrap() {
            out.push((lines.line, lines.buf.clone()));
        }
        out
    }

    #[test]
    fn records_match_next_record() {
        let texts: [&[u8]; 6] =
            [b"a\tb\r\n\r\n# c\n  \t\nd\n\n", b"x\ny", b"x\r\r\n#\n\ny\r", b"", b"\n\n\n", b"q\rr\ns\n"];
        for text in texts {
            let got: Vec<(u64, Vec<u8>)> = Records::new(text, 0).map(|(l, r)| (l, r.to_vec())).collect();
            assert_eq!(got, sequential(text), "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn chunks_cut_after_line_ends_and_cover_the_text() {
        let mut text = Vec::new();
        for i in 0..40_000 {
            text.extend_from_slice(format!("gene{i}\t{i}\r\n").as_bytes());
            if i % 7 == 0 {
                text.extend_from_slice(b"# note\n\n");
            }
        }
        text.extend_from_slice(b"last\t1");
        for threads in [1, 2, 3, 8] {
            let chunks = chunk_ranges(&text, threads, SIZES.min_chunk);
            assert_eq!(chunks.first().unwrap().start, 0);
            assert_eq!(chunks.last().unwrap().end, text.len());
            for w in chunks.windows(2) {
                assert_eq!(w[0].end, w[1].start);
                assert_eq!(text[w[0].end - 1], b'\n');
            }
            assert_eq!(chunks.len() > 1, threads > 1, "{threads}");
            let mut before = 0;
            let mut got = Vec::new();
            for r in &chunks {
                got.extend(Records::new(&text[r.clone()], before).map(|(l, r)| (l, r.to_vec())));
                before += count_lines(&text[r.clone()]);
            }
            assert_eq!(got, sequential(&text));
            assert_eq!(before, sequential(&text).last().unwrap().0);
        }
    }

    /// Gives `text` in pieces of `piece` bytes, then fails (like a truncated gzip stream) when
    /// `fail` is set.
    struct Pieces {
        text: Vec<u8>,
        pos: usize,
        piece: usize,
        fail: bool,
    }

    impl io::Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.pos == self.text.len() {
                return if self.fail { Err(io::Error::other("stream ends early")) } else { Ok(0) };
            }
            let n = buf.len().min(self.piece).min(self.text.len() - self.pos);
            buf[..n].copy_from_slice(&self.text[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    fn open(text: &[u8], fail: bool) -> Lines<'static> {
        let reader = Pieces { text: text.to_vec(), pos: 0, piece: 5, fail };
        Lines::with_reader(Box::new(io::BufReader::with_capacity(7, reader)), true, "t.gz".into())
    }

    fn is_bad(record: &[u8]) -> bool {
        record.windows(3).any(|w| w == b"BAD")
    }

    fn bad(line: u64) -> crate::Error {
        crate::Error::Format { file: "t.gz".into(), line, reason: "bad".into() }
    }

    /// Records up to the first bad one or read error, line by line.
    fn line_by_line(text: &[u8], fail: bool) -> (Vec<(u64, Vec<u8>)>, Option<String>) {
        let mut lines = open(text, fail);
        let mut out = Vec::new();
        loop {
            match lines.next_record() {
                Ok(true) if is_bad(&lines.buf) => return (out, Some(bad(lines.line).to_string())),
                Ok(true) => out.push((lines.line, lines.buf.clone())),
                Ok(false) => return (out, None),
                Err(e) => return (out, Some(e.to_string())),
            }
        }
    }

    /// The same through [`parse_rows_sized`].
    fn chunked(text: &[u8], fail: bool, sizes: Sizes) -> (Vec<(u64, Vec<u8>)>, Option<String>) {
        let mut lines = open(text, fail);
        let mut out = Vec::new();
        let parse = |records: Records<'_>| {
            let mut rows = Vec::new();
            for (line, record) in records {
                if is_bad(record) {
                    return (rows, Some(bad(line)));
                }
                rows.push((line, record.to_vec()));
            }
            (rows, None)
        };
        let result = parse_rows_sized(&mut lines, sizes, parse, |(rows, error)| {
            out.extend(rows);
            error.map_or(Ok(()), Err)
        });
        (out, result.err().map(|e| e.to_string()))
    }

    #[test]
    fn blocks_and_chunks_anywhere_give_the_records_and_first_error_of_line_by_line() {
        let texts: [&[u8]; 8] = [
            b"g1\t1\r\ng2\t2\r\n# c\r\n\r\ng3\t3",
            b"g1\t1\n\n\n#\ng2\t2\n",
            b"a\nBAD1\nb\nBAD2\nc\n",
            b"a\nb\nc\nd\ne\nf\ng\nBAD late\nh",
            b"x\r\r\n \t\ny\rz\nlast no newline",
            b"\n\n",
            b"",
            b"long line without any line end at all, longer than a block",
        ];
        // What line-by-line reading gives (the reference below): the first bad line, or the
        // read error on the line after the last complete one (a partial last line is dropped).
        assert_eq!(line_by_line(texts[2], true).1.unwrap(), bad(2).to_string());
        let (rows, error) = line_by_line(texts[0], true);
        assert_eq!((rows.len(), rows[1].0), (2, 2));
        assert!(error.unwrap().starts_with("t.gz:5: "));
        let pools: Vec<rayon::ThreadPool> =
            [1, 3].iter().map(|&n| rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap()).collect();
        for text in texts {
            for fail in [false, true] {
                let want = line_by_line(text, fail);
                for block in [1, 2, 3, 5, 8, 13, 64] {
                    for min_chunk in [1, 3, 16] {
                        for pool in &pools {
                            let got = pool.install(|| chunked(text, fail, Sizes { block, min_chunk }));
                            assert_eq!(
                                got,
                                want,
                                "{:?} fail {fail} block {block} chunk {min_chunk} threads {}",
                                String::from_utf8_lossy(text),
                                pool.current_num_threads()
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn short_texts_are_one_chunk() {
        assert_eq!(chunk_ranges(b"", 4, 1), vec![(0..0)]);
        assert_eq!(chunk_ranges(b"a\nb", 4, 1 << 10), vec![(0..3)]);
        assert_eq!(chunk_ranges(b"a\nb", 4, 1), [0..2, 2..3]);
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a\nb"), 2);
        assert_eq!(count_lines(b"a\n\n"), 2);
    }
}
