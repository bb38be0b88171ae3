//! `de.tsv` / `de.json`: edgeR `topTags` columns in topTags order, plus the dispersion each gene
//! was tested with — `gene logFC logCPM PValue FDR dispersion` for the exact test, with the test
//! statistic after `logCPM` for the GLM tests (`… logCPM F PValue …` for `glmQLFTest`,
//! `… logCPM LR PValue …` for `glmLRT`) — and the reader `degsea plot` uses to re-draw a volcano
//! from an output folder.
//!
//! ```
//! let genes = ["g1".to_owned(), "g2".to_owned()];
//! let t = degsea_io::de_table::DeColumns {
//!     genes: &genes,
//!     log_fc: &[1.5, -0.25],
//!     log_cpm: &[3.0, 2.0],
//!     p_value: &[0.5, 1e-6],
//!     fdr: &[0.5, 2e-6],
//!     dispersion: &[0.1, 0.1],
//!     statistic: None,
//!     order: &[1, 0],
//! };
//! let mut out = Vec::new();
//! t.write_tsv(&mut out)?;
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     "gene\tlogFC\tlogCPM\tPValue\tFDR\tdispersion\ng2\t-0.25\t2\t1e-6\t2e-6\t0.1\ng1\t1.5\t3\t0.5\t0.5\t0.1\n"
//! );
//! let t = degsea_io::de_table::DeColumns {
//!     statistic: Some(degsea_io::de_table::Statistic { name: "F", values: &[0.4, 30.0] }),
//!     ..t
//! };
//! let mut out = Vec::new();
//! t.write_tsv(&mut out)?;
//! assert!(String::from_utf8(out).unwrap().starts_with("gene\tlogFC\tlogCPM\tF\tPValue\tFDR\tdispersion\ng2\t-0.25\t2\t30\t"));
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use crate::Result;
use crate::manifest::num;
use crate::results::{number, read_columns};
use crate::table::write_f64;

/// The header of `de.tsv` for the exact test (no statistic column).
pub const HEADER: &str = "gene\tlogFC\tlogCPM\tPValue\tFDR\tdispersion";

/// A test statistic column of `topTags` (`F` of `glmQLFTest`, `LR` of `glmLRT`).
#[derive(Debug, Clone, Copy)]
pub struct Statistic<'a> {
    /// Column name as topTags prints it.
    pub name: &'a str,
    /// One value per analysed gene.
    pub values: &'a [f64],
}

/// A DE result as columns (gene order of the analysis) and the row order to write.
#[derive(Debug, Clone, Copy)]
pub struct DeColumns<'a> {
    /// Gene ids, one per analysed gene.
    pub genes: &'a [String],
    /// log2 fold changes (test vs reference).
    pub log_fc: &'a [f64],
    /// Average log2 counts per million.
    pub log_cpm: &'a [f64],
    /// P-values.
    pub p_value: &'a [f64],
    /// BH-adjusted p-values.
    pub fdr: &'a [f64],
    /// Dispersion each gene was tested with.
    pub dispersion: &'a [f64],
    /// The test statistic, written after `logCPM` (GLM tests); `None` for the exact test.
    pub statistic: Option<Statistic<'a>>,
    /// Row order (indices into the columns), e.g. topTags order.
    pub order: &'a [usize],
}

impl DeColumns<'_> {
    /// Writes `de.tsv` (shortest round-trip numbers, `NA` for NaN).
    pub fn write_tsv(&self, w: &mut impl Write) -> io::Result<()> {
        match self.statistic {
            None => writeln!(w, "{HEADER}")?,
            Some(s) => writeln!(w, "gene\tlogFC\tlogCPM\t{}\tPValue\tFDR\tdispersion", s.name)?,
        }
        for &i in self.order {
            w.write_all(self.genes[i].as_bytes())?;
            let stat = self.statistic.map(|s| s.values[i]);
            for v in [self.log_fc[i], self.log_cpm[i]].into_iter().chain(stat).chain([
                self.p_value[i],
                self.fdr[i],
                self.dispersion[i],
            ]) {
                w.write_all(b"\t")?;
                write_f64(w, v)?;
            }
            w.write_all(b"\n")?;
        }
        w.flush()
    }

    /// The rows in [`Self::order`] as an owned [`DeTable`].
    pub fn to_table(&self) -> DeTable {
        let pick = |v: &[f64]| self.order.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        DeTable {
            genes: self.order.iter().map(|&i| self.genes[i].clone()).collect(),
            log_fc: pick(self.log_fc),
            log_cpm: pick(self.log_cpm),
            p_value: pick(self.p_value),
            fdr: pick(self.fdr),
            dispersion: pick(self.dispersion),
        }
    }

    /// The `de.json` document: the rows as objects (NaN as null).
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.order
                .iter()
                .map(|&i| {
                    let mut row = json!({
                        "gene": self.genes[i],
                        "logFC": num(self.log_fc[i]),
                        "logCPM": num(self.log_cpm[i]),
                        "PValue": num(self.p_value[i]),
                        "FDR": num(self.fdr[i]),
                        "dispersion": num(self.dispersion[i]),
                    });
                    if let (Some(s), Value::Object(o)) = (self.statistic, &mut row) {
                        o.insert(s.name.to_owned(), num(s.values[i]));
                    }
                    row
                })
                .collect(),
        )
    }
}

/// One `de.tsv` row as read back for plotting.
#[derive(Debug, Clone, PartialEq)]
pub struct DeRecord {
    /// Gene name: the `symbol`/`gene_name` column when present and not empty, else `gene`.
    pub gene: String,
    /// log2 fold change.
    pub log_fc: f64,
    /// P-value.
    pub p_value: f64,
    /// BH-adjusted p-value.
    pub fdr: f64,
}

/// Optional columns with a readable gene name, preferred for labels.
const SYMBOL_COLUMNS: [&str; 3] = ["symbol", "gene_name", "SYMBOL"];

/// Reads `gene`, `logFC`, `PValue`, `FDR` (and a symbol column if any) from a `de.tsv`.
pub fn read(path: &Path) -> Result<Vec<DeRecord>> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| crate::lines::io_error(path, e))?;
    let header = text.lines().next().unwrap_or_default();
    let symbol = SYMBOL_COLUMNS.into_iter().find(|c| header.split('\t').any(|h| h.trim() == *c));
    let mut wanted = vec!["gene", "logFC", "PValue", "FDR"];
    wanted.extend(symbol);
    read_columns(&text, &file, &wanted)?
        .into_iter()
        .map(|(line, f)| {
            let name = f.get(4).filter(|s| !s.is_empty() && s.as_str() != "NA").unwrap_or(&f[0]);
            Ok(DeRecord {
                log_fc: number(&file, line, "logFC", &f[1])?,
                p_value: number(&file, line, "PValue", &f[2])?,
                fdr: number(&file, line, "FDR", &f[3])?,
                gene: name.clone(),
            })
        })
        .collect()
}

/// A whole `de.tsv` as owned columns, in the file's (topTags) row order: what a report of an
/// output folder shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeTable {
    /// Gene ids.
    pub genes: Vec<String>,
    /// log2 fold change.
    pub log_fc: Vec<f64>,
    /// Average log2 CPM (edgeR `AveLogCPM`).
    pub log_cpm: Vec<f64>,
    /// P-value.
    pub p_value: Vec<f64>,
    /// BH FDR.
    pub fdr: Vec<f64>,
    /// Dispersion the gene was tested with; NaN where the table has no `dispersion` column.
    pub dispersion: Vec<f64>,
}

/// Reads every row of a `de.tsv` (`gene logFC logCPM PValue FDR`, and `dispersion` when
/// present) into a [`DeTable`].
///
/// # Errors
/// A missing column or a cell that is not a number, naming file, line, column and value.
pub fn read_table(path: &Path) -> Result<DeTable> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| crate::lines::io_error(path, e))?;
    let header = text.lines().next().unwrap_or_default();
    let with_dispersion = header.split('\t').any(|h| h.trim() == "dispersion");
    let mut wanted = vec!["gene", "logFC", "logCPM", "PValue", "FDR"];
    if with_dispersion {
        wanted.push("dispersion");
    }
    let mut t = DeTable::default();
    for (line, f) in read_columns(&text, &file, &wanted)? {
        t.log_fc.push(number(&file, line, "logFC", &f[1])?);
        t.log_cpm.push(number(&file, line, "logCPM", &f[2])?);
        t.p_value.push(number(&file, line, "PValue", &f[3])?);
        t.fdr.push(number(&file, line, "FDR", &f[4])?);
        t.dispersion.push(if with_dispersion { number(&file, line, "dispersion", &f[5])? } else { f64::NAN });
        t.genes.push(f.into_iter().next().unwrap_or_default());
    }
    Ok(t)
}
