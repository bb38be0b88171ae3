//! `gsea.tsv` / `gsea.json`: fgsea's result columns `pathway size ES NES pval padj log2err
//! leadingEdge`, sorted by pval (leading edge comma-joined in the TSV, an array in JSON); in
//! phenotype-permutation mode Broad/GSEApy's `pathway size ES NES pval fdr_q fwer_p rank_at_max
//! leadingEdge` ([`PhenotypeRecord`]); and the reader `degsea plot` uses to re-draw from an
//! output folder (either layout: `fdr_q` stands for `padj`).
//!
//! ```
//! use degsea_io::gsea_table::{GseaRecord, to_tsv};
//! let rows = [GseaRecord {
//!     pathway: "SET".into(),
//!     size: 20,
//!     es: 0.5,
//!     nes: 1.75,
//!     pval: 1e-5,
//!     padj: 2e-5,
//!     log2err: f64::NAN,
//!     leading_edge: vec!["A".into(), "B".into()],
//! }];
//! assert_eq!(
//!     to_tsv(&rows),
//!     "pathway\tsize\tES\tNES\tpval\tpadj\tlog2err\tleadingEdge\nSET\t20\t0.5\t1.75\t1e-5\t2e-5\tNA\tA,B\n"
//! );
//! ```

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::Result;
use crate::manifest::num;
use crate::results::{number, read_columns};
use crate::table::fmt_f64;

/// One pathway of a preranked GSEA result, in fgsea's columns.
#[derive(Debug, Clone, PartialEq)]
pub struct GseaRecord {
    /// Gene-set name.
    pub pathway: String,
    /// Genes of the set found in the ranking.
    pub size: usize,
    /// Enrichment score.
    pub es: f64,
    /// Normalised enrichment score.
    pub nes: f64,
    /// P-value.
    pub pval: f64,
    /// BH-adjusted p-value.
    pub padj: f64,
    /// Expected error of log2 p (NaN when not estimated).
    pub log2err: f64,
    /// Leading-edge genes, in ranking order.
    pub leading_edge: Vec<String>,
}

/// One cell of a `gsea.tsv` row, typed for its TSV text and its JSON value.
enum Cell<'a> {
    Text(&'a str),
    Count(usize),
    /// NaN is `NA` in the TSV and `null` in JSON.
    Num(f64),
    /// Comma-joined in the TSV, an array in JSON.
    Genes(&'a [String]),
}

/// A result row written as `gsea.tsv` / `gsea.json`: its column names and cells, in order.
trait Columns {
    const NAMES: &'static [&'static str];
    fn cells(&self) -> Vec<Cell<'_>>;
}

/// The columns both layouts start with: `pathway size ES NES pval`.
fn first_cells(pathway: &str, size: usize, es: f64, nes: f64, pval: f64) -> Vec<Cell<'_>> {
    vec![Cell::Text(pathway), Cell::Count(size), Cell::Num(es), Cell::Num(nes), Cell::Num(pval)]
}

impl Columns for GseaRecord {
    const NAMES: &'static [&'static str] =
        &["pathway", "size", "ES", "NES", "pval", "padj", "log2err", "leadingEdge"];
    fn cells(&self) -> Vec<Cell<'_>> {
        let mut cells = first_cells(&self.pathway, self.size, self.es, self.nes, self.pval);
        cells.extend([Cell::Num(self.padj), Cell::Num(self.log2err), Cell::Genes(&self.leading_edge)]);
        cells
    }
}

impl Columns for PhenotypeRecord {
    const NAMES: &'static [&'static str] =
        &["pathway", "size", "ES", "NES", "pval", "fdr_q", "fwer_p", "rank_at_max", "leadingEdge"];
    fn cells(&self) -> Vec<Cell<'_>> {
        let mut cells = first_cells(&self.pathway, self.size, self.es, self.nes, self.pval);
        cells.extend([
            Cell::Num(self.fdr_q),
            Cell::Num(self.fwer_p),
            Cell::Count(self.rank_at_max),
            Cell::Genes(&self.leading_edge),
        ]);
        cells
    }
}

/// The TSV text of `rows`: a header line, then one line per row in the order given.
fn tsv<R: Columns>(rows: &[R]) -> String {
    let mut s = R::NAMES.join("\t");
    s.push('\n');
    for r in rows {
        for (i, cell) in r.cells().into_iter().enumerate() {
            if i > 0 {
                s.push('\t');
            }
            match cell {
                Cell::Text(t) => s.push_str(t),
                Cell::Count(n) => {
                    let _ = write!(s, "{n}");
                }
                Cell::Num(x) => s.push_str(&fmt_f64(x)),
                Cell::Genes(g) => s.push_str(&g.join(",")),
            }
        }
        s.push('\n');
    }
    s
}

/// The JSON document of `rows`: `{"pathways": [{column: value, ...}, ...]}`, NaN as null.
fn json<R: Columns>(rows: &[R]) -> Value {
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            let object: serde_json::Map<String, Value> = R::NAMES
                .iter()
                .zip(r.cells())
                .map(|(&name, cell)| {
                    let value = match cell {
                        Cell::Text(t) => json!(t),
                        Cell::Count(n) => json!(n),
                        Cell::Num(x) => num(x),
                        Cell::Genes(g) => json!(g),
                    };
                    (name.to_string(), value)
                })
                .collect();
            Value::Object(object)
        })
        .collect();
    json!({ "pathways": rows })
}

/// The `gsea.tsv` text of `rows` (in the order given).
pub fn to_tsv(rows: &[GseaRecord]) -> String {
    tsv(rows)
}

/// The `gsea.json` document of `rows`: `{"pathways": [...]}`, NaN as null.
pub fn to_json(rows: &[GseaRecord]) -> Value {
    json(rows)
}

pub use degsea_core::PhenotypeRecord;

/// The phenotype-mode `gsea.tsv` text of `rows` (in the order given).
///
/// ```
/// use degsea_io::gsea_table::{PhenotypeRecord, phenotype_tsv};
/// let rows = [PhenotypeRecord {
///     pathway: "SET".into(), size: 20, es: 0.5, nes: 1.75, pval: 0.0, fdr_q: 0.01,
///     fwer_p: 0.02, rank_at_max: 41, leading_edge: vec!["A".into(), "B".into()], hits: vec![],
/// }];
/// assert_eq!(
///     phenotype_tsv(&rows),
///     "pathway\tsize\tES\tNES\tpval\tfdr_q\tfwer_p\trank_at_max\tleadingEdge\nSET\t20\t0.5\t1.75\t0\t0.01\t0.02\t41\tA,B\n"
/// );
/// ```
pub fn phenotype_tsv(rows: &[PhenotypeRecord]) -> String {
    tsv(rows)
}

/// The phenotype-mode `gsea.json` document: `{"pathways": [...]}`, NaN as null.
pub fn phenotype_json(rows: &[PhenotypeRecord]) -> Value {
    json(rows)
}

/// The columns of a `gsea.tsv` that plots need.
#[derive(Debug, Clone, PartialEq)]
pub struct GseaSummary {
    /// Gene-set name.
    pub pathway: String,
    /// Enrichment score.
    pub es: f64,
    /// Normalised enrichment score.
    pub nes: f64,
    /// Adjusted p-value (`fdr_q` of a phenotype-mode table).
    pub padj: f64,
}

/// Reads `pathway`, `ES`, `NES`, `padj` from a `gsea.tsv` (`fdr_q` in place of `padj` in a
/// phenotype-mode table).
pub fn read(path: &Path) -> Result<Vec<GseaSummary>> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| crate::lines::io_error(path, e))?;
    let header = text.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#')).unwrap_or_default();
    let q_col = if header.split('\t').any(|c| c.trim() == "fdr_q") { "fdr_q" } else { "padj" };
    read_columns(&text, &file, &["pathway", "ES", "NES", q_col])?
        .into_iter()
        .map(|(line, f)| {
            Ok(GseaSummary {
                es: number(&file, line, "ES", &f[1])?,
                nes: number(&file, line, "NES", &f[2])?,
                padj: number(&file, line, q_col, &f[3])?,
                pathway: f[0].clone(),
            })
        })
        .collect()
}

/// Reads every row of a `gsea.tsv` into [`GseaRecord`]s, in file order. The adjusted p-value
/// is `padj` (preranked) or, failing that, `fdr_q` (phenotype permutation); `log2err` is NaN
/// when the table has none.
///
/// # Errors
/// A missing column or a cell that is not a number, naming file, line, column and value.
pub fn read_records(path: &Path) -> Result<Vec<GseaRecord>> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| crate::lines::io_error(path, e))?;
    let header: Vec<&str> = text.lines().next().unwrap_or_default().split('\t').map(str::trim).collect();
    let adjusted = if header.contains(&"padj") { "padj" } else { "fdr_q" };
    let mut wanted = vec!["pathway", "size", "ES", "NES", "pval", adjusted, "leadingEdge"];
    let with_err = header.contains(&"log2err");
    if with_err {
        wanted.push("log2err");
    }
    read_columns(&text, &file, &wanted)?
        .into_iter()
        .map(|(line, f)| {
            Ok(GseaRecord {
                size: f[1].parse().map_err(|_| crate::Error::Table {
                    file: file.clone(),
                    line,
                    reason: format!("size `{}` is not a count", f[1]),
                })?,
                es: number(&file, line, "ES", &f[2])?,
                nes: number(&file, line, "NES", &f[3])?,
                pval: number(&file, line, "pval", &f[4])?,
                padj: number(&file, line, adjusted, &f[5])?,
                log2err: if with_err { number(&file, line, "log2err", &f[7])? } else { f64::NAN },
                leading_edge: f[6].split(',').filter(|g| !g.is_empty()).map(str::to_owned).collect(),
                pathway: f[0].clone(),
            })
        })
        .collect()
}
