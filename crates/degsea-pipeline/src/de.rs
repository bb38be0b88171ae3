//! The `de` job: edgeR 3.40.2's classic two-group pipeline — filterByExpr, normalisation, qCML
//! common and tagwise dispersion, exact test, BH FDR — for one [`SampleDesign`], and the tables
//! it writes (`de.tsv`, `filter.tsv`, `norm_factors.tsv`, optionally `de.json`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use degsea_core::{CountMatrix, SampleDesign};
use degsea_de::classic::{ClassicOptions, DeResult, DispersionMethod};
use degsea_de::dispersion::TagwiseDispOptions;
use degsea_de::norm::Method;
use degsea_de::{PrepareOptions, Prepared, prepare};
use degsea_io::de_table::DeColumns;
use degsea_io::manifest::{FileDigest, Manifest, num};
use degsea_io::norm_tables::{NormRow, write_filter, write_norm_factors};
use degsea_io::output::OutputDir;
use serde_json::{Value, json};

use crate::inputs::{CountInputs, read_counts_and_sheet, resolve};
use crate::warnings::Warnings;
use crate::{Timings, log, summarize_factors, write_manifest};

/// The edgeR release whose arithmetic the DE job reproduces.
pub const EDGER_VERSION: &str = "3.40.2";
/// FDR threshold used for the summary count in the log and run.json.
pub const SUMMARY_FDR: f64 = 0.05;

/// The DE options shared by the `de` and `run` jobs.
#[derive(Debug, Clone, Copy)]
pub struct DeOptions {
    /// Dispersion for the exact test: tagwise (edgeR's default), common, or a fixed value.
    pub dispersion: DispersionMethod,
    /// Prior degrees of freedom of the tagwise dispersion (edgeR estimateTagwiseDisp prior.df).
    pub prior_df: f64,
    /// Keep every gene (skip filterByExpr).
    pub no_filter: bool,
    /// Normalisation method (edgeR calcNormFactors).
    pub norm: Method,
}

impl Default for DeOptions {
    fn default() -> Self {
        Self {
            dispersion: DispersionMethod::Tagwise,
            prior_df: degsea_de::dispersion::DEFAULT_PRIOR_DF,
            no_filter: false,
            norm: Method::Tmm,
        }
    }
}

/// Configuration of the `de` job.
#[derive(Debug, Clone)]
pub struct DeConfig {
    /// Counts and sample sheet.
    pub inputs: CountInputs,
    /// The contrast to test.
    pub contrast: degsea_core::Contrast,
    /// Output folder (written atomically).
    pub out: PathBuf,
    /// DE options.
    pub options: DeOptions,
    /// Also write `de.json`.
    pub json: bool,
    /// Recorded in run.json for pipeline uniformity; DE uses no random numbers.
    pub seed: Option<u64>,
    /// The command line, for the manifest.
    pub command_line: Vec<String>,
}

/// One contrast's DE: the prepared DGEList and the classic results, with the options used.
#[derive(Debug)]
pub struct DeRun {
    /// Filtered, normalised counts of the design's samples.
    pub prepared: Prepared,
    /// The exact-test results, in the row order of `prepared.counts`.
    pub result: DeResult,
    /// Preprocessing options used.
    pub prepare_options: PrepareOptions,
    /// Classic-pipeline options used.
    pub options: ClassicOptions,
    /// Stage timings in seconds, in run order.
    pub timings: Vec<(&'static str, f64)>,
}

impl DeRun {
    /// The result as `de.tsv` columns in topTags order (`order` from [`DeResult::top_tags_order`]).
    pub fn columns<'a>(&'a self, order: &'a [usize]) -> DeColumns<'a> {
        let r = &self.result;
        DeColumns {
            genes: self.prepared.counts.genes(),
            log_fc: &r.log_fc,
            log_cpm: &r.log_cpm,
            p_value: &r.p_value,
            fdr: &r.fdr,
            dispersion: &r.dispersion,
            order,
        }
    }

    /// The de.tsv rows as volcano points (topTags order).
    pub fn volcano_points(&self) -> Vec<degsea_plot::VolcanoPoint> {
        let genes = self.prepared.counts.genes();
        let r = &self.result;
        r.top_tags_order()
            .into_iter()
            .map(|i| degsea_plot::VolcanoPoint {
                gene: genes[i].clone(),
                log_fc: r.log_fc[i],
                p_value: r.p_value[i],
                fdr: r.fdr[i],
            })
            .collect()
    }
}

/// Runs edgeR's classic pipeline on one design: filterByExpr, normalisation, qCML common and
/// tagwise dispersion, exact test, BH. Logs a summary; warnings go to `warnings`.
pub fn analyse(
    matrix: &CountMatrix,
    design: &SampleDesign,
    params: &DeOptions,
    warnings: &mut Warnings,
) -> anyhow::Result<DeRun> {
    let mut timings: Vec<(&'static str, f64)> = Vec::new();
    let clock = Instant::now();
    let prepare_options =
        PrepareOptions { no_filter: params.no_filter, method: params.norm, ..PrepareOptions::default() };
    let prepared = prepare(matrix, design, &prepare_options)?;
    timings.push(("filter_normalize", clock.elapsed().as_secs_f64()));
    let n_in = prepared.keep.len();
    let n_kept = prepared.n_kept();
    log::info(&format!(
        "{} kept {n_kept} of {n_in} genes; {} factors {}",
        if params.no_filter { "no filter:" } else { "filterByExpr" },
        params.norm,
        summarize_factors(&prepared.norm_factors)
    ));

    if let DispersionMethod::Fixed(v) = params.dispersion {
        warnings.push(format!(
            "using a fixed dispersion of {v} for every gene: without estimating it from replicates the \
             p-values are only as good as this guess (edgeR's advice for data without replicates: \
             0.4 for human data, 0.1 for genetically identical models, 0.01 for technical replicates)"
        ));
    }
    let options = ClassicOptions {
        dispersion: params.dispersion,
        tagwise: TagwiseDispOptions { prior_df: params.prior_df, ..TagwiseDispOptions::default() },
        ..ClassicOptions::default()
    };
    let result = prepared.classic_de(&options);
    timings.extend(result.stage_seconds.iter().copied());

    if !matches!(params.dispersion, DispersionMethod::Fixed(_)) && result.common_dispersion.is_nan() {
        anyhow::bail!(
            "cannot estimate the common dispersion: no gene has a total count above {} in the {} \
             analysed samples (edgeR estimateCommonDisp rowsum.filter); check the counts or use \
             --dispersion VALUE",
            degsea_de::dispersion::ROWSUM_FILTER,
            prepared.group.len()
        );
    }
    if result.nonconverged > 0 {
        warnings.push(format!(
            "{} gene(s): the one-group negative-binomial fit did not converge in {} iterations; \
             the last iterate was used (as edgeR 3.40 does)",
            result.nonconverged,
            degsea_de::onegroup::MAX_ITERATIONS
        ));
    }
    let n_sig = result.fdr.iter().filter(|&&f| f < SUMMARY_FDR).count();
    let common_text = if result.common_dispersion.is_nan() {
        String::new()
    } else {
        format!(
            "common dispersion {:.6} (BCV {:.4}); ",
            result.common_dispersion,
            result.common_dispersion.sqrt()
        )
    };
    log::info(&format!(
        "{common_text}{n_sig} of {n_kept} genes at FDR < {SUMMARY_FDR} ({} vs {})",
        design.test_label, design.reference_label
    ));
    Ok(DeRun { prepared, result, prepare_options, options, timings })
}

/// The `norm_factors.tsv` rows of a prepared design.
pub fn norm_rows<'a>(prepared: &'a Prepared, design: &'a SampleDesign, eff: &'a [f64]) -> Vec<NormRow<'a>> {
    let labels = design.group_labels();
    prepared
        .counts
        .samples()
        .iter()
        .enumerate()
        .map(|(j, s)| NormRow {
            sample: s,
            group: labels[j],
            lib_size: prepared.lib_sizes[j],
            norm_factor: prepared.norm_factors[j],
            eff_lib_size: eff[j],
        })
        .collect()
}

/// Stages `filter.tsv` and `norm_factors.tsv` of a prepared design under `sub`.
pub fn write_norm_tables(
    out: &mut OutputDir,
    sub: &Path,
    all_genes: &[String],
    design: &SampleDesign,
    prepared: &Prepared,
) -> std::io::Result<()> {
    write_filter(&mut out.create(sub.join("filter.tsv"))?, all_genes, &prepared.keep)?;
    let eff = prepared.eff_lib_sizes();
    write_norm_factors(&mut out.create(sub.join("norm_factors.tsv"))?, &norm_rows(prepared, design, &eff))
}

/// Stages `de.tsv`, `filter.tsv`, `norm_factors.tsv` (and `de.json` if asked) under `sub`.
pub fn write_tables(
    out: &mut OutputDir,
    sub: &Path,
    all_genes: &[String],
    design: &SampleDesign,
    run: &DeRun,
    with_json: bool,
) -> anyhow::Result<()> {
    let order = run.result.top_tags_order();
    let columns = run.columns(&order);
    let dest = out.dest().join(sub).display().to_string();
    (|| -> std::io::Result<()> {
        columns.write_tsv(&mut out.create(sub.join("de.tsv"))?)?;
        write_norm_tables(out, sub, all_genes, design, &run.prepared)?;
        if with_json {
            let mut bytes = serde_json::to_vec(&columns.to_json())?;
            bytes.push(b'\n');
            out.write(sub.join("de.json"), &bytes)?;
        }
        Ok(())
    })()
    .with_context(|| format!("writing into `{dest}`"))
}

/// Name of a dispersion choice as recorded in run.json.
pub fn dispersion_name(d: DispersionMethod) -> String {
    match d {
        DispersionMethod::Tagwise => "tagwise".into(),
        DispersionMethod::Common => "common".into(),
        DispersionMethod::Fixed(v) => v.to_string(),
    }
}

/// The DE parameters block of run.json.
pub fn parameters_json(params: &DeOptions, run: &DeRun) -> Value {
    let (opts, options) = (&run.prepare_options, &run.options);
    json!({
        "dispersion": dispersion_name(params.dispersion),
        "prior_df": params.prior_df,
        "no_filter": params.no_filter,
        "norm": params.norm.name(),
        "filter": {
            "min_count": opts.filter.min_count,
            "min_total_count": opts.filter.min_total_count,
            "large_n": opts.filter.large_n,
            "min_prop": opts.filter.min_prop,
        },
        "tagwise": {
            "prior_df": options.tagwise.prior_df,
            "trend": "movingave",
            "span": options.tagwise.span,
            "grid_length": options.tagwise.grid_length,
            "grid_range": [options.tagwise.grid_range.0, options.tagwise.grid_range.1],
        },
        "common": { "tol": options.common.tolerance, "rowsum_filter": options.common.rowsum_filter },
        "exact_test": {
            "rejection_region": "doubletail",
            "big_count": options.exact.big_count,
            "prior_count": options.exact.prior_count,
        },
    })
}

/// The design block of run.json: contrast, groups, sample counts and dropped samples.
pub fn design_json(design: &SampleDesign) -> Value {
    json!({
        "contrast": design.contrast.to_string(),
        "test": design.test_label,
        "reference": design.reference_label,
        "n_test": design.n_test(),
        "n_reference": design.n_reference(),
        "samples": design.samples,
        "groups": design.group_labels(),
        "dropped_samples": design.dropped.iter().map(|d| json!({
            "sample": d.sample,
            "reason": d.reason(&design.contrast.column),
        })).collect::<Vec<_>>(),
    })
}

/// The DE results block of run.json.
pub fn results_json(run: &DeRun) -> Value {
    let r = &run.result;
    json!({
        "genes_in": run.prepared.keep.len(),
        "genes_kept": run.prepared.n_kept(),
        "genes_used_for_common_dispersion": r.common_genes_used,
        "common_dispersion": num(r.common_dispersion),
        "prior_n": num(r.prior_n),
        "genes_fdr_below_0.05": r.fdr.iter().filter(|&&f| f < SUMMARY_FDR).count(),
    })
}

/// Runs the `de` job: reads, analyses, writes `de.tsv`, `filter.tsv`, `norm_factors.tsv`,
/// `run.json` (and `de.json`), atomically.
pub fn run(config: &DeConfig) -> anyhow::Result<DeRun> {
    let started = Instant::now();
    let mut warnings = Warnings::default();
    let mut timings = Timings::default();
    let dest = config.out.display().to_string();
    let mut out = crate::output::open_folder(&config.out, &config.inputs.paths().collect::<Vec<_>>())?;
    let clock = Instant::now();
    let data = read_counts_and_sheet(&config.inputs)?;
    let design = resolve(&data, &config.contrast)?;
    timings.push("read", clock.elapsed().as_secs_f64());
    let de_run = analyse(&data.table.matrix, &design, &config.options, &mut warnings)?;
    timings.extend(&de_run.timings);

    let clock = Instant::now();
    write_tables(&mut out, Path::new(""), data.table.matrix.genes(), &design, &de_run, config.json)?;
    timings.push("write", clock.elapsed().as_secs_f64());

    let mut m = Manifest::new("de", config.command_line.clone());
    m.reproduces.insert("edgeR".into(), json!(EDGER_VERSION));
    let mut parameters = config.inputs.parameters_json();
    if let Value::Object(p) = &mut parameters {
        p.insert("contrast".into(), json!(config.contrast.to_string()));
        p.insert("json".into(), json!(config.json));
        p.insert("threads".into(), json!(rayon::current_num_threads()));
        p.insert("de".into(), parameters_json(&config.options, &de_run));
    }
    m.parameters = parameters;
    m.seed = config.seed;
    m.inputs = FileDigest::inputs(config.inputs.paths())?;
    m.warnings = warnings.into_vec();
    timings.push("total", started.elapsed().as_secs_f64());
    m.timings = timings.into_vec();
    m.results.insert("design".into(), design_json(&design));
    m.results.insert("de".into(), results_json(&de_run));
    write_manifest(&mut out, Path::new(""), m)?;
    out.commit().with_context(|| format!("publishing output folder `{dest}`"))?;
    log::info(&format!(
        "wrote {dest}/de.tsv, filter.tsv, norm_factors.tsv, run.json{}",
        if config.json { ", de.json" } else { "" }
    ));
    Ok(de_run)
}
