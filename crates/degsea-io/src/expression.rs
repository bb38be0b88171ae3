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

fn read_table(mut lines: Lines<'_>) -> Result<ExpressionTable> {
    let Header { names: header, delim, line: header_line } = lines.header()?;
    lines.text()?;
    let mut ranges = Vec::new();
    let samples = header[1..].to_vec();
    if samples.is_empty() {
        return Err(Error::NoSamples { file: lines.file, line: header_line });
    }
    check_samples(&samples, &lines.file, header_line)?;
    let mut table =
        ExpressionTable { genes: Vec::new(), samples, values: Vec::new(), format: ExpressionFormat::Table };
    while lines.next_record()? {
        split_fields(&lines.buf, delim, &mut ranges);
        let fields: Vec<&[u8]> = ranges.iter().map(|r| &lines.buf[r.clone()]).collect();
        push_row(&mut table, &fields, 1, &lines.file, lines.line)?;
    }
    if table.genes.is_empty() {
        return Err(Error::NoRows { file: lines.file });
    }
    Ok(table)
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

/// Parses one data row: `fields[0]` the gene id, `fields[skip..]` the values.
pub(crate) fn push_row(
    table: &mut ExpressionTable,
    fields: &[&[u8]],
    skip: usize,
    file: &str,
    line: u64,
) -> Result<()> {
    let n = table.samples.len();
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
                    table.samples[j]
                ),
            });
        };
        table.values.push(v);
    }
    table.genes.push(gene);
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
}
