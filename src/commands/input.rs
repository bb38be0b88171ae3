//! Reading the inputs shared by `normalize`, `de` and `run`: the count file(s), the sample
//! sheet and the contrast, resolved into two groups.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use degsea_core::{Contrast, SampleSheet, TwoGroups};
use degsea_io::counts::{CountFormat, CountTable, ReadOptions, read_count_files};
use degsea_io::samples::read_sample_sheet;

use crate::log;

/// Input flags shared by the commands that start from counts (flatten into their `Args`).
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct InputArgs {
    /// Count matrix: genes × samples TSV/CSV (gzip or plain) or featureCounts output; or
    /// several HTSeq-count files, one per sample (repeat the flag or list them).
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub(crate) counts: Vec<PathBuf>,
    /// Sample sheet (TSV/CSV): first column the sample id, a header row naming the columns.
    #[arg(long, value_name = "FILE")]
    pub(crate) samples: PathBuf,
    /// Two-group contrast `COLUMN: LEVEL[+LEVEL…] vs LEVEL[+LEVEL…]` (test vs reference),
    /// e.g. "cluster: cluster2+cluster3 vs cluster1". Samples of other levels are dropped.
    #[arg(long, value_name = "SPEC")]
    pub(crate) contrast: String,
    /// Round fractional counts half to even (R's round) instead of rejecting them.
    #[arg(long)]
    pub(crate) round: bool,
}

/// Everything read and resolved from [`InputArgs`].
#[derive(Debug)]
pub(crate) struct Inputs {
    /// The count matrix with its detected format.
    pub(crate) table: CountTable,
    /// The parsed contrast.
    pub(crate) contrast: Contrast,
    /// The contrast resolved against the matrix columns.
    pub(crate) groups: TwoGroups,
}

/// The count table and sample sheet, read once (a run may resolve several contrasts).
#[derive(Debug)]
pub(crate) struct CountsAndSheet {
    /// The count matrix with its detected format.
    pub(crate) table: CountTable,
    /// The sample sheet.
    pub(crate) sheet: SampleSheet,
    /// The count file name(s), for messages.
    pub(crate) counts_name: String,
    /// The sample sheet name, for messages.
    pub(crate) sheet_name: String,
}

/// Reads the counts and the sample sheet, logging what was read and dropped. Errors name the
/// file, line and value.
pub(crate) fn read_counts_and_sheet(
    counts: &[PathBuf],
    samples: &Path,
    round: bool,
) -> anyhow::Result<CountsAndSheet> {
    let table = read_count_files(counts, &ReadOptions { round })?;
    let counts_name = counts.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    let format = match table.format {
        CountFormat::Matrix => "count matrix",
        CountFormat::FeatureCounts => "featureCounts table",
        CountFormat::Htseq => "HTSeq-count",
    };
    log::info(&format!(
        "read {format} {counts_name}: {} genes × {} samples",
        table.matrix.n_genes(),
        table.matrix.n_samples()
    ));
    if table.n_rounded > 0 {
        log::warn(&format!("rounded {} fractional counts half to even (--round)", table.n_rounded));
    }
    if !table.summary_rows.is_empty() {
        let mut by_name: Vec<(String, f64)> = Vec::new();
        for r in &table.summary_rows {
            match by_name.iter_mut().find(|(n, _)| *n == r.name) {
                Some((_, c)) => *c += r.count,
                None => by_name.push((r.name.clone(), r.count)),
            }
        }
        let list: Vec<String> = by_name.iter().map(|(n, c)| format!("{n} {c}")).collect();
        log::info(&format!("dropped HTSeq-count summary rows (totals over samples): {}", list.join(", ")));
    }
    let sheet = read_sample_sheet(samples)?;
    Ok(CountsAndSheet { table, sheet, counts_name, sheet_name: samples.display().to_string() })
}

/// Resolves a contrast against the matrix columns and the sheet, logging the groups and the
/// samples dropped.
pub(crate) fn resolve(data: &CountsAndSheet, contrast: &Contrast) -> anyhow::Result<TwoGroups> {
    let CountsAndSheet { table, sheet, counts_name, sheet_name } = data;
    let groups = contrast.resolve(sheet, table.matrix.samples()).map_err(|e| match e {
        degsea_core::Error::SampleNotInSheet(_) | degsea_core::Error::SampleNotInMatrix(_) => {
            anyhow::anyhow!("{sheet_name}: {e} ({counts_name})")
        }
        _ => anyhow::anyhow!("{sheet_name}: {e} (--contrast `{contrast}`)"),
    })?;
    log::info(&format!(
        "contrast {contrast}: {} test ({}) vs {} reference ({}) samples",
        groups.n_test(),
        groups.test_label,
        groups.n_reference(),
        groups.reference_label
    ));
    if !groups.dropped.is_empty() {
        log::info(&format!(
            "{} sample(s) in neither group dropped: {}",
            groups.dropped.len(),
            groups.dropped.join(", ")
        ));
    }
    Ok(groups)
}

/// Reads the counts and the sample sheet, parses the contrast and resolves it.
pub(crate) fn read_inputs(args: &InputArgs) -> anyhow::Result<Inputs> {
    let contrast: Contrast = args.contrast.parse().context("--contrast")?;
    let data = read_counts_and_sheet(&args.counts, &args.samples, args.round)?;
    let groups = resolve(&data, &contrast)?;
    Ok(Inputs { table: data.table, contrast, groups })
}
