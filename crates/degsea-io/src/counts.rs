//! Count-matrix readers: gene × sample TSV/CSV (gzip or plain), featureCounts output and
//! HTSeq-count files (one per sample).
//!
//! Every reader streams its input line by line into one reused buffer and stores the counts
//! once, as `u32`, in a [`CountMatrix`]. Format and compression are detected from the content:
//!
//! * **gzip** by the magic bytes `1f 8b` (multi-member streams are read to the end; a truncated
//!   stream is an error, not a silent end of file);
//! * **delimiter**: tab if the header line has one, else comma (fields in double quotes, as
//!   R's `write.csv` writes them, are unquoted);
//! * **featureCounts** by its header `Geneid Chr Start End Strand Length …` (usually after a
//!   `# Program:featureCounts` comment): the five annotation columns are skipped and sample names
//!   are cleaned of directories and a `.bam`/`.sam` suffix;
//! * **HTSeq-count** by a first line of exactly two fields whose second is a number (no header);
//!   rows whose id starts with `__` (`__no_feature`, `__ambiguous`, `__too_low_aQual`,
//!   `__not_aligned`, `__alignment_not_unique`) are dropped and returned in
//!   [`CountTable::summary_rows`];
//! * an **R `write.table` header** that lacks the row-name column (one field fewer than the data
//!   rows) is accepted: all its fields are sample names.
//!
//! Lines starting with `#` and blank lines are skipped everywhere.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use degsea_core::CountMatrix;
use ndarray::Array2;

use crate::lines::{Lines, detect_delimiter, field_str, split_fields};
use crate::{Error, Result};

/// The annotation columns of a featureCounts table, after `Geneid`.
pub const FEATURECOUNTS_COLUMNS: [&str; 5] = ["Chr", "Start", "End", "Strand", "Length"];

/// Options of the count readers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Round fractional counts half to even (R's `round`) instead of rejecting them, e.g. for
    /// RSEM/salmon expected counts or `htseq-count --nonunique fraction`.
    pub round: bool,
}

/// The layout a count file was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountFormat {
    /// A gene × sample table: first column gene ids, header row of sample names.
    Matrix,
    /// featureCounts output.
    FeatureCounts,
    /// HTSeq-count output, one file per sample.
    Htseq,
}

/// An HTSeq-count summary row (`__no_feature` and the like), dropped from the matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// The sample (file stem) it belongs to.
    pub sample: String,
    /// The row id, e.g. `__no_feature`.
    pub name: String,
    /// Its count.
    pub count: f64,
}

/// A count matrix as read from one or more files.
#[derive(Debug, Clone, PartialEq)]
pub struct CountTable {
    /// Genes × samples, in file order.
    pub matrix: CountMatrix,
    /// The recognised layout.
    pub format: CountFormat,
    /// Number of fractional counts rounded (only with [`ReadOptions::round`]).
    pub n_rounded: u64,
    /// HTSeq-count summary rows that were dropped (empty for other formats).
    pub summary_rows: Vec<SummaryRow>,
}

/// Reads one or more count files: one file is read with [`read_counts`] (any format), several
/// as HTSeq-count files with [`read_htseq`].
pub fn read_count_files<P: AsRef<Path>>(paths: &[P], opts: &ReadOptions) -> Result<CountTable> {
    match paths {
        [] => Err(Error::NoFiles),
        [one] => read_counts(one.as_ref(), opts),
        _ => read_htseq(paths, opts),
    }
}

/// Reads a count matrix, featureCounts table or single HTSeq-count file (detected from the
/// content, gzip or plain).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("counts.tsv");
/// std::fs::write(&path, "# a comment\ngene\tS1\tS2\ng1\t5\t0\ng2\t3\t12\n")?;
/// let t = degsea_io::counts::read_counts(&path, &Default::default())?;
/// assert_eq!(t.matrix.samples(), ["S1", "S2"]);
/// assert_eq!(t.matrix.lib_sizes(), vec![8.0, 12.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_counts(path: &Path, opts: &ReadOptions) -> Result<CountTable> {
    let mut lines = Lines::open(path)?;
    if !lines.next_record()? {
        return Err(Error::Empty { file: lines.file });
    }
    let delim = detect_delimiter(&lines.buf);
    let mut ranges: Vec<Range<usize>> = Vec::new();
    split_fields(&lines.buf, delim, &mut ranges);
    let header: Vec<String> = ranges.iter().map(|r| field_str(&lines.buf, r)).collect();
    let header_line = lines.line;

    if header.len() == 2 && parse_count(header[1].as_bytes(), true).is_ok() {
        let sample = htseq_sample_name(path);
        let mut parsed = HtseqFile::default();
        read_htseq_rows(&mut lines, &mut ranges, delim, &sample, *opts, None, &mut parsed)?;
        let genes = parsed.genes;
        let n = genes.len();
        let counts = Array2::from_shape_vec((n, 1), parsed.counts).expect("one count per gene");
        let matrix = CountMatrix::new(genes, vec![sample], counts)
            .map_err(|source| Error::Invalid { file: lines.file.clone(), source })?;
        return Ok(CountTable {
            matrix,
            format: CountFormat::Htseq,
            n_rounded: parsed.n_rounded,
            summary_rows: parsed.summary,
        });
    }

    let featurecounts = header.len() > FEATURECOUNTS_COLUMNS.len() + 1
        && header[0] == "Geneid"
        && header[1..=FEATURECOUNTS_COLUMNS.len()] == FEATURECOUNTS_COLUMNS;
    let skip = if featurecounts { FEATURECOUNTS_COLUMNS.len() + 1 } else { 1 };

    // The first data row is kept aside while the second is read: an R `write.table` header
    // (no field for the row-name column) is recognised when both rows have one more field.
    if !lines.next_record()? {
        let samples = if featurecounts { &header[skip..] } else { &header[1..] };
        if samples.is_empty() {
            return Err(Error::NoSamples { file: lines.file, line: header_line });
        }
        return Err(Error::NoRows { file: lines.file });
    }
    let first_row = std::mem::take(&mut lines.buf);
    let first_line = lines.line;
    let mut first_ranges = Vec::new();
    split_fields(&first_row, delim, &mut first_ranges);
    let has_second = lines.next_record()?;
    if has_second {
        split_fields(&lines.buf, delim, &mut ranges);
    }
    let r_style = !featurecounts
        && first_ranges.len() == header.len() + 1
        && (!has_second || ranges.len() == header.len() + 1);
    let samples: Vec<String> = if featurecounts {
        header[skip..].iter().map(|s| clean_featurecounts_sample(s)).collect()
    } else if r_style {
        header.clone()
    } else {
        header[1..].to_vec()
    };
    if samples.is_empty() {
        return Err(Error::NoSamples { file: lines.file, line: header_line });
    }
    check_unique_samples(&samples, &lines.file, header_line)?;

    let mut rows = RowParser {
        file: lines.file.clone(),
        skip,
        round: opts.round,
        samples,
        genes: Vec::new(),
        seen: HashMap::new(),
        counts: Vec::new(),
        n_rounded: 0,
    };
    rows.parse(&first_row, &first_ranges, first_line)?;
    if has_second {
        loop {
            rows.parse(&lines.buf, &ranges, lines.line)?;
            if !lines.next_record()? {
                break;
            }
            split_fields(&lines.buf, delim, &mut ranges);
        }
    }
    let RowParser { genes, samples, counts, n_rounded, .. } = rows;
    let n_samples = samples.len();
    let counts = Array2::from_shape_vec((genes.len(), n_samples), counts).expect("one count per cell");
    let matrix = CountMatrix::new(genes, samples, counts)
        .map_err(|source| Error::Invalid { file: lines.file.clone(), source })?;
    let format = if featurecounts { CountFormat::FeatureCounts } else { CountFormat::Matrix };
    Ok(CountTable { matrix, format, n_rounded, summary_rows: Vec::new() })
}

/// Accumulates the rows of a matrix or featureCounts table.
struct RowParser {
    file: String,
    skip: usize,
    round: bool,
    samples: Vec<String>,
    genes: Vec<String>,
    seen: HashMap<String, u64>,
    counts: Vec<u32>,
    n_rounded: u64,
}

impl RowParser {
    fn parse(&mut self, line: &[u8], ranges: &[Range<usize>], line_no: u64) -> Result<()> {
        let gene = field_str(line, &ranges[0]);
        if gene.is_empty() {
            return Err(Error::EmptyId { file: self.file.clone(), line: line_no });
        }
        let n_samples = self.samples.len();
        let found = ranges.len().saturating_sub(self.skip);
        if ranges.len() < self.skip || found != n_samples {
            return Err(Error::Ragged {
                file: self.file.clone(),
                line: line_no,
                id: gene,
                found,
                expected: n_samples,
            });
        }
        for (j, r) in ranges[self.skip..].iter().enumerate() {
            match parse_count(&line[r.clone()], self.round) {
                Ok((c, rounded)) => {
                    self.counts.push(c);
                    self.n_rounded += u64::from(rounded);
                }
                Err(issue) => {
                    return Err(issue.into_error(
                        self.file.clone(),
                        line_no,
                        field_str(line, r),
                        gene,
                        self.samples[j].clone(),
                    ));
                }
            }
        }
        if let Some(&first) = self.seen.get(&gene) {
            return Err(Error::DuplicateGene { file: self.file.clone(), line: line_no, gene, first });
        }
        self.seen.insert(gene.clone(), line_no);
        self.genes.push(gene);
        Ok(())
    }
}

/// Reads HTSeq-count files, one per sample (`gene<TAB>count`, no header). The sample name is
/// the file name without directories, a `.gz` suffix and one extension (`a/S1.counts.txt` →
/// `S1.counts`). Every file must list the same genes in the same order; summary rows starting
/// with `__` are dropped and returned.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let (a, b) = (dir.path().join("A.txt"), dir.path().join("B.txt"));
/// std::fs::write(&a, "g1\t4\ng2\t0\n__no_feature\t7\n")?;
/// std::fs::write(&b, "g1\t1\ng2\t9\n__no_feature\t3\n")?;
/// let t = degsea_io::counts::read_htseq(&[a, b], &Default::default())?;
/// assert_eq!(t.matrix.samples(), ["A", "B"]);
/// assert_eq!(t.matrix.genes(), ["g1", "g2"]);
/// assert_eq!(t.summary_rows.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_htseq<P: AsRef<Path>>(paths: &[P], opts: &ReadOptions) -> Result<CountTable> {
    let Some(first_path) = paths.first() else {
        return Err(Error::NoFiles);
    };
    let first_file = first_path.as_ref().display().to_string();
    let mut samples: Vec<String> = Vec::with_capacity(paths.len());
    let mut columns: Vec<Vec<u32>> = Vec::with_capacity(paths.len());
    let mut genes: Vec<String> = Vec::new();
    let mut summary = Vec::new();
    let mut n_rounded = 0;
    for (k, p) in paths.iter().enumerate() {
        let path = p.as_ref();
        let sample = htseq_sample_name(path);
        if samples.contains(&sample) {
            return Err(Error::DuplicateSample { file: path.display().to_string(), line: 0, sample });
        }
        let mut lines = Lines::open(path)?;
        if !lines.next_record()? {
            return Err(Error::Empty { file: lines.file });
        }
        let delim = detect_delimiter(&lines.buf);
        let mut ranges = Vec::new();
        let mut parsed = HtseqFile::default();
        let expected = (k > 0).then_some((genes.as_slice(), first_file.as_str()));
        read_htseq_rows(&mut lines, &mut ranges, delim, &sample, *opts, expected, &mut parsed)?;
        if k == 0 {
            genes = parsed.genes;
        }
        columns.push(parsed.counts);
        summary.extend(parsed.summary);
        n_rounded += parsed.n_rounded;
        samples.push(sample);
    }
    let n_genes = genes.len();
    let n_samples = samples.len();
    let mut counts = Array2::<u32>::zeros((n_genes, n_samples));
    for (j, col) in columns.iter().enumerate() {
        for (i, &c) in col.iter().enumerate() {
            counts[[i, j]] = c;
        }
    }
    let matrix = CountMatrix::new(genes, samples, counts)
        .map_err(|source| Error::Invalid { file: first_file.clone(), source })?;
    Ok(CountTable { matrix, format: CountFormat::Htseq, n_rounded, summary_rows: summary })
}

#[derive(Default)]
struct HtseqFile {
    genes: Vec<String>,
    counts: Vec<u32>,
    summary: Vec<SummaryRow>,
    n_rounded: u64,
}

/// Reads the rows of one HTSeq-count file, starting with the record already in `lines.buf`.
/// With `expected`, gene ids are checked against the first file's list instead of collected.
fn read_htseq_rows(
    lines: &mut Lines,
    ranges: &mut Vec<Range<usize>>,
    delim: u8,
    sample: &str,
    opts: ReadOptions,
    expected: Option<(&[String], &str)>,
    out: &mut HtseqFile,
) -> Result<()> {
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut i = 0usize;
    loop {
        split_fields(&lines.buf, delim, ranges);
        let line = &lines.buf;
        let gene = field_str(line, &ranges[0]);
        if gene.is_empty() {
            return Err(Error::EmptyId { file: lines.file.clone(), line: lines.line });
        }
        if ranges.len() != 2 {
            return Err(Error::Ragged {
                file: lines.file.clone(),
                line: lines.line,
                id: gene,
                found: ranges.len() - 1,
                expected: 1,
            });
        }
        let value = &line[ranges[1].clone()];
        if gene.starts_with("__") {
            let text = field_str(line, &ranges[1]);
            let count =
                text.parse::<f64>().ok().filter(|c| c.is_finite()).ok_or_else(|| Error::NotANumber {
                    file: lines.file.clone(),
                    line: lines.line,
                    value: text.clone(),
                    gene: gene.clone(),
                    sample: sample.to_owned(),
                })?;
            out.summary.push(SummaryRow { sample: sample.to_owned(), name: gene, count });
        } else {
            let (c, rounded) = parse_count(value, opts.round).map_err(|issue| {
                issue.into_error(
                    lines.file.clone(),
                    lines.line,
                    field_str(line, &ranges[1]),
                    gene.clone(),
                    sample.to_owned(),
                )
            })?;
            out.counts.push(c);
            out.n_rounded += u64::from(rounded);
            if let Some((genes, first_file)) = expected {
                if genes.get(i) != Some(&gene) {
                    return Err(Error::GeneMismatch {
                        file: lines.file.clone(),
                        line: lines.line,
                        found: gene,
                        expected: genes.get(i).cloned().unwrap_or_default(),
                        first_file: first_file.to_owned(),
                    });
                }
            } else {
                if let Some(&first) = seen.get(&gene) {
                    return Err(Error::DuplicateGene {
                        file: lines.file.clone(),
                        line: lines.line,
                        gene,
                        first,
                    });
                }
                seen.insert(gene.clone(), lines.line);
                out.genes.push(gene);
            }
            i += 1;
        }
        if !lines.next_record()? {
            break;
        }
    }
    if let Some((genes, first_file)) = expected
        && i != genes.len()
    {
        return Err(Error::GeneMismatch {
            file: lines.file.clone(),
            line: lines.line + 1,
            found: String::new(),
            expected: genes[i].clone(),
            first_file: first_file.to_owned(),
        });
    }
    Ok(())
}

/// The sample name of an HTSeq-count file: file name without `.gz` and one extension.
fn htseq_sample_name(path: &Path) -> String {
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    match name.rfind('.') {
        Some(i) if i > 0 => name[..i].to_owned(),
        _ => name.to_owned(),
    }
}

/// Cleans a featureCounts sample column (a BAM path) into a sample name: directories and a
/// `.bam`/`.sam` suffix (any case) are removed.
///
/// ```
/// use degsea_io::counts::clean_featurecounts_sample;
/// assert_eq!(clean_featurecounts_sample("/data/run1/S1.sorted.bam"), "S1.sorted");
/// assert_eq!(clean_featurecounts_sample("S2.SAM"), "S2");
/// ```
pub fn clean_featurecounts_sample(column: &str) -> String {
    let base = column.rsplit(['/', '\\']).next().unwrap_or(column);
    let suffix = base.len().checked_sub(4).and_then(|i| base.get(i..));
    if suffix.is_some_and(|s| s.eq_ignore_ascii_case(".bam") || s.eq_ignore_ascii_case(".sam"))
        && base.len() > 4
    {
        base[..base.len() - 4].to_owned()
    } else {
        base.to_owned()
    }
}

fn check_unique_samples(samples: &[String], file: &str, line: u64) -> Result<()> {
    let mut seen = std::collections::HashSet::with_capacity(samples.len());
    for s in samples {
        if !seen.insert(s.as_str()) {
            return Err(Error::DuplicateSample { file: file.to_owned(), line, sample: s.clone() });
        }
    }
    Ok(())
}

/// Why a count field was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountIssue {
    NotANumber,
    Negative,
    Fractional,
    TooLarge,
}

impl CountIssue {
    fn into_error(self, file: String, line: u64, value: String, gene: String, sample: String) -> Error {
        match self {
            Self::NotANumber => Error::NotANumber { file, line, value, gene, sample },
            Self::Negative => Error::Negative { file, line, value, gene, sample },
            Self::Fractional => Error::Fractional { file, line, value, gene, sample },
            Self::TooLarge => Error::TooLarge { file, line, value, gene, sample },
        }
    }
}

/// Longest all-digit field that cannot overflow `u64` in the fast path.
const FAST_DIGITS: usize = 18;

/// Parses one count: plain digits fast, else as a number that must be finite, non-negative,
/// whole (or rounded half to even when `round`), and at most `u32::MAX`. Returns the count and
/// whether it was rounded.
fn parse_count(field: &[u8], round: bool) -> Result<(u32, bool), CountIssue> {
    if !field.is_empty() && field.len() <= FAST_DIGITS && field.iter().all(u8::is_ascii_digit) {
        let v = field.iter().fold(0u64, |acc, &b| acc * 10 + u64::from(b - b'0'));
        return u32::try_from(v).map(|c| (c, false)).map_err(|_| CountIssue::TooLarge);
    }
    let text = std::str::from_utf8(field).map_err(|_| CountIssue::NotANumber)?.trim();
    let v: f64 = text.parse().map_err(|_| CountIssue::NotANumber)?;
    if v.is_nan() {
        return Err(CountIssue::NotANumber);
    }
    if v < 0.0 {
        return Err(CountIssue::Negative);
    }
    let (v, rounded) = if v.fract() == 0.0 {
        (v, false)
    } else if round {
        (v.round_ties_even(), true)
    } else if v.is_infinite() {
        (v, false)
    } else {
        return Err(CountIssue::Fractional);
    };
    if v > f64::from(u32::MAX) || v.is_infinite() {
        return Err(CountIssue::TooLarge);
    }
    Ok((v as u32, rounded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn parses_counts_like_r() {
        assert_eq!(parse_count(b"42", false), Ok((42, false)));
        assert_eq!(parse_count(b"1e+05", false), Ok((100_000, false)));
        assert_eq!(parse_count(b"4294967295", false), Ok((u32::MAX, false)));
        assert_eq!(parse_count(b"4294967296", false), Err(CountIssue::TooLarge));
        assert_eq!(parse_count(b"99999999999999999999", false), Err(CountIssue::TooLarge));
        assert_eq!(parse_count(b"3.5", false), Err(CountIssue::Fractional));
        // R's round() is half to even.
        assert_eq!(parse_count(b"2.5", true), Ok((2, true)));
        assert_eq!(parse_count(b"3.5", true), Ok((4, true)));
        assert_eq!(parse_count(b"-1", true), Err(CountIssue::Negative));
        assert_eq!(parse_count(b"NA", false), Err(CountIssue::NotANumber));
        assert_eq!(parse_count(b"", false), Err(CountIssue::NotANumber));
        assert_eq!(parse_count(b"Inf", false), Err(CountIssue::TooLarge));
        assert_eq!(parse_count(b"-0", false), Ok((0, false)));
    }

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn reads_csv_gzip_and_r_style_headers() {
        let dir = tempfile::tempdir().unwrap();
        let csv = write(dir.path(), "c.csv", "\"\",\"S1\",\"S2\"\r\n\"g1\",1,2\r\n\"g2\",3,4\r\n");
        let t = read_counts(&csv, &ReadOptions::default()).unwrap();
        assert_eq!(t.matrix.samples(), ["S1", "S2"]);
        assert_eq!(t.matrix.genes(), ["g1", "g2"]);
        let r = write(dir.path(), "r.tsv", "S1\tS2\ng1\t1\t2\n");
        let t = read_counts(&r, &ReadOptions::default()).unwrap();
        assert_eq!(t.matrix.samples(), ["S1", "S2"]);
        let gz = dir.path().join("m.txt");
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).unwrap(),
            flate2::Compression::default(),
        );
        enc.write_all(b"id\tA\tB\ng1\t5\t6\n").unwrap();
        enc.finish().unwrap();
        let t = read_counts(&gz, &ReadOptions::default()).unwrap();
        assert_eq!(t.matrix.counts(), ndarray::array![[5, 6]]);
    }

    #[test]
    fn truncated_gzip_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for i in 0..2000 {
            if i == 0 {
                writeln!(enc, "gene\tA\tB").unwrap();
            }
            writeln!(enc, "g{i}\t{i}\t{}", i * 7).unwrap();
        }
        let bytes = enc.finish().unwrap();
        let p = dir.path().join("t.gz");
        std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        let e = read_counts(&p, &ReadOptions::default()).unwrap_err();
        assert!(matches!(e, Error::Gzip { .. }), "{e}");
        assert!(e.to_string().contains("truncated"), "{e}");
    }

    #[test]
    fn featurecounts_layout() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "fc.txt",
            "# Program:featureCounts v2.0.3; Command:\"featureCounts\"\n\
             Geneid\tChr\tStart\tEnd\tStrand\tLength\t/x/y/S1.bam\tS2.bam\n\
             g1\tchr1;chr1\t1;50\t20;90\t+;+\t61\t7\t0\n",
        );
        let t = read_counts(&p, &ReadOptions::default()).unwrap();
        assert_eq!(t.format, CountFormat::FeatureCounts);
        assert_eq!(t.matrix.samples(), ["S1", "S2"]);
        assert_eq!(t.matrix.counts(), ndarray::array![[7, 0]]);
    }

    #[test]
    fn htseq_single_and_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "A.txt", "g1\t1\ng2\t2.5\n__no_feature\t9\n__ambiguous\t1\n");
        let e = read_counts(&a, &ReadOptions::default()).unwrap_err().to_string();
        assert!(e.contains("A.txt:2: count `2.5`"), "{e}");
        let t = read_counts(&a, &ReadOptions { round: true }).unwrap();
        assert_eq!(t.format, CountFormat::Htseq);
        assert_eq!(t.matrix.counts(), ndarray::array![[1], [2]]);
        assert_eq!(t.summary_rows.len(), 2);
        assert_eq!(t.n_rounded, 1);
        let b = write(dir.path(), "B.txt", "g1\t1\ng3\t2\n");
        let e = read_htseq(&[&a, &b], &ReadOptions { round: true }).unwrap_err().to_string();
        assert!(e.contains("B.txt:2: gene `g3` where `g2` was expected"), "{e}");
        let c = write(dir.path(), "C.txt", "g1\t1\n");
        let e = read_htseq(&[&a, &c], &ReadOptions { round: true }).unwrap_err().to_string();
        assert!(e.contains("C.txt:2: gene `` where `g2`"), "{e}");
    }

    #[test]
    fn row_errors_name_line_and_value() {
        let dir = tempfile::tempdir().unwrap();
        for (text, needle) in [
            ("g\tA\tB\ng1\t1\n", "x.tsv:2: row `g1` has 1 value field(s) but the header names 2"),
            ("g\tA\tB\ng1\t1\tx\n", "x.tsv:2: count `x` for gene `g1` sample `B` is not a number"),
            ("g\tA\tB\n#c\ng1\t1\t-3\n", "x.tsv:3: count `-3` for gene `g1` sample `B` is negative"),
            ("g\tA\tB\ng1\t1\t2\ng1\t1\t2\n", "x.tsv:3: duplicate gene id `g1` (first on line 2)"),
            ("g\tA\tA\ng1\t1\t2\n", "x.tsv:1: duplicate sample name `A`"),
            ("# only\n\n", "x.tsv: empty file"),
            ("g\tA\n", "x.tsv: no data rows"),
            ("g\n", "x.tsv:1: header has no sample columns"),
        ] {
            let p = write(dir.path(), "x.tsv", text);
            let e = read_counts(&p, &ReadOptions::default()).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
    }
}
