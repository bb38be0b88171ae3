//! `degsea normalize`: filterByExpr, normalisation factors and log-CPM (edgeR 3.40.2).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use degsea_de::norm::Method;
use degsea_de::{PrepareOptions, prepare};
use degsea_io::output::OutputDir;
use degsea_io::table::write_f64;
use rayon::prelude::*;

use crate::commands::input::{InputArgs, read_inputs};
use crate::commands::tables::{write_filter, write_norm_factors};
use crate::log;

/// Rows of log-CPM formatted per parallel task.
const FORMAT_CHUNK_ROWS: usize = 256;
/// Rows of log-CPM held formatted in memory at once.
const WRITE_BLOCK_ROWS: usize = 8192;

/// Arguments of `degsea normalize`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// Output folder: filter.tsv, norm_factors.tsv and logcpm.tsv (written atomically).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Normalisation method (edgeR calcNormFactors).
    #[arg(long, value_name = "METHOD", default_value = "tmm", value_parser = parse_method)]
    norm: Method,
    /// Keep every gene (skip filterByExpr).
    #[arg(long)]
    no_filter: bool,
}

/// The factors for the log: all of them for a few samples, else their range.
pub(crate) fn summarize_factors(f: &[f64]) -> String {
    if f.len() <= 12 {
        f.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(" ")
    } else {
        let lo = f.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = f.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("from {lo:.4} to {hi:.4} over {} samples", f.len())
    }
}

fn parse_method(s: &str) -> Result<Method, String> {
    s.parse()
}

/// Runs `degsea normalize`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let Args { input, out: out_dir, norm, no_filter } = args;
    let t0 = std::time::Instant::now();
    let inputs = read_inputs(&input)?;
    log::debug(&format!("read inputs in {:.3} s", t0.elapsed().as_secs_f64()));
    let t1 = std::time::Instant::now();
    let opts = PrepareOptions { no_filter, method: norm, ..PrepareOptions::default() };
    let prepared = prepare(&inputs.table.matrix, &inputs.groups, &opts)?;
    log::debug(&format!("filterByExpr + {norm} in {:.3} s", t1.elapsed().as_secs_f64()));
    let t2 = std::time::Instant::now();
    let filtered = if no_filter { "no filter (--no-filter)" } else { "filterByExpr" };
    log::info(&format!(
        "{filtered}: kept {} of {} genes; {} factors {}",
        prepared.n_kept(),
        prepared.keep.len(),
        norm,
        summarize_factors(&prepared.norm_factors)
    ));

    let genes = inputs.table.matrix.genes();
    let samples = prepared.counts.samples();
    let log_cpm = prepared.log_cpm(degsea_de::cpm::PRIOR_COUNT);
    let dest = out_dir.display().to_string();
    let mut out = OutputDir::new(&out_dir).with_context(|| format!("preparing output folder `{dest}`"))?;
    (|| -> std::io::Result<()> {
        write_filter(&mut out.create("filter.tsv")?, genes, &prepared.keep)?;
        write_norm_factors(&mut out.create("norm_factors.tsv")?, &prepared, &inputs.groups)?;

        let mut w = out.create("logcpm.tsv")?;
        write!(w, "gene")?;
        for s in samples {
            write!(w, "\t{s}")?;
        }
        w.write_all(b"\n")?;
        // Rows are formatted in parallel blocks (float formatting dominates), then written in order.
        let genes_kept = prepared.counts.genes();
        let n_cols = samples.len();
        let log_cpm = log_cpm.as_standard_layout();
        let values = log_cpm.as_slice().expect("a standard-layout array is one slice");
        for (block, rows) in values.chunks(WRITE_BLOCK_ROWS * n_cols).enumerate() {
            let first = block * WRITE_BLOCK_ROWS;
            let parts: Vec<std::io::Result<Vec<u8>>> = rows
                .par_chunks(FORMAT_CHUNK_ROWS * n_cols)
                .enumerate()
                .map(|(c, chunk)| {
                    let mut buf = Vec::with_capacity(chunk.len() * 20);
                    for (r, row) in chunk.chunks(n_cols).enumerate() {
                        buf.extend_from_slice(genes_kept[first + c * FORMAT_CHUNK_ROWS + r].as_bytes());
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
    })()
    .with_context(|| format!("writing into `{dest}`"))?;
    out.commit().with_context(|| format!("publishing output folder `{dest}`"))?;
    log::debug(&format!("logCPM and outputs in {:.3} s", t2.elapsed().as_secs_f64()));
    log::info(&format!("wrote {dest}/filter.tsv, norm_factors.tsv, logcpm.tsv"));
    Ok(())
}
