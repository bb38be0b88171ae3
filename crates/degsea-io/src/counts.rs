//! Count-matrix readers: gene × sample TSV/CSV (gzip or plain), featureCounts output and
//! HTSeq-count files (one per sample).
//!
//! Every reader streams its input and stores the counts once, as `u32`, in a [`CountMatrix`];
//! the rows of a matrix or featureCounts table are parsed in parallel chunks of large blocks
//! (`chunked.rs`: the same rows, and the same first error, as reading line by line). Format and
//! compression are detected from the content:
//!
//! * **gzip** by the magic bytes `1f 8b` (multi-member streams are read to the end; a truncated
//!   stream is an error, not a silent end of file);
//! * **delimiter**: tab if the header line has one, else comma (fields in double quotes, as
//!   R's `write.csv` writes them, are unquoted);
//! * **featureCounts** by its header `Geneid Chr Start End Strand Length …` (usually after a
//!   `# Program:featureCounts` comment): the five annotation columns are skipped and sample names
//!   are made from the BAM paths by [`sample_names_from_paths`];
//! * **annotation columns** after the gene id (nf-core/rnaseq's `gene_id gene_name …` tables such
//!   as `salmon.merged.gene_counts.tsv`, tximport-style tables with `gene_symbol`, `gene_type` …):
//!   recognised by name ([`ANNOTATION_COLUMNS`]) or, with [`ColumnOptions::gene_name_column`],
//!   every column before the first numeric one; the gene names are kept in
//!   [`CountTable::gene_names`] (see [`CountTable::gene_name_map`]);
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

use crate::chunked::{Records, parse_rows};
use crate::lines::{Header, Lines, detect_delimiter, field_str, split_fields};
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

/// Header names recognised (case-insensitive) as annotation columns between the gene id and the
/// first count column: nf-core/rnaseq writes `gene_name`; tximport/biomaRt-style tables use the
/// others.
pub const ANNOTATION_COLUMNS: [&str; 9] = [
    "gene_name",
    "gene_symbol",
    "symbol",
    "external_gene_name",
    "hgnc_symbol",
    "gene_type",
    "gene_biotype",
    "biotype",
    "description",
];

/// Of [`ANNOTATION_COLUMNS`], the ones holding gene names, in order of preference.
const NAME_COLUMNS: [&str; 5] = ["gene_name", "gene_symbol", "symbol", "external_gene_name", "hgnc_symbol"];

/// How the columns of a count matrix are interpreted (beyond what is detected automatically).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnOptions {
    /// The header name of a column holding gene names (e.g. `symbol`). Every column between the
    /// gene id and the first numeric column is then an annotation column, not a sample. Without
    /// it, only columns named in [`ANNOTATION_COLUMNS`] are annotations and the first of
    /// `gene_name`, `gene_symbol`, `symbol`, `external_gene_name`, `hgnc_symbol` gives the names.
    pub gene_name_column: Option<String>,
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
    /// Gene names from an annotation column (one per gene, in matrix order; `NA` and empty
    /// names kept as written), when the table has one.
    pub gene_names: Option<Vec<String>>,
    /// The annotation columns that were skipped (not samples), by header name.
    pub annotation_columns: Vec<String>,
    /// Where each sample column came from: the file and the header line naming it (0 when the
    /// format has no header, as HTSeq-count files).
    pub sources: Vec<(String, u64)>,
}

impl CountTable {
    /// Gene id → gene name, from [`Self::gene_names`] (empty and `NA` names skipped), for
    /// mapping ids to the symbols of gene sets. `None` when the table has no name column.
    pub fn gene_name_map(&self) -> Option<degsea_core::GeneMap> {
        let names = self.gene_names.as_ref()?;
        Some(degsea_core::GeneMap::from_pairs(
            self.matrix
                .genes()
                .iter()
                .zip(names)
                .filter(|(_, n)| !n.is_empty() && n.as_str() != "NA")
                .map(|(g, n)| (g.clone(), n.clone())),
        ))
    }

    /// Checks that the given sample columns have at least one read each (edgeR stops on a
    /// zero library size); the error names the count file and the header line of the sample.
    pub fn check_library_sizes(&self, columns: &[usize]) -> Result<()> {
        let counts = self.matrix.counts();
        for &j in columns {
            if counts.column(j).iter().all(|&c| c == 0) {
                let (file, line) = self.sources.get(j).cloned().unwrap_or_default();
                return Err(Error::ZeroLibrary { file, line, sample: self.matrix.samples()[j].clone() });
            }
        }
        Ok(())
    }

    /// Renames samples with an old → new map (samples not in the map keep their names). The
    /// map must name only samples of the table and must not create duplicate names.
    pub fn rename_samples(self, renames: &SampleRenames) -> Result<Self> {
        let (genes, mut samples, counts) = self.matrix.into_parts();
        for (old, new, line) in &renames.pairs {
            let Some(j) = samples.iter().position(|s| s == old) else {
                let mut list: Vec<&str> = samples.iter().take(8).map(String::as_str).collect();
                if samples.len() > 8 {
                    list.push("…");
                }
                return Err(Error::RenameUnknown {
                    file: renames.file.clone(),
                    line: *line,
                    sample: old.clone(),
                    samples: list.join(", "),
                });
            };
            samples[j].clone_from(new);
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = samples.iter().find(|s| !seen.insert(s.as_str())) {
            let line = renames.pairs.iter().find(|(_, n, _)| n == dup).map_or(0, |p| p.2);
            return Err(Error::DuplicateSample { file: renames.file.clone(), line, sample: dup.clone() });
        }
        let file = renames.file.clone();
        let matrix =
            CountMatrix::new(genes, samples, counts).map_err(|source| Error::Invalid { file, source })?;
        Ok(Self { matrix, ..self })
    }
}

/// A sample rename map (old → new), e.g. read by [`crate::samples::read_rename_map`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SampleRenames {
    /// The file it was read from, for messages.
    pub file: String,
    /// `(old, new, line)` in file order.
    pub pairs: Vec<(String, String, u64)>,
}

/// Reads one or more count files: one file is read with [`read_counts`] (any format), several
/// as HTSeq-count files with [`read_htseq`].
pub fn read_count_files<P: AsRef<Path>>(paths: &[P], opts: &ReadOptions) -> Result<CountTable> {
    read_count_files_with(paths, opts, &ColumnOptions::default())
}

/// As [`read_count_files`], with column options (a gene-name column) for a single matrix.
pub fn read_count_files_with<P: AsRef<Path>>(
    paths: &[P],
    opts: &ReadOptions,
    columns: &ColumnOptions,
) -> Result<CountTable> {
    match paths {
        [] => Err(Error::NoFiles),
        [one] => read_counts_with(one.as_ref(), opts, columns),
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
    read_counts_with(path, opts, &ColumnOptions::default())
}

/// As [`read_counts`], with column options.
///
/// ```
/// // nf-core/rnaseq's salmon.merged.gene_counts.tsv: gene_name is an annotation, not a sample.
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("salmon.merged.gene_counts.tsv");
/// std::fs::write(&path, "gene_id\tgene_name\tS1\tS2\nENSG1\tTP53\t10.4\t3\n")?;
/// let opts = degsea_io::counts::ReadOptions { round: true };
/// let t = degsea_io::counts::read_counts_with(&path, &opts, &Default::default())?;
/// assert_eq!(t.matrix.samples(), ["S1", "S2"]);
/// assert_eq!(t.gene_name_map().unwrap().get("ENSG1"), Some("TP53"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_counts_with(path: &Path, opts: &ReadOptions, columns: &ColumnOptions) -> Result<CountTable> {
    let mut lines = Lines::open(path)?;
    let Header { names: header, delim, line: header_line } = lines.header()?;
    let mut ranges: Vec<Range<usize>> = Vec::new();

    if header.len() == 2 && parse_count(header[1].as_bytes(), true).is_ok() {
        let sample = sample_names_from_paths(&[path.display().to_string()]).remove(0);
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
            gene_names: None,
            annotation_columns: Vec::new(),
            sources: vec![(lines.file.clone(), 0)],
        });
    }

    let featurecounts = header.len() > FEATURECOUNTS_COLUMNS.len() + 1
        && header[0] == "Geneid"
        && header[1..=FEATURECOUNTS_COLUMNS.len()] == FEATURECOUNTS_COLUMNS;
    // The first data row is kept aside while the second is read: an R `write.table` header
    // (no field for the row-name column) is recognised when both rows have one more field.
    if !lines.next_record()? {
        let samples = if featurecounts { &header[FEATURECOUNTS_COLUMNS.len() + 1..] } else { &header[1..] };
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
    // Data field `j` is headed by `header[j - offset]`.
    let offset = usize::from(r_style);
    let (skip, name_col) = if featurecounts {
        (FEATURECOUNTS_COLUMNS.len() + 1, None)
    } else {
        annotation_layout(&header, offset, &first_row, &first_ranges, columns, &lines.file, header_line)?
    };
    let samples: Vec<String> = if featurecounts {
        sample_names_from_paths(&header[skip..])
    } else {
        header[(skip - offset).min(header.len())..].to_vec()
    };
    if samples.is_empty() {
        return Err(Error::NoSamples { file: lines.file, line: header_line });
    }
    check_unique_samples(&samples, &lines.file, header_line)?;
    let annotation_columns = header[(1 - offset)..(skip - offset)].to_vec();

    let file = lines.file.clone();
    let layout = RowLayout { file: &file, skip, name_col, round: opts.round, samples: &samples };
    let mut rows = Rows::default();
    let mut result = layout.parse(&mut rows, &first_row, &first_ranges, first_line);
    if has_second && result.is_ok() {
        result = layout.parse(&mut rows, &lines.buf, &ranges, lines.line);
        if result.is_ok() {
            result = parse_rows(
                &mut lines,
                |records| layout.parse_chunk(records, delim),
                |(chunk, error)| {
                    rows.append(chunk);
                    error.map_or(Ok(()), Err)
                },
            );
        }
    }
    // A repeated gene before the first bad row (or read error) is the first error in the file.
    rows.check_duplicates(&file)?;
    result?;
    let Rows { genes, counts, n_rounded, names, .. } = rows;
    let n_samples = samples.len();
    let counts = Array2::from_shape_vec((genes.len(), n_samples), counts).expect("one count per cell");
    let matrix = CountMatrix::new(genes, samples, counts)
        .map_err(|source| Error::Invalid { file: lines.file.clone(), source })?;
    let format = if featurecounts { CountFormat::FeatureCounts } else { CountFormat::Matrix };
    Ok(CountTable {
        matrix,
        format,
        n_rounded,
        summary_rows: Vec::new(),
        gene_names: name_col.map(|_| names),
        annotation_columns,
        sources: vec![(lines.file.clone(), header_line); n_samples],
    })
}

/// Decides which data fields after the gene id are annotation columns: a prefix of columns
/// whose header is in [`ANNOTATION_COLUMNS`] or (with a named gene-name column) whose first-row
/// value is not a number. Returns the first count field and the gene-name field.
fn annotation_layout(
    header: &[String],
    offset: usize,
    first_row: &[u8],
    first_ranges: &[Range<usize>],
    columns: &ColumnOptions,
    file: &str,
    line: u64,
) -> Result<(usize, Option<usize>)> {
    let head = |j: usize| header.get(j.wrapping_sub(offset)).map(String::as_str);
    let known = |name: &str| ANNOTATION_COLUMNS.iter().any(|a| a.eq_ignore_ascii_case(name));
    let numeric = |j: usize| {
        first_ranges.get(j).is_some_and(|r| {
            std::str::from_utf8(&first_row[r.clone()])
                .is_ok_and(|t| t.trim().trim_matches('"').parse::<f64>().is_ok())
        })
    };
    let n_fields = first_ranges.len().max(header.len() + offset);
    let mut skip = 1;
    while skip + 1 < n_fields {
        let Some(name) = head(skip) else { break };
        if known(name) || (columns.gene_name_column.is_some() && !numeric(skip)) {
            skip += 1;
        } else {
            break;
        }
    }
    let name_col = match &columns.gene_name_column {
        Some(wanted) => {
            let Some(j) = (1..n_fields).find(|&j| head(j) == Some(wanted.as_str())) else {
                return Err(Error::NoSuchColumn {
                    file: file.to_owned(),
                    line,
                    column: wanted.clone(),
                    columns: header.join(", "),
                });
            };
            if j >= skip {
                return Err(Error::NameColumnAfterCounts {
                    file: file.to_owned(),
                    line,
                    column: wanted.clone(),
                    first_count: head(skip).unwrap_or_default().to_owned(),
                });
            }
            Some(j)
        }
        None => NAME_COLUMNS
            .iter()
            .find_map(|n| (1..skip).find(|&j| head(j).is_some_and(|h| h.eq_ignore_ascii_case(n)))),
    };
    Ok((skip, name_col))
}

/// Writes a count matrix as degsea writes counts (`degsea simulate`'s `counts.tsv`): a header
/// `gene<TAB>SAMPLE…`, then one row per gene with its integer counts; [`read_counts`] reads
/// it back identically.
///
/// ```
/// let m = degsea_core::CountMatrix::new(
///     vec!["g1".into()], vec!["A".into(), "B".into()], ndarray::array![[3, 0]])?;
/// let mut out = Vec::new();
/// degsea_io::counts::write_counts(&mut out, &m)?;
/// assert_eq!(out, b"gene\tA\tB\ng1\t3\t0\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_counts(w: &mut impl std::io::Write, matrix: &CountMatrix) -> std::io::Result<()> {
    w.write_all(b"gene")?;
    for s in matrix.samples() {
        write!(w, "\t{s}")?;
    }
    writeln!(w)?;
    for (gene, row) in matrix.genes().iter().zip(matrix.counts().rows()) {
        w.write_all(gene.as_bytes())?;
        for c in row {
            write!(w, "\t{c}")?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// How the data rows of a matrix or featureCounts table are read; shared by the chunks that
/// [`parse_rows`] parses in parallel.
#[derive(Clone, Copy)]
struct RowLayout<'a> {
    file: &'a str,
    /// The first count field.
    skip: usize,
    /// The field holding gene names.
    name_col: Option<usize>,
    round: bool,
    samples: &'a [String],
}

/// Rows of a matrix or featureCounts table, in file order, not yet checked for repeated gene
/// ids ([`Rows::check_duplicates`]).
#[derive(Default)]
struct Rows {
    genes: Vec<String>,
    /// The line of each gene.
    lines: Vec<u64>,
    counts: Vec<u32>,
    names: Vec<String>,
    n_rounded: u64,
}

impl RowLayout<'_> {
    /// Parses one row into `rows`; on an error `rows` may hold part of it.
    fn parse(&self, rows: &mut Rows, line: &[u8], ranges: &[Range<usize>], line_no: u64) -> Result<()> {
        let gene = field_str(line, &ranges[0]);
        if gene.is_empty() {
            return Err(Error::EmptyId { file: self.file.to_owned(), line: line_no });
        }
        let n_samples = self.samples.len();
        let found = ranges.len().saturating_sub(self.skip);
        if ranges.len() < self.skip || found != n_samples {
            return Err(Error::Ragged {
                file: self.file.to_owned(),
                line: line_no,
                id: gene,
                found,
                expected: n_samples,
            });
        }
        for (j, r) in ranges[self.skip..].iter().enumerate() {
            match parse_count(&line[r.clone()], self.round) {
                Ok((c, rounded)) => {
                    rows.counts.push(c);
                    rows.n_rounded += u64::from(rounded);
                }
                Err(issue) => {
                    return Err(issue.into_error(
                        self.file.to_owned(),
                        line_no,
                        field_str(line, r),
                        gene,
                        self.samples[j].clone(),
                    ));
                }
            }
        }
        rows.genes.push(gene);
        rows.lines.push(line_no);
        if let Some(k) = self.name_col {
            rows.names.push(field_str(line, &ranges[k]));
        }
        Ok(())
    }

    /// Parses the rows of one chunk, up to its first bad row.
    fn parse_chunk(&self, records: Records<'_>, delim: u8) -> (Rows, Option<Error>) {
        let n = records.max_records();
        let mut rows = Rows {
            genes: Vec::with_capacity(n),
            lines: Vec::with_capacity(n),
            counts: Vec::with_capacity(n * self.samples.len()),
            names: Vec::with_capacity(if self.name_col.is_some() { n } else { 0 }),
            n_rounded: 0,
        };
        let mut ranges = Vec::new();
        for (line_no, record) in records {
            split_fields(record, delim, &mut ranges);
            if let Err(e) = self.parse(&mut rows, record, &ranges, line_no) {
                return (rows, Some(e));
            }
        }
        (rows, None)
    }
}

impl Rows {
    /// Appends the rows of the next chunk.
    fn append(&mut self, mut next: Rows) {
        self.genes.append(&mut next.genes);
        self.lines.append(&mut next.lines);
        self.counts.append(&mut next.counts);
        self.names.append(&mut next.names);
        self.n_rounded += next.n_rounded;
    }

    /// Rejects the first row (in file order) whose gene id an earlier row has.
    fn check_duplicates(&self, file: &str) -> Result<()> {
        let mut seen: HashMap<&str, u64> = HashMap::with_capacity(self.genes.len());
        for (gene, &line) in self.genes.iter().zip(&self.lines) {
            if let Some(&first) = seen.get(gene.as_str()) {
                return Err(Error::DuplicateGene { file: file.to_owned(), line, gene: gene.clone(), first });
            }
            seen.insert(gene, line);
        }
        Ok(())
    }
}

/// Reads HTSeq-count files, one per sample (`gene<TAB>count`, no header). Sample names come
/// from the paths by [`sample_names_from_paths`] (`a/S1.htseq.counts.txt` → `S1`; the folder
/// when every file has the same name). Every file must list the same genes in the same order;
/// summary rows starting with `__` are dropped and returned.
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
    let shown: Vec<String> =
        paths.iter().map(|p| crate::printable(&p.as_ref().display().to_string())).collect();
    let names = sample_names_from_paths(&shown);
    for (k, name) in names.iter().enumerate() {
        if let Some(first) = names[..k].iter().position(|n| n == name) {
            return Err(Error::AmbiguousSampleName {
                file: shown[k].clone(),
                sample: name.clone(),
                other: shown[first].clone(),
            });
        }
    }
    let mut samples: Vec<String> = Vec::with_capacity(paths.len());
    let mut columns: Vec<Vec<u32>> = Vec::with_capacity(paths.len());
    let mut genes: Vec<String> = Vec::new();
    let mut summary = Vec::new();
    let mut n_rounded = 0;
    for (k, p) in paths.iter().enumerate() {
        let path = p.as_ref();
        let sample = names[k].clone();
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
    Ok(CountTable {
        matrix,
        format: CountFormat::Htseq,
        n_rounded,
        summary_rows: summary,
        gene_names: None,
        annotation_columns: Vec::new(),
        sources: shown.into_iter().map(|f| (f, 0)).collect(),
    })
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

/// File-name endings removed (case-insensitive, repeatedly, in any order) to make a sample name
/// from a BAM or count file path: compression, alignment and count-file extensions, and the
/// names STAR and samtools pipelines append.
pub const SAMPLE_SUFFIXES: [&str; 17] = [
    ".gz",
    ".bam",
    ".sam",
    ".cram",
    ".txt",
    ".tsv",
    ".tab",
    ".counts",
    ".count",
    ".htseq",
    ".htseq-count",
    ".featurecounts",
    ".sorted",
    ".sortedbycoord.out",
    ".out",
    ".markdup",
    "aligned",
];

/// Cleans one path (a featureCounts BAM column or an HTSeq-count file name) into a sample
/// name: the folders and every ending in [`SAMPLE_SUFFIXES`] are removed, then trailing `.`,
/// `_` and `-`; a name is never cleaned to nothing.
///
/// ```
/// use degsea_io::counts::clean_featurecounts_sample;
/// assert_eq!(clean_featurecounts_sample("/data/run1/S1.sorted.bam"), "S1");
/// assert_eq!(clean_featurecounts_sample("S2.SAM"), "S2");
/// assert_eq!(clean_featurecounts_sample("counts/S3.htseq.counts.txt.gz"), "S3");
/// assert_eq!(clean_featurecounts_sample("star/S4_Aligned.sortedByCoord.out.bam"), "S4");
/// ```
pub fn clean_featurecounts_sample(column: &str) -> String {
    let mut name = column.rsplit(['/', '\\']).next().unwrap_or(column);
    loop {
        let before = name.len();
        for suffix in SAMPLE_SUFFIXES {
            if name.len() > suffix.len()
                && let Some(tail) = name.get(name.len() - suffix.len()..)
                && tail.eq_ignore_ascii_case(suffix)
            {
                let rest = name[..name.len() - suffix.len()].trim_end_matches(['.', '_', '-']);
                if !rest.is_empty() {
                    name = rest;
                }
            }
        }
        if name.len() == before {
            return name.to_owned();
        }
    }
}

/// Sample names for several paths (featureCounts BAM columns or HTSeq-count files): each
/// cleaned by [`clean_featurecounts_sample`]; when two names coincide (STAR's
/// `SAMPLE/Aligned.sortedByCoord.out.bam` layout) and the parent folders are all different,
/// every sample is named after its cleaned parent folder instead. Names may still coincide
/// (then the reader reports them); a rename map resolves any other layout.
///
/// ```
/// use degsea_io::counts::sample_names_from_paths;
/// let star = ["star/S1/Aligned.sortedByCoord.out.bam", "star/S2/Aligned.sortedByCoord.out.bam"];
/// assert_eq!(sample_names_from_paths(&star), ["S1", "S2"]);
/// assert_eq!(sample_names_from_paths(&["a/X.sorted.bam", "b/Y.bam"]), ["X", "Y"]);
/// ```
pub fn sample_names_from_paths<S: AsRef<str>>(paths: &[S]) -> Vec<String> {
    let names: Vec<String> = paths.iter().map(|p| clean_featurecounts_sample(p.as_ref())).collect();
    let mut seen = std::collections::HashSet::new();
    if names.iter().all(|n| seen.insert(n.as_str())) {
        return names;
    }
    let parents: Vec<Option<String>> = paths
        .iter()
        .map(|p| {
            let p = p.as_ref();
            let dir = &p[..p.rfind(['/', '\\'])?];
            let last = dir.rsplit(['/', '\\']).next()?;
            (!last.is_empty() && last != "." && last != "..").then(|| clean_featurecounts_sample(last))
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    if parents.iter().all(|p| p.as_ref().is_some_and(|p| seen.insert(p.clone()))) {
        parents.into_iter().flatten().collect()
    } else {
        names
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
            (
                "g\tA\tB\ng1\t1\t4294967296\n",
                "x.tsv:2: count `4294967296` for gene `g1` sample `B` exceeds the largest supported count 4294967295",
            ),
            ("g\n", "x.tsv:1: header has no sample columns"),
        ] {
            let p = write(dir.path(), "x.tsv", text);
            let e = read_counts(&p, &ReadOptions::default()).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn nf_core_salmon_gene_counts_with_round() {
        // Issue 19 #3: `gene_name` was read as a sample, even with --round.
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "salmon.merged.gene_counts.tsv",
            "gene_id\tgene_name\tWT_REP1\tWT_REP2\nENSG00000141510\tTP53\t120.499\t87.5\n\
             ENSG00000012048\tBRCA1\t0\t3.2\nENSG00000000005\tNA\t1\t0\n",
        );
        let e = read_counts(&p, &ReadOptions::default()).unwrap_err().to_string();
        assert!(
            e.contains("gene_counts.tsv:2: count `120.499` for gene `ENSG00000141510` sample `WT_REP1`"),
            "{e}"
        );
        let t = read_counts(&p, &ReadOptions { round: true }).unwrap();
        assert_eq!(t.matrix.samples(), ["WT_REP1", "WT_REP2"]);
        assert_eq!(t.matrix.counts(), ndarray::array![[120, 88], [0, 3], [1, 0]]);
        assert_eq!(t.annotation_columns, ["gene_name"]);
        assert_eq!(t.gene_names.as_deref().unwrap(), ["TP53", "BRCA1", "NA"]);
        let map = t.gene_name_map().unwrap();
        assert_eq!(map.get("ENSG00000012048"), Some("BRCA1"));
        assert_eq!(map.get("ENSG00000000005"), None, "NA names are not mapped");
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn named_gene_name_column_takes_columns_before_the_first_number() {
        let dir = tempfile::tempdir().unwrap();
        let text = "id,chrom,Hugo,S1,S2\ng1,chr1,A1,1,2\ng2,chr2,B2,3,4\n";
        let p = write(dir.path(), "tx.csv", text);
        let cols = ColumnOptions { gene_name_column: Some("Hugo".into()) };
        let t = read_counts_with(&p, &ReadOptions::default(), &cols).unwrap();
        assert_eq!(t.matrix.samples(), ["S1", "S2"]);
        assert_eq!(t.annotation_columns, ["chrom", "Hugo"]);
        assert_eq!(t.gene_names.unwrap(), ["A1", "B2"]);
        // Without the option, `chrom` is taken for a sample and its values are reported.
        let e = read_counts(&p, &ReadOptions::default()).unwrap_err().to_string();
        assert!(e.contains("tx.csv:2: count `chr1` for gene `g1` sample `chrom` is not a number"), "{e}");
        let cols = ColumnOptions { gene_name_column: Some("nope".into()) };
        let e = read_counts_with(&p, &ReadOptions::default(), &cols).unwrap_err().to_string();
        assert!(
            e.ends_with("tx.csv:1: no column `nope` in the header (columns: id, chrom, Hugo, S1, S2)"),
            "{e}"
        );
        let cols = ColumnOptions { gene_name_column: Some("S2".into()) };
        let e = read_counts_with(&p, &ReadOptions::default(), &cols).unwrap_err().to_string();
        assert!(e.contains("column `S2` cannot be the gene-name column"), "{e}");
    }

    #[test]
    fn featurecounts_sample_names_from_each_layout() {
        // Issue 19 #4: `X.sorted.bam` became `X.sorted`; STAR's layout failed as duplicates.
        let dir = tempfile::tempdir().unwrap();
        let fc = |cols: &str| {
            format!(
                "# Program:featureCounts v2.0.3\nGeneid\tChr\tStart\tEnd\tStrand\tLength\t{cols}\n\
                 g1\tchr1\t1\t20\t+\t20\t7\t0\n"
            )
        };
        for (cols, want) in [
            ("/x/A.sorted.bam\t/x/B.sorted.bam", ["A", "B"]),
            ("star/A/Aligned.sortedByCoord.out.bam\tstar/B/Aligned.sortedByCoord.out.bam", ["A", "B"]),
            ("A_Aligned.sortedByCoord.out.bam\tB_Aligned.sortedByCoord.out.bam", ["A", "B"]),
            ("A.markdup.sorted.BAM\tB.sam", ["A", "B"]),
        ] {
            let p = write(dir.path(), "fc.txt", &fc(cols));
            let t = read_counts(&p, &ReadOptions::default()).unwrap();
            assert_eq!(t.matrix.samples(), want, "{cols}");
        }
        let p =
            write(dir.path(), "fc.txt", &fc("Aligned.sortedByCoord.out.bam\tAligned.sortedByCoord.out.bam"));
        let e = read_counts(&p, &ReadOptions::default()).unwrap_err().to_string();
        assert!(e.contains("fc.txt:2: duplicate sample name `Aligned`"), "{e}");
    }

    #[test]
    fn htseq_sample_names_from_each_layout() {
        // Issue 19 #4: `X.htseq.counts` became `X.htseq`.
        let dir = tempfile::tempdir().unwrap();
        let mk = |rel: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "g1\t1\ng2\t2\n__no_feature\t0\n").unwrap();
            p
        };
        let flat = [mk("A.htseq.counts"), mk("B.htseq.counts")];
        assert_eq!(read_htseq(&flat, &ReadOptions::default()).unwrap().matrix.samples(), ["A", "B"]);
        let nested = [mk("A/counts.txt"), mk("B/counts.txt")];
        let t = read_htseq(&nested, &ReadOptions::default()).unwrap();
        assert_eq!(t.matrix.samples(), ["A", "B"]);
        assert!(t.sources[1].0.ends_with("B/counts.txt"));
        let same = [mk("x/A.txt"), mk("x/A.counts")];
        let e = read_htseq(&same, &ReadOptions::default()).unwrap_err().to_string();
        assert!(e.contains("A.counts: sample name `A` (from the file name) is also"), "{e}");
        // Anything else: a rename map.
        let renames = SampleRenames {
            file: "r.tsv".into(),
            pairs: vec![("A".into(), "ctl_1".into(), 1), ("B".into(), "trt_1".into(), 2)],
        };
        let t = read_htseq(&flat, &ReadOptions::default()).unwrap().rename_samples(&renames).unwrap();
        assert_eq!(t.matrix.samples(), ["ctl_1", "trt_1"]);
        let bad = SampleRenames { file: "r.tsv".into(), pairs: vec![("Z".into(), "q".into(), 3)] };
        let e = read_htseq(&flat, &ReadOptions::default()).unwrap().rename_samples(&bad).unwrap_err();
        assert_eq!(e.to_string(), "r.tsv:3: sample `Z` is not in the count table (samples: A, B)");
        let clash = SampleRenames { file: "r.tsv".into(), pairs: vec![("A".into(), "B".into(), 4)] };
        let e = read_htseq(&flat, &ReadOptions::default()).unwrap().rename_samples(&clash).unwrap_err();
        assert_eq!(e.to_string(), "r.tsv:4: duplicate sample name `B`");
    }

    #[test]
    fn error_gaps_of_issue_19() {
        // Issue 19 #7: zero library size names its file, a missing file says it once, binary
        // bytes are escaped, a semicolon file gets a hint.
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "z.tsv", "gene\tA\tB\ng1\t0\t5\n");
        let t = read_counts(&p, &ReadOptions::default()).unwrap();
        let e = t.check_library_sizes(&[0, 1]).unwrap_err().to_string();
        assert!(e.ends_with("z.tsv:1: sample `A` has library size zero (no reads in any gene)"), "{e}");
        assert!(t.check_library_sizes(&[1]).is_ok());
        let e = read_counts(&dir.path().join("missing.tsv"), &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().ends_with("missing.tsv: no such file"), "{e}");
        let e = read_counts(dir.path(), &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().ends_with(": is a folder, not a file"), "{e}");
        let p = write(dir.path(), "b.tsv", "gene\tA\u{1b}[2J\tA\u{1b}[2J\ng\t1\t2\n");
        let e = read_counts(&p, &ReadOptions::default()).unwrap_err().to_string();
        assert!(!e.contains('\u{1b}'), "{e:?}");
        assert!(e.contains("duplicate sample name `A\\u{1b}[2J`"), "{e}");
        let p = write(dir.path(), "s.csv", "gene;A;B\ng1;1;2\n");
        let e = read_counts(&p, &ReadOptions::default()).unwrap_err().to_string();
        assert!(e.contains("s.csv:1: header `gene;A;B` is separated by semicolons"), "{e}");
        // A BAM (or any binary file) is named as such, not as a semicolon file.
        let bam = dir.path().join("x.bam");
        std::fs::write(&bam, b"BAM\x01\x05\0\0\0@HD;\xff\x02\n").unwrap();
        let e = read_counts(&bam, &ReadOptions::default()).unwrap_err().to_string();
        assert!(e.contains("x.bam:1: not a text table"), "{e}");
    }

    #[test]
    fn big_matrices_read_the_same_and_fail_at_the_first_bad_row_at_any_thread_count() {
        // ~2.5 MB: several blocks, each cut into chunks (crate::chunked); CRLF and LF lines,
        // comments and blank lines, no line end after the last row.
        let mut lines = vec!["gene\tS1\tS2\tS3".to_owned()];
        let mut at = Vec::new();
        for i in 0..100_000u32 {
            if i % 1009 == 3 {
                lines.extend(["# note".to_owned(), String::new()]);
            }
            lines.push(format!("ENSG{i:011}\t{}\t{}\t{}", i % 17, i, i / 3));
            at.push(lines.len());
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.tsv");
        let write_lines = |lines: &[String]| {
            let mut text = lines.join("\n");
            text = text.replacen('\n', "\r\n", 5000);
            std::fs::write(&p, text).unwrap();
        };
        write_lines(&lines);
        let pools: Vec<rayon::ThreadPool> =
            [1, 3].iter().map(|&n| rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap()).collect();
        let read = || read_counts(&p, &ReadOptions::default());
        for pool in &pools {
            let t = pool.install(read).unwrap();
            assert_eq!(t.matrix.n_genes(), 100_000);
            assert_eq!(t.matrix.genes()[99_999], "ENSG00000099999");
            assert_eq!(t.matrix.counts().row(99_999).to_vec(), [99_999 % 17, 99_999, 33_333]);
            assert_eq!(t.matrix.counts().column(1).iter().map(|&c| u64::from(c)).sum::<u64>(), 4_999_950_000);
        }
        let err = |lines: &[String]| {
            write_lines(lines);
            let errors: Vec<String> =
                pools.iter().map(|pool| pool.install(read).unwrap_err().to_string()).collect();
            assert_eq!(errors[0], errors[1]);
            errors[0].clone()
        };
        // A repeated gene late, a bad count earlier (in another block): the bad count.
        lines[at[90_000] - 1] = format!("ENSG{:011}\t1\t2\t3", 10);
        lines[at[60_000] - 1] = "ENSG00000060000\t1\t-2\t3".into();
        let e = err(&lines);
        assert!(
            e.ends_with(&format!(
                "big.tsv:{}: count `-2` for gene `ENSG00000060000` sample `S2` is negative",
                at[60_000]
            )),
            "{e}"
        );
        // A repeated gene before the bad count: the repeated gene.
        lines[at[50_000] - 1] = format!("ENSG{:011}\t1\t2\t3", 49_000);
        let e = err(&lines);
        assert!(
            e.ends_with(&format!(
                "big.tsv:{}: duplicate gene id `ENSG00000049000` (first on line {})",
                at[50_000], at[49_000]
            )),
            "{e}"
        );
        // A truncated gzip stream after a bad row: the bad row; without it, the gzip error.
        let gz = dir.path().join("big.tsv.gz");
        let truncated = |lines: &[String]| {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(lines.join("\n").as_bytes()).unwrap();
            let bytes = enc.finish().unwrap();
            std::fs::write(&gz, &bytes[..bytes.len() * 9 / 10]).unwrap();
            let errors: Vec<String> = pools
                .iter()
                .map(|pool| {
                    pool.install(|| read_counts(&gz, &ReadOptions::default())).unwrap_err().to_string()
                })
                .collect();
            assert_eq!(errors[0], errors[1]);
            errors[0].clone()
        };
        lines[at[50_000] - 1] = "ENSG00000050000\t1\t2\t3".into();
        let e = truncated(&lines);
        assert!(e.contains(&format!("big.tsv.gz:{}: count `-2`", at[60_000])), "{e}");
        lines[at[60_000] - 1] = "ENSG00000060000\t1\t2\t3".into();
        lines[at[90_000] - 1] = "ENSG00000090000\t1\t2\t3".into();
        let e = truncated(&lines);
        assert!(e.contains("truncated"), "{e}");
    }
}
