//! Alignment input: BAM (noodles BGZF, optionally multithreaded) and SAM, decoded into a
//! reusable [`Rec`] holding just what counting needs.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::num::NonZero;
use std::path::{Path, PathBuf};

use noodles::bam;
use noodles::bgzf;

use crate::Error;

/// The 28-byte empty BGZF block that ends every complete BAM file (SAM/BAM spec §4.1.2).
const BGZF_EOF: [u8; 28] = [
    0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00, 0x1b,
    0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];
/// BAM CIGAR operation codes (`MIDNSHP=X`).
const CIGAR_OPS: &[u8; 9] = b"MIDNSHP=X";

/// One alignment record, decoded into reusable buffers.
#[derive(Debug, Default, Clone)]
pub struct Rec {
    /// Read name (QNAME) without the trailing NUL.
    pub name: Vec<u8>,
    /// SAM FLAG.
    pub flag: u16,
    /// Reference index (`-1` when unset).
    pub ref_id: i32,
    /// 0-based leftmost position (`-1` when unset).
    pub pos: i32,
    /// Mapping quality (255 = unavailable).
    pub mapq: u8,
    /// Mate reference index (`-1` when unset).
    pub next_ref_id: i32,
    /// Mate 0-based position (`-1` when unset).
    pub next_pos: i32,
    /// CIGAR as (op code index into `MIDNSHP=X`, length).
    pub cigar: Vec<(u8, u32)>,
    /// NH tag (number of reported alignments), if present as an integer.
    pub nh: Option<i64>,
    /// HI tag (hit index), if present as an integer.
    pub hi: Option<i64>,
}

/// A source of alignment records.
enum AlignmentReader {
    /// A BAM file.
    Bam(Box<dyn Read + Send>, PathBuf, Vec<u8>),
    /// A SAM file.
    Sam(Box<dyn BufRead + Send>, PathBuf, usize, String),
}

/// An opened alignment file: its reference names and a record reader.
pub struct AlignmentFile {
    /// Reference sequence names, indexed by [`Rec::ref_id`]; grows while reading SAM files
    /// without `@SQ` lines.
    pub references: Vec<String>,
    reader: AlignmentReader,
    sam_refs: std::collections::HashMap<String, i32>,
}

fn bam_err(path: &Path, message: impl Into<String>) -> Error {
    Error::Bam { path: path.to_path_buf(), message: message.into() }
}

fn map_bam_io(path: &Path, e: &io::Error) -> Error {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        bam_err(path, "the file is truncated (unexpected end of data)")
    } else {
        bam_err(path, format!("corrupt data: {e}"))
    }
}

impl AlignmentFile {
    /// Opens a BAM or SAM file (detected from content). `threads` > 1 decodes BGZF blocks on
    /// that many worker threads.
    pub fn open(path: &Path, threads: usize) -> Result<Self, Error> {
        let io_err = |source| Error::Io { path: path.to_path_buf(), source };
        let mut file = File::open(path).map_err(io_err)?;
        let mut magic = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            let n = file.read(&mut magic[got..]).map_err(io_err)?;
            if n == 0 {
                break;
            }
            got += n;
        }
        if got >= 2 && magic[..2] == [0x1f, 0x8b] {
            let len = file.seek(SeekFrom::End(0)).map_err(io_err)?;
            if len < BGZF_EOF.len() as u64 {
                return Err(bam_err(path, "the file is truncated (shorter than one BGZF block)"));
            }
            let mut tail = [0u8; 28];
            file.seek(SeekFrom::End(-(BGZF_EOF.len() as i64))).map_err(io_err)?;
            file.read_exact(&mut tail).map_err(io_err)?;
            if tail != BGZF_EOF {
                return Err(bam_err(path, "the file is truncated (no BGZF end-of-file marker)"));
            }
            file.seek(SeekFrom::Start(0)).map_err(io_err)?;
            Self::open_bam(file, path, threads)
        } else {
            file.seek(SeekFrom::Start(0)).map_err(io_err)?;
            Self::open_sam(file, path)
        }
    }

    fn open_bam(file: File, path: &Path, threads: usize) -> Result<Self, Error> {
        let inner: Box<dyn Read + Send> = match NonZero::new(threads).filter(|n| n.get() > 1) {
            Some(n) => Box::new(bgzf::io::MultithreadedReader::with_worker_count(n, file)),
            None => Box::new(bgzf::io::Reader::new(file)),
        };
        let mut reader = bam::io::Reader::from(inner);
        let header = reader.read_header().map_err(|e| {
            if e.kind() == io::ErrorKind::InvalidData && e.to_string().contains("magic") {
                bam_err(path, "not a BAM file (bad magic number)")
            } else {
                map_bam_io(path, &e)
            }
        })?;
        let references = header
            .reference_sequences()
            .keys()
            .map(|k| String::from_utf8_lossy(k.as_ref()).into_owned())
            .collect();
        let inner = reader.into_inner();
        Ok(Self {
            references,
            reader: AlignmentReader::Bam(inner, path.to_path_buf(), Vec::with_capacity(1024)),
            sam_refs: std::collections::HashMap::new(),
        })
    }

    fn open_sam(file: File, path: &Path) -> Result<Self, Error> {
        let mut reader: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(1 << 16, file));
        let mut references = Vec::new();
        let mut sam_refs = std::collections::HashMap::new();
        let mut lineno = 0;
        let mut pending = String::new();
        loop {
            let mut line = String::new();
            let n = reader.read_line(&mut line).map_err(|e| {
                if e.kind() == io::ErrorKind::InvalidData {
                    Error::Sam {
                        path: path.to_path_buf(),
                        line: lineno + 1,
                        message: "neither BAM nor SAM (binary data that is not BGZF-compressed)".into(),
                    }
                } else {
                    Error::Io { path: path.to_path_buf(), source: e }
                }
            })?;
            if n == 0 {
                break;
            }
            lineno += 1;
            if let Some(rest) = line.strip_prefix("@SQ") {
                if let Some(name) = rest.trim_end().split('\t').find_map(|f| f.strip_prefix("SN:")) {
                    sam_refs.insert(name.to_string(), i32::try_from(references.len()).unwrap_or(i32::MAX));
                    references.push(name.to_string());
                }
            } else if !line.starts_with('@') {
                pending = line;
                break;
            }
        }
        Ok(Self {
            references,
            reader: AlignmentReader::Sam(reader, path.to_path_buf(), lineno, pending),
            sam_refs,
        })
    }

    /// Reads the next record into `rec`; `Ok(false)` at end of file.
    pub fn next_record(&mut self, rec: &mut Rec) -> Result<bool, Error> {
        match &mut self.reader {
            AlignmentReader::Bam(r, path, buf) => {
                let mut size = [0u8; 4];
                // Distinguish a clean end (0 bytes) from a truncated size field.
                let mut got = 0;
                while got < 4 {
                    match r.read(&mut size[got..]) {
                        Ok(0) => break,
                        Ok(n) => got += n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(map_bam_io(path, &e)),
                    }
                }
                if got == 0 {
                    return Ok(false);
                }
                if got < 4 {
                    return Err(map_bam_io(path, &io::ErrorKind::UnexpectedEof.into()));
                }
                let n = u32::from_le_bytes(size) as usize;
                buf.resize(n, 0);
                r.read_exact(buf).map_err(|e| map_bam_io(path, &e))?;
                parse_bam_record(buf, rec).map_err(|m| bam_err(path, m))?;
                Ok(true)
            }
            AlignmentReader::Sam(r, path, lineno, pending) => loop {
                if pending.is_empty() {
                    let n = r.read_line(pending).map_err(|e| Error::Sam {
                        path: path.clone(),
                        line: *lineno + 1,
                        message: format!("unreadable line: {e}"),
                    })?;
                    if n == 0 {
                        return Ok(false);
                    }
                    *lineno += 1;
                }
                let line = std::mem::take(pending);
                let text = line.trim_end_matches(['\n', '\r']);
                if text.is_empty() || text.starts_with('@') {
                    continue;
                }
                parse_sam_line(text, rec, &mut self.references, &mut self.sam_refs)
                    .map_err(|message| Error::Sam { path: path.clone(), line: *lineno, message })?;
                *pending = line;
                pending.clear();
                return Ok(true);
            },
        }
    }
}

fn le_i32(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Decodes one BAM record (without its `block_size` prefix; SAM/BAM spec §4.2).
fn parse_bam_record(b: &[u8], rec: &mut Rec) -> Result<(), String> {
    if b.len() < 32 {
        return Err(format!("record of {} bytes is shorter than the 32-byte fixed part", b.len()));
    }
    rec.ref_id = le_i32(b, 0);
    rec.pos = le_i32(b, 4);
    let l_read_name = b[8] as usize;
    rec.mapq = b[9];
    let n_cigar = u16::from_le_bytes([b[12], b[13]]) as usize;
    rec.flag = u16::from_le_bytes([b[14], b[15]]);
    let l_seq = le_i32(b, 16).max(0) as usize;
    rec.next_ref_id = le_i32(b, 20);
    rec.next_pos = le_i32(b, 24);
    let name_end = 32 + l_read_name;
    let cigar_end = name_end + 4 * n_cigar;
    let tags_start = cigar_end + l_seq.div_ceil(2) + l_seq;
    if tags_start > b.len() {
        return Err("record fields run past the end of the record".into());
    }
    rec.name.clear();
    rec.name.extend_from_slice(&b[32..name_end.saturating_sub(1).max(32)]);
    rec.cigar.clear();
    for op in b[name_end..cigar_end].chunks_exact(4) {
        let v = u32::from_le_bytes([op[0], op[1], op[2], op[3]]);
        rec.cigar.push(((v & 0xf) as u8, v >> 4));
    }
    let (nh, hi) = scan_bam_tags(&b[tags_start..]);
    rec.nh = nh;
    rec.hi = hi;
    Ok(())
}

/// Integer values of the NH and HI tags in a BAM tag block (other types are ignored, as
/// subread's `SAM_pairer_iterate_int_tags` does).
fn scan_bam_tags(mut t: &[u8]) -> (Option<i64>, Option<i64>) {
    let (mut nh, mut hi) = (None, None);
    while t.len() >= 3 {
        let tag = [t[0], t[1]];
        let ty = t[2];
        t = &t[3..];
        let fixed = |n: usize| -> Option<usize> { (t.len() >= n).then_some(n) };
        let (value, skip): (Option<i64>, Option<usize>) = match ty {
            b'A' | b'c' | b'C' => {
                let v = t.first().map(|&x| if ty == b'c' { i64::from(x as i8) } else { i64::from(x) });
                (if ty == b'A' { None } else { v }, fixed(1))
            }
            b's' | b'S' => {
                let v = (t.len() >= 2).then(|| {
                    let raw = [t[0], t[1]];
                    if ty == b's' {
                        i64::from(i16::from_le_bytes(raw))
                    } else {
                        i64::from(u16::from_le_bytes(raw))
                    }
                });
                (v, fixed(2))
            }
            b'i' | b'I' | b'f' => {
                let v = (t.len() >= 4 && ty != b'f').then(|| {
                    let raw = [t[0], t[1], t[2], t[3]];
                    if ty == b'i' {
                        i64::from(i32::from_le_bytes(raw))
                    } else {
                        i64::from(u32::from_le_bytes(raw))
                    }
                });
                (v, fixed(4))
            }
            b'Z' | b'H' => (None, t.iter().position(|&c| c == 0).map(|p| p + 1)),
            b'B' => {
                if t.len() < 5 {
                    return (nh, hi);
                }
                let width = match t[0] {
                    b'c' | b'C' => 1,
                    b's' | b'S' => 2,
                    _ => 4,
                };
                let count = u32::from_le_bytes([t[1], t[2], t[3], t[4]]) as usize;
                (None, fixed(5 + width * count))
            }
            _ => return (nh, hi),
        };
        let Some(skip) = skip else { return (nh, hi) };
        match &tag {
            b"NH" => nh = nh.or(value),
            b"HI" => hi = hi.or(value),
            _ => {}
        }
        t = &t[skip..];
    }
    (nh, hi)
}

fn parse_int<T: std::str::FromStr>(field: &str, what: &str) -> Result<T, String> {
    field.parse().map_err(|_| format!("{what} `{field}` is not a valid integer"))
}

fn sam_ref(
    name: &str,
    references: &mut Vec<String>,
    sam_refs: &mut std::collections::HashMap<String, i32>,
) -> i32 {
    if name == "*" {
        return -1;
    }
    if let Some(&id) = sam_refs.get(name) {
        return id;
    }
    let id = i32::try_from(references.len()).unwrap_or(i32::MAX);
    references.push(name.to_string());
    sam_refs.insert(name.to_string(), id);
    id
}

/// Decodes one SAM alignment line.
fn parse_sam_line(
    line: &str,
    rec: &mut Rec,
    references: &mut Vec<String>,
    sam_refs: &mut std::collections::HashMap<String, i32>,
) -> Result<(), String> {
    let mut f = line.split('\t');
    let mut next = |what: &str| {
        f.next().ok_or_else(|| {
            format!(
                "not a SAM alignment line: missing the {what} column (SAM needs 11 tab-separated columns)"
            )
        })
    };
    let qname = next("QNAME")?;
    let flag = next("FLAG")?;
    let rname = next("RNAME")?;
    let pos = next("POS")?;
    let mapq = next("MAPQ")?;
    let cigar = next("CIGAR")?;
    let rnext = next("RNEXT")?;
    let pnext = next("PNEXT")?;
    let _tlen = next("TLEN")?;
    let _seq = next("SEQ")?;
    let _qual = next("QUAL")?;
    rec.name.clear();
    rec.name.extend_from_slice(qname.as_bytes());
    rec.flag = parse_int(flag, "FLAG")?;
    rec.ref_id = sam_ref(rname, references, sam_refs);
    rec.pos = parse_int::<i32>(pos, "POS")? - 1;
    rec.mapq = parse_int(mapq, "MAPQ")?;
    rec.next_ref_id = if rnext == "=" { rec.ref_id } else { sam_ref(rnext, references, sam_refs) };
    rec.next_pos = parse_int::<i32>(pnext, "PNEXT")? - 1;
    rec.cigar.clear();
    if cigar != "*" {
        let mut n: u32 = 0;
        for c in cigar.bytes() {
            if c.is_ascii_digit() {
                n = n
                    .checked_mul(10)
                    .and_then(|x| x.checked_add(u32::from(c - b'0')))
                    .ok_or_else(|| format!("CIGAR `{cigar}` has an oversized length"))?;
            } else {
                let op = CIGAR_OPS
                    .iter()
                    .position(|&o| o == c)
                    .ok_or_else(|| format!("CIGAR `{cigar}` has an unknown operation `{}`", c as char))?;
                rec.cigar.push((op as u8, n));
                n = 0;
            }
        }
    }
    rec.nh = None;
    rec.hi = None;
    for tag in f {
        let mut parts = tag.splitn(3, ':');
        let (Some(name), Some(ty), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if ty != "i" {
            continue;
        }
        match name {
            "NH" if rec.nh.is_none() => rec.nh = value.parse().ok(),
            "HI" if rec.hi.is_none() => rec.hi = value.parse().ok(),
            _ => {}
        }
    }
    Ok(())
}
