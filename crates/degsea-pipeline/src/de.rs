//! The `de` job: edgeR 3.40.2's classic two-group pipeline — filterByExpr, normalisation, qCML
//! common and tagwise dispersion, exact test, BH FDR — for one [`SampleDesign`], or, for a design
//! with covariates (`SampleDesign::model`), edgeR's GLM pipeline — `filterByExpr(y, design)`,
//! `estimateDisp(y, design)`, then `glmQLFit` + `glmQLFTest` or `glmFit` + `glmLRT` (GLM.md G0) —
//! and the tables it writes (`de.tsv`, `filter.tsv`, `norm_factors.tsv`, optionally `de.json`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use degsea_core::formula::{Formula, Term};
use degsea_core::{CountMatrix, SampleDesign};
use degsea_de::classic::{ClassicOptions, DeResult, DispersionMethod, Tier};
use degsea_de::dispersion::{CommonOptimum, TagwiseDispOptions};
use degsea_de::glm::de::{GlmDeResult, GlmTest, glm_de};
use degsea_de::glm::estimate_disp::{DEFAULT_GRID_LENGTH, DEFAULT_GRID_RANGE, DEFAULT_MIN_ROW_SUM};
use degsea_de::norm::Method;
use degsea_de::{PrepareOptions, Prepared, prepare};
use degsea_io::de_table::{DeColumns, Statistic};
use degsea_io::manifest::{Manifest, num};
use degsea_io::norm_tables::{NormRow, write_filter, write_norm_factors};
use degsea_io::output::OutputDir;
use serde_json::{Value, json};

use crate::inputs::{CountInputs, CountsAndSheet, read_counts_and_digests, resolve};
use crate::warnings::Warnings;
use crate::{Timings, log, summarize_factors, write_manifest};

/// The edgeR release whose arithmetic the DE job reproduces.
pub const EDGER_VERSION: &str = "3.40.2";
/// FDR threshold used for the summary count in the log and run.json.
pub const SUMMARY_FDR: f64 = 0.05;

/// The test of the DE step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeTest {
    /// edgeR's classic exact test (two groups, no covariates).
    Exact,
    /// edgeR's quasi-likelihood F-test (`glmQLFit` + `glmQLFTest`).
    QuasiLikelihood,
    /// edgeR's likelihood-ratio test (`glmFit` + `glmLRT`).
    LikelihoodRatio,
}

impl DeTest {
    /// The name recorded in run.json (`exact`, `ql`, `lrt`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::QuasiLikelihood => "ql",
            Self::LikelihoodRatio => "lrt",
        }
    }
}

/// The DE options shared by the `de` and `run` jobs.
#[derive(Debug, Clone)]
pub struct DeOptions {
    /// Dispersion for the exact test: tagwise (edgeR's default), common, or a fixed value.
    pub dispersion: DispersionMethod,
    /// Prior degrees of freedom of the tagwise dispersion (edgeR estimateTagwiseDisp prior.df).
    pub prior_df: f64,
    /// Keep every gene (skip filterByExpr).
    pub no_filter: bool,
    /// Normalisation method (edgeR calcNormFactors).
    pub norm: Method,
    /// A model formula with covariates (`~ batch + group`); the contrast's column is its
    /// tested coefficient. `None`: the two groups alone.
    pub formula: Option<Formula>,
    /// The test; `None` takes the default: exact without a formula, QL with one.
    pub test: Option<DeTest>,
    /// QL only: limma's robust empirical Bayes for the QL dispersions (`glmQLFit(robust = TRUE)`).
    pub robust: bool,
    /// edgeR-equivalent (default, fast) or edgeR-exact (bit-faithful) arithmetic.
    pub tier: Tier,
}

impl DeOptions {
    /// The test to run: the one asked for, else exact without a formula and QL with one.
    ///
    /// # Errors
    /// The exact test with a formula: it cannot adjust for covariates.
    pub fn resolved_test(&self) -> anyhow::Result<DeTest> {
        let test = match (self.test, &self.formula) {
            (Some(DeTest::Exact), Some(f)) if !f.terms.is_empty() => anyhow::bail!(
                "the exact test compares two groups and cannot adjust for the covariates of design \
                 `{f}`; use the quasi-likelihood F-test (ql) or the likelihood-ratio test (lrt)"
            ),
            (Some(t), _) => t,
            (None, Some(_)) => DeTest::QuasiLikelihood,
            (None, None) => DeTest::Exact,
        };
        if self.robust && test != DeTest::QuasiLikelihood {
            anyhow::bail!(
                "robust empirical Bayes applies to the quasi-likelihood F-test (ql), not to the {} test",
                test.name()
            );
        }
        Ok(test)
    }

    /// The GLM formula for `column` (the contrast's column): the formula given, or `~ column`
    /// when a GLM test is asked for without one; `None` for the exact test.
    ///
    /// # Errors
    /// As [`DeOptions::resolved_test`].
    pub fn glm_formula(&self, column: &str) -> anyhow::Result<Option<Formula>> {
        Ok(match self.resolved_test()? {
            DeTest::Exact => None,
            _ => Some(self.formula.clone().unwrap_or_else(|| Formula {
                terms: vec![Term { column: column.to_owned(), force_factor: false }],
            })),
        })
    }
}

impl Default for DeOptions {
    fn default() -> Self {
        Self {
            dispersion: DispersionMethod::Tagwise,
            prior_df: degsea_de::dispersion::DEFAULT_PRIOR_DF,
            no_filter: false,
            norm: Method::Tmm,
            formula: None,
            test: None,
            robust: false,
            tier: Tier::default(),
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

/// One contrast's DE: the prepared DGEList and the results, with the options used.
#[derive(Debug)]
pub struct DeRun {
    /// Filtered, normalised counts of the design's samples.
    pub prepared: Prepared,
    /// The results in the row order of `prepared.counts`: of the exact test, or the GLM test's
    /// logFC, logCPM, p-value, FDR and dispersion (then `glm` holds the rest).
    pub result: DeResult,
    /// The GLM results (statistic, dispersion estimates, QL priors) of a design with a model.
    pub glm: Option<GlmDeResult>,
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
            statistic: self
                .glm
                .as_ref()
                .map(|g| Statistic { name: g.test.statistic_name(), values: &g.statistic }),
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

    if let Some(model) = &design.model {
        let test = match params.resolved_test()? {
            DeTest::LikelihoodRatio => GlmTest::LikelihoodRatio,
            _ => GlmTest::QuasiLikelihood { robust: params.robust },
        };
        let glm = glm_de(
            &prepared.counts.counts(),
            &prepared.eff_lib_sizes(),
            &model.design.matrix.view(),
            model.design.tested,
            test,
            params.tier,
        )
        .with_context(|| format!("design `{}`", model.formula))?;
        timings.extend(glm.stage_seconds.iter().copied());
        let rows_used = prepared
            .counts
            .counts()
            .rows()
            .into_iter()
            .filter(|r| r.iter().map(|&c| f64::from(c)).sum::<f64>() >= DEFAULT_MIN_ROW_SUM)
            .count();
        let result = DeResult {
            log_fc: glm.log_fc.clone(),
            log_cpm: glm.log_cpm.clone(),
            p_value: glm.p_value.clone(),
            fdr: glm.fdr.clone(),
            dispersion: glm.dispersion.clone(),
            common_dispersion: glm.estimate.common,
            common_genes_used: rows_used,
            prior_n: glm.estimate.prior_n,
            nonconverged: 0,
            stage_seconds: glm.stage_seconds.clone(),
        };
        let n_sig = result.fdr.iter().filter(|&&f| f < SUMMARY_FDR).count();
        log::info(&format!(
            "design {} ({} coefficients, testing {}): common dispersion {:.6} (BCV {:.4}), prior df {:.2}; \
             {} {n_sig} of {n_kept} genes at FDR < {SUMMARY_FDR}",
            model.formula,
            model.design.columns.len(),
            model.design.columns[model.design.tested],
            glm.estimate.common,
            glm.estimate.common.sqrt(),
            glm.estimate.prior_df,
            if test == GlmTest::LikelihoodRatio { "LR test:" } else { "QL F-test:" },
        ));
        // run.json records the tier from these options (results.de.tier, parameters.de.tier).
        let options = ClassicOptions::for_tier(params.tier);
        return Ok(DeRun { prepared, result, glm: Some(glm), prepare_options, options, timings });
    }
    if let DispersionMethod::Fixed(v) = params.dispersion {
        warnings.push(format!(
            "using a fixed dispersion of {v} for every gene: without estimating it from replicates the \
             p-values are only as good as this guess (edgeR's advice for data without replicates: \
             0.4 for human data, 0.1 for genetically identical models, 0.01 for technical replicates)"
        ));
    }
    let defaults = ClassicOptions::for_tier(params.tier);
    let options = ClassicOptions {
        dispersion: params.dispersion,
        tagwise: TagwiseDispOptions { prior_df: params.prior_df, ..defaults.tagwise },
        ..defaults
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
    Ok(DeRun { prepared, result, glm: None, prepare_options, options, timings })
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
    let mut filter = json!({
        "min_count": opts.filter.min_count,
        "min_total_count": opts.filter.min_total_count,
        "large_n": opts.filter.large_n,
        "min_prop": opts.filter.min_prop,
    });
    if let Some(glm) = &run.glm {
        filter["min_sample_size"] = json!("1 / max(hat(design))");
        return json!({
            "method": glm.test.name(),
            "design": params.formula.as_ref().map(ToString::to_string),
            "tier": options.tier().name(),
            "robust": matches!(glm.test, GlmTest::QuasiLikelihood { robust: true }),
            "no_filter": params.no_filter,
            "norm": params.norm.name(),
            "filter": filter,
            "estimate_disp": {
                "trend": "locfit",
                "span": glm.estimate.span,
                "grid_length": DEFAULT_GRID_LENGTH,
                "grid_range": [DEFAULT_GRID_RANGE.0, DEFAULT_GRID_RANGE.1],
                "min_row_sum": DEFAULT_MIN_ROW_SUM,
            },
            "glm_fit": {
                "prior_count": degsea_de::glm::fit::GLMFIT_PRIOR_COUNT,
                "dispersion": if glm.test == GlmTest::LikelihoodRatio { "tagwise" } else { "trended" },
            },
        });
    }
    json!({
        "method": DeTest::Exact.name(),
        "design": Value::Null,
        "robust": false,
        "tier": options.tier().name(),
        "dispersion": dispersion_name(params.dispersion),
        "prior_df": params.prior_df,
        "no_filter": params.no_filter,
        "norm": params.norm.name(),
        "filter": filter,
        "tagwise": {
            "prior_df": options.tagwise.prior_df,
            "trend": "movingave",
            "span": options.tagwise.span,
            "grid_length": options.tagwise.grid_length,
            "grid_range": [options.tagwise.grid_range.0, options.tagwise.grid_range.1],
        },
        "common": {
            "tol": options.common.tolerance,
            "rowsum_filter": options.common.rowsum_filter,
            "optimum": match options.common.optimum {
                CommonOptimum::BrentEndPoint => "brent_end_point",
                CommonOptimum::Precise => "precise",
            },
        },
        "exact_test": {
            "rejection_region": "doubletail",
            "big_count": options.exact.big_count,
            "prior_count": options.exact.prior_count,
        },
    })
}

/// The design block of run.json: contrast, groups, sample counts and dropped samples, and the
/// model (formula, design columns, tested coefficient) of a design with covariates.
pub fn design_json(design: &SampleDesign) -> Value {
    let model = design.model.as_ref().map(|m| {
        json!({
            "formula": m.formula.to_string(),
            "columns": m.design.columns,
            "coefficient": m.design.columns[m.design.tested],
        })
    });
    json!({
        "model": model,
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

/// `{min, max}` of finite values (nulls when there are none).
fn range_json(v: &[f64]) -> Value {
    let finite = v.iter().copied().filter(|x| x.is_finite());
    let lo = finite.clone().fold(f64::INFINITY, f64::min);
    let hi = finite.fold(f64::NEG_INFINITY, f64::max);
    json!({ "min": num(lo), "max": num(hi) })
}

/// The DE results block of run.json.
pub fn results_json(run: &DeRun) -> Value {
    let r = &run.result;
    let glm = run.glm.as_ref().map(|g| {
        let e = &g.estimate;
        let mut block = json!({
            "statistic": g.test.statistic_name(),
            "dispersion_prior_df": num(e.prior_df),
            "dispersion_prior_n": num(e.prior_n),
            "trended_dispersion": range_json(&e.trended),
            "tagwise_dispersion": range_json(&e.tagwise),
        });
        if let (GlmTest::QuasiLikelihood { robust }, Value::Object(o)) = (g.test, &mut block) {
            o.insert("robust".into(), json!(robust));
            o.insert("ql_df_prior".into(), range_json(&g.ql_df_prior));
            o.insert("ql_s2_prior".into(), range_json(&g.ql_s2_prior));
        }
        block
    });
    json!({
        "method": run.glm.as_ref().map_or(DeTest::Exact.name(), |g| g.test.name()),
        "glm": glm,
        "tier": run.options.tier().name(),
        "genes_in": run.prepared.keep.len(),
        "genes_kept": run.prepared.n_kept(),
        "genes_used_for_common_dispersion": r.common_genes_used,
        "common_dispersion": num(r.common_dispersion),
        "prior_n": num(r.prior_n),
        "genes_fdr_below_0.05": r.fdr.iter().filter(|&&f| f < SUMMARY_FDR).count(),
    })
}

/// Attaches the design matrix of the options' formula (or of `~ column` for a GLM test without
/// one) to a resolved contrast; errors name the sample sheet.
///
/// # Errors
/// The exact test with covariates; the formula's errors (unknown column, missing value, one
/// level, rank deficiency, no residual df), prefixed with the sample sheet's name.
pub fn with_model(
    data: &CountsAndSheet,
    design: SampleDesign,
    options: &DeOptions,
) -> anyhow::Result<SampleDesign> {
    let Some(formula) = options.glm_formula(&design.contrast.column)? else { return Ok(design) };
    let contrast = design.contrast.to_string();
    let d = design.with_formula(&formula, &data.sheet).map_err(|e| {
        anyhow::anyhow!("{}: {e} (design `{formula}`, contrast `{contrast}`)", data.sheet_name)
    })?;
    if let Some(m) = &d.model {
        log::info(&format!("design {formula}: columns {}", m.design.columns.join(", ")));
    }
    Ok(d)
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
    let (data, input_digests) = read_counts_and_digests(&config.inputs)?;
    let design = with_model(&data, resolve(&data, &config.contrast)?, &config.options)?;
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
    m.inputs = input_digests;
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
