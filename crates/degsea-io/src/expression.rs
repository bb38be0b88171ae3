//! Expression matrices for phenotype-permutation GSEA: a genes × samples table of real values
//! (log-CPM, microarray intensities), read from TSV/CSV (gzip or plain; `degsea normalize`'s
//! `logcpm.tsv` is one) or from Broad's GCT #1.2 ([`crate::gct`]), detected by its `#1.2` first
//! line. Gene ids may repeat (microarray probes of one symbol): merging them is the caller's
//! choice, as GSEApy averages them.
//!
//! ```
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("expr.tsv");
//! std::fs::write(&path, "gene\tA\tB\ng1\t1.5\t-2\ng1\t3\t0\n")?;
//! let t = degsea_io::expression::read(&path)?;
//! assert_eq!((t.genes.len(), t.samples.len(), t.values[1]), (2, 2, -2.0));
//! std::fs::write(&path, "gene\tA\tB\ng1\t1.5\tx\n")?;
//! assert!(degsea_io::expression::read(&path).unwrap_err().to_string().ends_with(
//!     "expr.tsv:2: value `x` of gene `g1` sample `B` is not a finite number"
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::BufRead as _;
use std::path::Path;

use crate::chunked::{Records, parse_rows};
use crate::lines::{Header, Lines, open, printable, split_fields};
use crate::{Error, Result};

/// A genes × samples matrix of real values, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpressionTable {
    /// Gene id of each row (may repeat).
    pub genes: Vec<String>,
    /// Sample name of each column (unique).
    pub samples: Vec<String>,
    /// `values[g * samples.len() + j]`.
    pub values: Vec<f64>,
    /// The file's format.
    pub format: ExpressionFormat,
}

/// Which layout an expression file had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpressionFormat {
    /// A delimited table: `gene` column, then one column per sample.
    Table,
    /// Broad GCT #1.2 (`Name`, `Description`, samples).
    Gct,
}

impl ExpressionTable {
    /// Number of genes with more than one row, and the rows beyond the first of each.
    pub fn duplicates(&self) -> (usize, usize) {
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for g in &self.genes {
            *seen.entry(g).or_default() += 1;
        }
        let genes = seen.values().filter(|&&n| n > 1).count();
        (genes, self.genes.len() - seen.len())
    }
}

/// Reads an expression matrix: GCT #1.2 when the first line is `#1.2` (see [`crate::gct`]),
/// otherwise a TSV/CSV table whose header names the gene column and then the samples. Every
/// value must be a finite number.
///
/// # Errors
/// Names the file, line and value: unreadable file, no header or rows, duplicate or missing
/// sample names, ragged rows, empty ids, values that are not finite numbers, and the GCT rules.
pub fn read(path: &Path) -> Result<ExpressionTable> {
    let (mut reader, gzip) = open(path)?;
    let file = printable(&path.display().to_string());
    let head = reader.fill_buf().map_err(|e| crate::lines::io_error(path, e))?;
    if head.starts_with(crate::gct::VERSION_PREFIX) {
        return crate::gct::parse(reader, &file);
    }
    read_table(Lines::with_reader(reader, gzip, file))
}

/// Reads a TSV/CSV table after its first line; the rows are parsed in parallel chunks
/// (`chunked.rs`), the first bad row in the file is the error.
fn read_table(mut lines: Lines<'_>) -> Result<ExpressionTable> {
    let Header { names: header, delim, line: header_line } = lines.header()?;
    lines.text()?;
    let samples = header[1..].to_vec();
    if samples.is_empty() {
        return Err(Error::NoSamples { file: lines.file, line: header_line });
    }
    check_samples(&samples, &lines.file, header_line)?;
    let file = lines.file.clone();
    let mut genes = Vec::new();
    let mut values = Vec::new();
    let parse = |records: Records<'_>| {
        let rows = records.max_records();
        let mut chunk_genes = Vec::with_capacity(rows);
        let mut chunk_values = Vec::with_capacity(rows * samples.len());
        let mut ranges = Vec::new();
        let mut fields: Vec<&[u8]> = Vec::new();
        for (line, record) in records {
            split_fields(record, delim, &mut ranges);
            fields.clear();
            fields.extend(ranges.iter().map(|r| &record[r.clone()]));
            if let Err(e) = push_row(&mut chunk_genes, &mut chunk_values, &samples, &fields, 1, &file, line) {
                return (chunk_genes, chunk_values, Some(e));
            }
        }
        (chunk_genes, chunk_values, None)
    };
    parse_rows(&mut lines, parse, |(chunk_genes, chunk_values, error)| {
        if genes.is_empty() {
            (genes, values) = (chunk_genes, chunk_values);
        } else {
            genes.extend(chunk_genes);
            values.extend_from_slice(&chunk_values);
        }
        error.map_or(Ok(()), Err)
    })?;
    if genes.is_empty() {
        return Err(Error::NoRows { file: lines.file });
    }
    Ok(ExpressionTable { genes, samples, values, format: ExpressionFormat::Table })
}

/// Rejects an empty or repeated sample name.
pub(crate) fn check_samples(samples: &[String], file: &str, line: u64) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for s in samples {
        if s.is_empty() {
            return Err(Error::Format {
                file: file.to_owned(),
                line,
                reason: "empty sample name in the header".into(),
            });
        }
        if !seen.insert(s.as_str()) {
            return Err(Error::DuplicateSample { file: file.to_owned(), line, sample: s.clone() });
        }
    }
    Ok(())
}

/// Parses one data row: `fields[0]` the gene id, `fields[skip..]` the values (one per sample),
/// appended to `genes` and `values`.
pub(crate) fn push_row(
    genes: &mut Vec<String>,
    values: &mut Vec<f64>,
    samples: &[String],
    fields: &[&[u8]],
    skip: usize,
    file: &str,
    line: u64,
) -> Result<()> {
    let n = samples.len();
    let text = |b: &[u8]| printable(String::from_utf8_lossy(b).trim());
    let gene = text(fields[0]);
    if gene.is_empty() {
        return Err(Error::EmptyId { file: file.to_owned(), line });
    }
    if fields.len() != n + skip {
        return Err(Error::Ragged {
            file: file.to_owned(),
            line,
            id: gene,
            found: fields.len().saturating_sub(skip),
            expected: n,
        });
    }
    for (j, f) in fields[skip..].iter().enumerate() {
        let v =
            std::str::from_utf8(f).ok().and_then(|s| s.trim().parse::<f64>().ok()).filter(|v| v.is_finite());
        let Some(v) = v else {
            return Err(Error::Format {
                file: file.to_owned(),
                line,
                reason: format!(
                    "value `{}` of gene `{gene}` sample `{}` is not a finite number",
                    text(f),
                    samples[j]
                ),
            });
        };
        values.push(v);
    }
    genes.push(gene);
    Ok(())
}

/// Writes a table as TSV (`gene`, samples), values in shortest round-trip form.
///
/// # Errors
/// Write errors.
pub fn write_tsv(w: &mut impl std::io::Write, table: &ExpressionTable) -> std::io::Result<()> {
    crate::norm_tables::write_logcpm(w, &table.genes, &table.samples, &table.values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str) -> Result<ExpressionTable> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.tsv");
        std::fs::write(&p, text).unwrap();
        read(&p)
    }

    #[test]
    fn reads_csv_and_counts_duplicates() {
        let t = read_str("id,a,b\nx,1,2\ny,3,4\nx,5,6e-3\n").unwrap();
        assert_eq!(t.samples, ["a", "b"]);
        assert_eq!(t.values, [1.0, 2.0, 3.0, 4.0, 5.0, 0.006]);
        assert_eq!(t.duplicates(), (1, 1));
        assert_eq!(t.format, ExpressionFormat::Table);
    }

    #[test]
    fn errors_name_file_line_value() {
        let e = |t: &str| read_str(t).unwrap_err().to_string();
        assert!(
            e("gene\ta\tb\ng\t1\tNA\n")
                .ends_with("e.tsv:2: value `NA` of gene `g` sample `b` is not a finite number")
        );
        assert!(
            e("gene\ta\tb\ng\t1\n").ends_with("e.tsv:2: row `g` has 1 value field(s) but the header names 2")
        );
        assert!(e("gene\ta\ta\ng\t1\t2\n").ends_with("e.tsv:1: duplicate sample name `a`"));
        assert!(e("gene\ta\n").ends_with("e.tsv: no data rows after the header"));
        assert!(
            e("gene\n")
                .ends_with("e.tsv:1: header has no sample columns (is the delimiter a tab or a comma?)")
        );
        assert!(e("gene\ta\n\t1\n").ends_with("e.tsv:2: empty id in the first column"));
    }

    /// A table of `rows` genes (about 30 bytes each) with CRLF and LF lines, comments and
    /// blank lines, and no line end after the last row; the value rows and the line of each.
    fn big_table(rows: usize) -> (Vec<String>, Vec<u64>, Vec<f64>) {
        let mut lines = vec!["gene\ta\tb\tc".to_owned()];
        let mut at = Vec::new();
        let mut values = Vec::new();
        for i in 0..rows {
            if i % 997 == 5 {
                lines.extend(["# a comment".to_owned(), String::new(), " \t ".to_owned()]);
            }
            let v = [i as f64 * 0.001, -(i as f64) / 7.0, 1e-300 * i as f64];
            lines.push(format!("g{i}\t{}\t{}\t{:e}", v[0], v[1], v[2]));
            at.push(lines.len() as u64);
            values.extend(v);
        }
        (lines, at, values)
    }

    fn write_table(path: &Path, lines: &[String]) {
        let mut text = String::new();
        for (i, l) in lines.iter().enumerate() {
            text.push_str(l);
            if i + 1 < lines.len() {
                text.push_str(if i % 3 == 0 { "\r\n" } else { "\n" });
            }
        }
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn big_tables_read_the_same_and_fail_at_the_first_bad_row_at_any_thread_count() {
        // ~3.6 MB: several blocks, each cut into chunks (crate::chunked).
        let (mut lines, at, values) = big_table(120_000);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.tsv");
        write_table(&p, &lines);
        let pools: Vec<rayon::ThreadPool> =
            [1, 3].iter().map(|&n| rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap()).collect();
        for pool in &pools {
            let t = pool.install(|| read(&p)).unwrap();
            assert_eq!(t.genes.len(), 120_000);
            assert_eq!((t.genes[0].as_str(), t.genes[119_999].as_str()), ("g0", "g119999"));
            assert_eq!(t.values.len(), values.len());
            assert!(t.values.iter().zip(&values).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
        // A bad value late in the file; then a ragged row early: the early one is reported.
        lines[at[110_000] as usize - 1] = "g110000\t1\tx\t2".into();
        write_table(&p, &lines);
        let late =
            format!("big.tsv:{}: value `x` of gene `g110000` sample `b` is not a finite number", at[110_000]);
        for pool in &pools {
            let e = pool.install(|| read(&p)).unwrap_err().to_string();
            assert!(e.ends_with(&late), "{e}");
        }
        lines[at[40] as usize - 1] = "g40\t1\t2".into();
        write_table(&p, &lines);
        let early = format!("big.tsv:{}: row `g40` has 2 value field(s) but the header names 3", at[40]);
        for pool in &pools {
            let e = pool.install(|| read(&p)).unwrap_err().to_string();
            assert!(e.ends_with(&early), "{e}");
        }
    }
}
