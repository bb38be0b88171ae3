//! The normalisation tables every counts-based command writes identically: `filter.tsv`
//! (`gene keep`, R's `TRUE`/`FALSE`, one row per input gene), `norm_factors.tsv` (`sample group
//! lib_size norm_factor eff_lib_size`, one row per analysed sample) and `logcpm.tsv` (genes ×
//! samples log2 CPM).
//!
//! ```
//! let mut out = Vec::new();
//! degsea_io::norm_tables::write_filter(&mut out, &["g1".to_owned(), "g2".to_owned()], &[true, false])?;
//! assert_eq!(out, b"gene\tkeep\ng1\tTRUE\ng2\tFALSE\n");
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, Write};

use rayon::prelude::*;

use crate::table::{r_bool, write_f64};

/// Rows of log-CPM formatted per parallel task.
const FORMAT_CHUNK_ROWS: usize = 256;
/// Rows of log-CPM held formatted in memory at once.
const WRITE_BLOCK_ROWS: usize = 8192;

/// Writes `filter.tsv`.
pub fn write_filter(w: &mut impl Write, genes: &[String], keep: &[bool]) -> io::Result<()> {
    writeln!(w, "gene\tkeep")?;
    for (g, &k) in genes.iter().zip(keep) {
        writeln!(w, "{g}\t{}", r_bool(k))?;
    }
    w.flush()
}

/// One analysed sample of `norm_factors.tsv`.
#[derive(Debug, Clone, Copy)]
pub struct NormRow<'a> {
    /// Sample name.
    pub sample: &'a str,
    /// Its group's label.
    pub group: &'a str,
    /// Library size (column sum of the kept genes).
    pub lib_size: f64,
    /// Normalisation factor.
    pub norm_factor: f64,
    /// Effective library size, `lib_size · norm_factor`.
    pub eff_lib_size: f64,
}

/// Writes `norm_factors.tsv`.
pub fn write_norm_factors(w: &mut impl Write, rows: &[NormRow<'_>]) -> io::Result<()> {
    writeln!(w, "sample\tgroup\tlib_size\tnorm_factor\teff_lib_size")?;
    for r in rows {
        write!(w, "{}\t{}\t", r.sample, r.group)?;
        write_f64(w, r.lib_size)?;
        w.write_all(b"\t")?;
        write_f64(w, r.norm_factor)?;
        w.write_all(b"\t")?;
        write_f64(w, r.eff_lib_size)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// Writes `logcpm.tsv`: a `gene` + sample-name header, then one row per gene of the row-major
/// `values` (`genes.len() × samples.len()`). Rows are formatted in parallel blocks (float
/// formatting dominates) and written in order, so the bytes do not depend on the thread count.
///
/// ```
/// let mut out = Vec::new();
/// let genes = ["g".to_owned()];
/// let samples = ["a".to_owned(), "b".to_owned()];
/// degsea_io::norm_tables::write_logcpm(&mut out, &genes, &samples, &[1.5, -2.0])?;
/// assert_eq!(out, b"gene\ta\tb\ng\t1.5\t-2\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_logcpm(
    w: &mut impl Write,
    genes: &[String],
    samples: &[String],
    values: &[f64],
) -> io::Result<()> {
    write!(w, "gene")?;
    for s in samples {
        write!(w, "\t{s}")?;
    }
    w.write_all(b"\n")?;
    let n_cols = samples.len();
    if n_cols == 0 {
        return w.flush();
    }
    for (block, rows) in values.chunks(WRITE_BLOCK_ROWS * n_cols).enumerate() {
        let first = block * WRITE_BLOCK_ROWS;
        let parts: Vec<io::Result<Vec<u8>>> = rows
            .par_chunks(FORMAT_CHUNK_ROWS * n_cols)
            .enumerate()
            .map(|(c, chunk)| {
                let mut buf = Vec::with_capacity(chunk.len() * 20);
                for (r, row) in chunk.chunks(n_cols).enumerate() {
                    buf.extend_from_slice(genes[first + c * FORMAT_CHUNK_ROWS + r].as_bytes());
                    for &v in row {
                        buf.push(b'\t');
                        write_f64(&mut buf, v)?;
                    }
                    buf.push(b'\n');
                }
                Ok(buf)
            })
            .collect();
        for part in parts {
            w.write_all(&part?)?;
        }
    }
    w.flush()
}
