//! The `gsea --permute phenotype` job: Broad GSEA (Subramanian et al. 2005) as GSEApy 1.3.1's
//! `gsea(permutation_type = "phenotype")` computes it — genes ranked by a two-class metric of an
//! expression matrix, significance from shuffling the sample labels (which keeps gene–gene
//! correlation in the null), NES, nominal p, FDR q and FWER p ([`degsea_gsea::phenotype`]).
//!
//! Inputs: an expression matrix (TSV/CSV such as `logcpm.tsv`, or GCT #1.2) with either a
//! sample sheet and a contrast, or a CLS file (first class the test group unless a contrast
//! chooses). Duplicate gene ids are merged ([`Collapse`], GSEApy's mean by default) and the rows
//! GSEApy drops are dropped ([`Expression::gseapy_filter`]). Writes `gsea.tsv` (`pathway size ES
//! NES pval fdr_q fwer_p rank_at_max leadingEdge`, by pval), `gsea.json`, `ranks.rnk` (the
//! observed metric) and `run.json`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use degsea_core::{Contrast, GeneSetCollection, RankedList, SampleDesign, SampleSheet};
use degsea_gsea::phenotype::{
    Collapse, Expression, PhenotypeOptions, PhenotypeResult, distinct_label_permutations, run_phenotype,
};
use degsea_io::cls::{CLASS_COLUMN, ClassLabels, LABEL_LINE};
use degsea_io::expression::ExpressionTable;
use degsea_io::gsea_table::{PhenotypeRecord, phenotype_json, phenotype_tsv};
use degsea_io::manifest::{FileDigest, Manifest};
use degsea_io::output::OutputDir;
use serde_json::{Value, json};

use super::{collections_json, geneset_files};
use crate::warnings::Warnings;
use crate::{Timings, log, write_manifest};

/// The GSEApy release whose phenotype-permutation statistics this job reproduces.
pub const GSEAPY_VERSION: &str = "1.3.1";
/// Broad's advice: with fewer samples per group than this, label permutations are too few and
/// gene-set permutation (preranked mode) is preferable.
pub const MIN_GROUP_FOR_PHENOTYPE: usize = 7;
/// FDR threshold of the summary counts in logs and run.json.
const SUMMARY_FDR: f64 = 0.05;

/// Where the class labels come from.
#[derive(Debug, Clone)]
pub enum Labels {
    /// A sample sheet and a contrast on one of its columns.
    Sheet {
        /// The sample sheet.
        samples: PathBuf,
        /// The contrast.
        contrast: Contrast,
    },
    /// A categorical CLS file; without a contrast its first class (of two) is the test group.
    Cls {
        /// The CLS file.
        cls: PathBuf,
        /// A contrast on the column `class`, e.g. `class: AML vs ALL`.
        contrast: Option<Contrast>,
    },
}

/// Configuration of the phenotype-permutation `gsea` job.
#[derive(Debug, Clone)]
pub struct PhenotypeConfig {
    /// The expression matrix (TSV/CSV or GCT).
    pub expression: PathBuf,
    /// The class labels.
    pub labels: Labels,
    /// A sample-sheet column whose levels the label shuffles stay within.
    pub permute_within: Option<String>,
    /// How duplicate gene ids are merged.
    pub collapse: Collapse,
    /// `--genesets` values.
    pub genesets: Vec<String>,
    /// Engine options (metric, weight, permutations, seed, set sizes).
    pub options: PhenotypeOptions,
    /// Output folder.
    pub out: PathBuf,
    /// The command line, for the manifest.
    pub command_line: Vec<String>,
}

/// The two classes of an expression matrix's samples, and the covariate levels to shuffle within.
#[derive(Debug, Clone)]
pub struct ClassDesign {
    /// The samples kept, their classes and the dropped ones.
    pub design: SampleDesign,
    /// Level index per kept sample, when shuffling within a covariate.
    pub strata: Option<Vec<usize>>,
}

/// The inputs of a phenotype job, read and checked.
#[derive(Debug, Clone)]
pub struct PhenotypeInput {
    /// The matrix restricted to the design's samples, duplicates merged, GSEApy's filter applied.
    pub expression: Expression,
    /// Test-class flag per column of `expression`.
    pub labels: Vec<bool>,
    /// Design and strata.
    pub classes: ClassDesign,
    /// Rows merged away as duplicate ids.
    pub merged_rows: usize,
    /// Rows dropped by GSEApy's filter (all zero, or constant within both classes).
    pub filtered_rows: usize,
}

/// The sorted result rows in the `gsea.tsv` format: by pval, ties by larger |NES|, then name.
pub fn records(result: &PhenotypeResult) -> Vec<PhenotypeRecord> {
    let mut rows = result.rows.clone();
    rows.sort_by(|a, b| {
        a.pval
            .total_cmp(&b.pval)
            .then(b.nes.abs().total_cmp(&a.nes.abs()))
            .then_with(|| a.pathway.cmp(&b.pathway))
    });
    rows
}

/// Stages `gsea.tsv`, `gsea.json` and `ranks.rnk` (the observed metric) under `sub`.
pub fn write_tables(out: &mut OutputDir, sub: &Path, result: &PhenotypeResult) -> anyhow::Result<()> {
    let rows = records(result);
    out.write(sub.join("gsea.tsv"), phenotype_tsv(&rows).as_bytes())?;
    out.write(sub.join("gsea.json"), &serde_json::to_vec_pretty(&phenotype_json(&rows))?)?;
    let list = RankedList::new(
        result.ranking.iter().map(|(g, _)| g.clone()).collect(),
        result.ranking.iter().map(|(_, s)| *s).collect(),
    )?;
    out.write(sub.join("ranks.rnk"), degsea_io::rnk::to_text(&list).as_bytes())?;
    Ok(())
}

/// Resolves the class design of an expression matrix's samples.
///
/// # Errors
/// Names the sheet or CLS file (and its label line) and the value: unknown columns or levels,
/// samples missing on either side, a CLS with a label count other than the matrix's samples or
/// with more than two classes and no contrast, a group of fewer than 2 samples, a covariate
/// asked for with a CLS file.
pub fn class_design(
    labels: &Labels,
    samples: &[String],
    expression_name: &str,
    permute_within: Option<&str>,
) -> anyhow::Result<ClassDesign> {
    let (sheet, contrast, file, line) = match labels {
        Labels::Sheet { samples: path, contrast } => {
            let sheet = degsea_io::samples::read_sample_sheet(path)?;
            (sheet, contrast.clone(), path.display().to_string(), None)
        }
        Labels::Cls { cls, contrast } => {
            let c: ClassLabels = degsea_io::cls::read(cls)?;
            c.check_samples(samples.len(), expression_name)?;
            let contrast = match contrast {
                Some(k) => k.clone(),
                None if c.classes.len() == 2 => Contrast {
                    column: CLASS_COLUMN.to_owned(),
                    test_levels: vec![c.classes[0].clone()],
                    reference_levels: vec![c.classes[1].clone()],
                },
                None => anyhow::bail!(
                    "{}:2: {} classes `{}`; name the two groups to compare with a contrast such as `{CLASS_COLUMN}: {} vs {}`",
                    c.file,
                    c.classes.len(),
                    c.classes.join(" "),
                    c.classes[0],
                    c.classes.get(1).map_or("…", String::as_str)
                ),
            };
            if permute_within.is_some() {
                anyhow::bail!(
                    "{}: a CLS file has no covariate columns to permute within; give a sample sheet instead",
                    c.file
                );
            }
            (c.to_sheet(samples)?, contrast, c.file, Some(LABEL_LINE))
        }
    };
    let at = line.map_or_else(String::new, |l| format!(":{l}"));
    let design = contrast.resolve(&sheet, samples).map_err(|e| match e {
        degsea_core::Error::SampleNotInSheet(s) => {
            anyhow::anyhow!(
                "{file}: sample `{s}` of the expression matrix `{expression_name}` is not in the sample sheet"
            )
        }
        degsea_core::Error::SampleNotInMatrix(s) => {
            anyhow::anyhow!(
                "{file}: sample `{s}` of the sample sheet is not in the expression matrix `{expression_name}`"
            )
        }
        _ => anyhow::anyhow!("{file}{at}: {e} (contrast `{contrast}`)"),
    })?;
    let strata = permute_within.map(|column| strata(&sheet, column, &design, &file)).transpose()?;
    Ok(ClassDesign { design, strata })
}

/// The level index (in order of first appearance) of each of `design`'s samples in the sheet
/// column `column`: the groups the label shuffles stay within (`--permute-within`).
///
/// # Errors
/// No such column in the sheet (`file`), naming the columns there are.
pub fn strata(
    sheet: &SampleSheet,
    column: &str,
    design: &SampleDesign,
    file: &str,
) -> anyhow::Result<Vec<usize>> {
    let values = sheet.column(column).ok_or_else(|| {
        anyhow::anyhow!(
            "{file}: no column `{column}` to permute within (columns: {})",
            sheet.columns().join(", ")
        )
    })?;
    let mut levels: Vec<&str> = Vec::new();
    Ok(design
        .samples
        .iter()
        .map(|s| {
            let v = values[sheet.position(s).unwrap_or_default()].as_str();
            levels.iter().position(|l| *l == v).unwrap_or_else(|| {
                levels.push(v);
                levels.len() - 1
            })
        })
        .collect())
}

/// Reads the expression matrix and the labels, keeps the design's samples, merges duplicate
/// ids and applies GSEApy's row filter. Logs what it read and dropped.
///
/// # Errors
/// Bad input, named by file, line and value ([`class_design`], [`degsea_io::expression::read`]).
pub fn read_input(config: &PhenotypeConfig, warnings: &mut Warnings) -> anyhow::Result<PhenotypeInput> {
    let table = degsea_io::expression::read(&config.expression)?;
    let name = config.expression.display().to_string();
    log::info(&format!(
        "read expression matrix {name}: {} rows × {} samples",
        table.genes.len(),
        table.samples.len()
    ));
    let classes = class_design(&config.labels, &table.samples, &name, config.permute_within.as_deref())?;
    let ExpressionTable { genes, samples, values, .. } = table;
    let d = &classes.design;
    log::info(&format!(
        "contrast {}: {} test ({}) vs {} reference ({}) samples",
        d.contrast,
        d.n_test(),
        d.test_label,
        d.n_reference(),
        d.reference_label
    ));
    if !d.dropped.is_empty() {
        log::info(&format!(
            "{} sample(s) in neither group dropped: {}",
            d.dropped.len(),
            d.dropped_names().join(", ")
        ));
    }
    let n = samples.len();
    let mut kept = Vec::with_capacity(genes.len() * d.columns.len());
    for row in values.chunks_exact(n) {
        kept.extend(d.columns.iter().map(|&j| row[j]));
    }
    let expression = Expression { genes, n_samples: d.columns.len(), values: kept };
    prepare_expression(expression, classes, config.collapse, &name, warnings)
}

/// Merges duplicate gene ids of `expression` (columns: the design's samples) by `collapse` and
/// applies GSEApy's row filter (all zero, or constant within both classes).
///
/// # Errors
/// Duplicate ids with [`Collapse::Error`].
pub fn prepare_expression(
    expression: Expression,
    classes: ClassDesign,
    collapse: Collapse,
    name: &str,
    warnings: &mut Warnings,
) -> anyhow::Result<PhenotypeInput> {
    let (expression, merged_rows) =
        expression.collapse(collapse).with_context(|| format!("{name}: duplicate gene ids"))?;
    if merged_rows > 0 {
        warnings.push(format!(
            "{name}: {merged_rows} row(s) share a gene id with an earlier row; merged ({}) into {} genes",
            collapse_name(collapse),
            expression.genes.len()
        ));
    }
    let labels = classes.design.is_test.clone();
    let before = expression.genes.len();
    let expression = expression.gseapy_filter(&labels);
    let filtered_rows = before - expression.genes.len();
    if filtered_rows > 0 {
        log::info(&format!(
            "{filtered_rows} gene(s) dropped: all zero, or constant within both classes (as GSEApy)"
        ));
    }
    Ok(PhenotypeInput { expression, labels, classes, merged_rows, filtered_rows })
}

/// The name of a collapse rule in logs and run.json.
pub fn collapse_name(c: Collapse) -> &'static str {
    match c {
        Collapse::Mean => "mean",
        Collapse::Max => "max",
        Collapse::Error => "error",
    }
}

/// Warns when a group is small, and returns the number of distinct label permutations.
pub fn check_permutations(
    labels: &[bool],
    strata: Option<&[usize]>,
    nperm: usize,
    design: &SampleDesign,
    warnings: &mut Warnings,
) -> f64 {
    let distinct = distinct_label_permutations(labels, strata);
    log::info(&format!("{} distinct label permutations; {nperm} drawn", fmt_count(distinct)));
    for (label, n) in [(&design.test_label, design.n_test()), (&design.reference_label, design.n_reference())]
    {
        if n < MIN_GROUP_FOR_PHENOTYPE {
            warnings.push(format!(
                "group `{label}` has {n} sample(s) (< {MIN_GROUP_FOR_PHENOTYPE}): only {} distinct label permutations, so \
                 p-values are coarse; Broad advises gene-set permutation (preranked GSEA) for small groups",
                fmt_count(distinct)
            ));
            break;
        }
    }
    if distinct < nperm as f64 {
        warnings.push(format!(
            "{nperm} permutations drawn but only {} distinct label assignments exist: permutations repeat",
            fmt_count(distinct)
        ));
    }
    distinct
}

fn fmt_count(x: f64) -> String {
    if x < 1e15 { format!("{x:.0}") } else { format!("{x:.3e}") }
}

/// The parameters block of run.json for phenotype mode.
pub fn parameters_json(opts: &PhenotypeOptions, permute_within: Option<&str>, collapse: Collapse) -> Value {
    json!({
        "permute": "phenotype",
        "metric": opts.metric.as_str(),
        "weight": opts.weight,
        "nperm": opts.nperm,
        "permute_within": permute_within,
        "collapse": collapse_name(collapse),
        "min_size": opts.min_size,
        "max_size": opts.max_size,
        "seed": opts.seed,
    })
}

/// The results block of run.json for phenotype mode.
pub fn results_json(
    collections: &[GeneSetCollection],
    input: &PhenotypeInput,
    opts: &PhenotypeOptions,
    result: &PhenotypeResult,
    distinct: f64,
) -> Value {
    let n_sets: usize = collections.iter().map(|c| c.sets.len()).sum();
    json!({
        "mode": "phenotype",
        "metric": opts.metric.as_str(),
        "nperm": opts.nperm,
        "distinct_permutations": distinct,
        "collections": collections_json(collections),
        "tested": result.rows.len(),
        "skipped_by_size": n_sets - result.rows.len(),
        "fdr_q_below_0.05": result.rows.iter().filter(|r| r.fdr_q < SUMMARY_FDR).count(),
        "genes": input.expression.genes.len(),
        "duplicate_rows_merged": input.merged_rows,
        "rows_filtered": input.filtered_rows,
    })
}

/// Runs the phenotype-permutation `gsea` job.
///
/// # Errors
/// Bad input (named by file, line and value) before any computation; engine errors.
pub fn run(config: &PhenotypeConfig) -> anyhow::Result<PhenotypeResult> {
    let started = Instant::now();
    degsea_io::output::check_output_path(&config.out, false)?;
    let mut timings = Timings::default();
    let mut warnings = Warnings::default();
    let clock = Instant::now();
    let label_file = match &config.labels {
        Labels::Sheet { samples, .. } => samples.as_path(),
        Labels::Cls { cls, .. } => cls.as_path(),
    };
    // The manifest's SHA-256s are taken while the matrix is parsed; errors keep their order.
    let (input, inputs) = rayon::join(
        || read_input(config, &mut warnings),
        || FileDigest::inputs([config.expression.as_path(), label_file]),
    );
    let input = input?;
    let collections = degsea_io::genesets::load_all(&config.genesets)?;
    let mut inputs = inputs?;
    inputs.extend(geneset_files(&config.genesets)?);
    timings.push("read", clock.elapsed().as_secs_f64());
    let dest = config.out.display().to_string();
    let mut out = OutputDir::new(&config.out).with_context(|| format!("preparing output folder `{dest}`"))?;

    let opts = PhenotypeOptions { strata: input.classes.strata.clone(), ..config.options.clone() };
    let distinct = check_permutations(
        &input.labels,
        opts.strata.as_deref(),
        opts.nperm,
        &input.classes.design,
        &mut warnings,
    );
    let clock = Instant::now();
    let result = run_phenotype(&input.expression, &input.labels, &collections, &opts)
        .with_context(|| format!("phenotype GSEA of `{}`", config.expression.display()))?;
    timings.push("gsea", clock.elapsed().as_secs_f64());
    write_tables(&mut out, Path::new(""), &result)?;

    let mut m = Manifest::new("gsea", config.command_line.clone());
    m.reproduces.insert("gseapy".into(), json!(GSEAPY_VERSION));
    let mut parameters = parameters_json(&opts, config.permute_within.as_deref(), config.collapse);
    if let Value::Object(p) = &mut parameters {
        p.insert("expression".into(), json!(config.expression.display().to_string()));
        match &config.labels {
            Labels::Sheet { samples, contrast } => {
                p.insert("samples".into(), json!(samples.display().to_string()));
                p.insert("contrast".into(), json!(contrast.to_string()));
            }
            Labels::Cls { cls, .. } => {
                p.insert("cls".into(), json!(cls.display().to_string()));
                p.insert("contrast".into(), json!(input.classes.design.contrast.to_string()));
            }
        }
        p.insert("genesets".into(), json!(config.genesets));
        p.insert("threads".into(), json!(rayon::current_num_threads()));
    }
    m.parameters = parameters;
    m.seed = Some(opts.seed);
    m.inputs = inputs;
    m.warnings = warnings.into_vec();
    timings.push("total", started.elapsed().as_secs_f64());
    m.timings = timings.into_vec();
    m.results.insert("design".into(), crate::de::design_json(&input.classes.design));
    m.results.insert("gsea".into(), results_json(&collections, &input, &opts, &result, distinct));
    write_manifest(&mut out, Path::new(""), m)?;
    out.commit().with_context(|| format!("writing output folder `{dest}`"))?;
    log::info(&format!(
        "{} pathways tested, {} with fdr_q < {SUMMARY_FDR}; wrote {}",
        result.rows.len(),
        result.rows.iter().filter(|r| r.fdr_q < SUMMARY_FDR).count(),
        config.out.join("gsea.tsv").display()
    ));
    Ok(result)
}
