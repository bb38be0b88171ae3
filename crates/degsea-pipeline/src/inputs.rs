//! Reading the inputs shared by `normalize`, `de` and `run`: the count file(s) and the sample
//! sheet, read once, and contrasts resolved against them into [`SampleDesign`]s.

use std::path::{Path, PathBuf};

use degsea_core::{Contrast, SampleDesign, SampleSheet};
use degsea_io::counts::{ColumnOptions, CountFormat, CountTable, ReadOptions, read_count_files_with};
use degsea_io::manifest::FileDigest;
use degsea_io::samples::{read_rename_map, read_sample_sheet};

use crate::log;

/// Where the counts and the sample sheet come from.
#[derive(Debug, Clone)]
pub struct CountInputs {
    /// Count matrix (TSV/CSV, gzip or plain, featureCounts) or several HTSeq-count files.
    pub counts: Vec<PathBuf>,
    /// Sample sheet (TSV/CSV).
    pub samples: PathBuf,
    /// Round fractional counts half to even instead of rejecting them.
    pub round: bool,
    /// The header name of a gene-name column of the matrix (automatic recognition otherwise,
    /// see [`degsea_io::counts::ColumnOptions`]).
    pub gene_name_column: Option<String>,
    /// A two-column old → new sample rename map applied to the count table.
    pub rename_samples: Option<PathBuf>,
}

impl CountInputs {
    /// Every input file, for the manifest.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.counts
            .iter()
            .map(PathBuf::as_path)
            .chain(std::iter::once(self.samples.as_path()))
            .chain(self.rename_samples.as_deref())
    }

    /// The parameters block of the manifest for these inputs.
    pub fn parameters_json(&self) -> serde_json::Value {
        serde_json::json!({
            "counts": self.counts.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "samples": self.samples.display().to_string(),
            "round": self.round,
            "gene_name_column": self.gene_name_column,
            "rename_samples": self.rename_samples.as_ref().map(|p| p.display().to_string()),
        })
    }
}

/// The count table and sample sheet, read once (a run may resolve several contrasts).
#[derive(Debug)]
pub struct CountsAndSheet {
    /// The count matrix with its detected format.
    pub table: CountTable,
    /// The sample sheet.
    pub sheet: SampleSheet,
    /// The count file name(s), for messages.
    pub counts_name: String,
    /// The sample sheet name, for messages.
    pub sheet_name: String,
}

/// [`read_counts_and_sheet`] with the SHA-256 of every input file (for the manifest) taken on
/// the other core while the counts are parsed; a read error comes before a hashing error.
pub fn read_counts_and_digests(inputs: &CountInputs) -> anyhow::Result<(CountsAndSheet, Vec<FileDigest>)> {
    let (data, digests) =
        rayon::join(|| read_counts_and_sheet(inputs), || FileDigest::inputs(inputs.paths()));
    Ok((data?, digests?))
}

/// Reads the counts and the sample sheet, logging what was read and dropped. Errors name the
/// file, line and value.
pub fn read_counts_and_sheet(inputs: &CountInputs) -> anyhow::Result<CountsAndSheet> {
    let columns = ColumnOptions { gene_name_column: inputs.gene_name_column.clone() };
    let mut table = read_count_files_with(&inputs.counts, &ReadOptions { round: inputs.round }, &columns)?;
    let counts_name = inputs.counts.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
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
    if !table.annotation_columns.is_empty() {
        log::info(&format!(
            "annotation column(s) {} (not samples){}",
            table.annotation_columns.join(", "),
            if table.gene_names.is_some() { "; gene names kept for mapping ids to gene sets" } else { "" }
        ));
    }
    if let Some(path) = &inputs.rename_samples {
        let renames = read_rename_map(path)?;
        table = table.rename_samples(&renames)?;
        log::info(&format!("renamed {} sample(s) with {}", renames.pairs.len(), path.display()));
    }
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
    let sheet = read_sample_sheet(&inputs.samples)?;
    Ok(CountsAndSheet { table, sheet, counts_name, sheet_name: inputs.samples.display().to_string() })
}

/// Resolves a contrast against the matrix columns and the sheet, logging the groups and the
/// samples dropped.
pub fn resolve(data: &CountsAndSheet, contrast: &Contrast) -> anyhow::Result<SampleDesign> {
    let CountsAndSheet { table, sheet, counts_name, sheet_name } = data;
    let design = contrast.resolve(sheet, table.matrix.samples()).map_err(|e| match e {
        degsea_core::Error::SampleNotInSheet(_) | degsea_core::Error::SampleNotInMatrix(_) => {
            anyhow::anyhow!("{sheet_name}: {e} ({counts_name})")
        }
        _ => anyhow::anyhow!("{sheet_name}: {e} (contrast `{contrast}`)"),
    })?;
    // edgeR stops on an empty library; say which file and sample first.
    table.check_library_sizes(&design.columns)?;
    log::info(&format!(
        "contrast {contrast}: {} test ({}) vs {} reference ({}) samples",
        design.n_test(),
        design.test_label,
        design.n_reference(),
        design.reference_label
    ));
    if !design.dropped.is_empty() {
        log::info(&format!(
            "{} sample(s) in neither group dropped: {}",
            design.dropped.len(),
            design.dropped_names().join(", ")
        ));
    }
    Ok(design)
}
