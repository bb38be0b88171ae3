//! `degsea de`: the classic edgeR 3.40.2 two-group pipeline — filterByExpr, normalisation,
//! qCML common and tagwise dispersion, exact test, BH FDR — written as `de.tsv` in topTags
//! order, with `filter.tsv`, `norm_factors.tsv` and a `run.json` manifest.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use degsea_core::{CountMatrix, TwoGroups};
use degsea_de::classic::{ClassicOptions, DeResult, DispersionMethod};
use degsea_de::dispersion::TagwiseDispOptions;
use degsea_de::norm::Method;
use degsea_de::{PrepareOptions, Prepared, prepare};
use degsea_io::output::OutputDir;
use degsea_io::table::write_f64;
use serde_json::{Value, json};

use crate::commands::input::{InputArgs, read_inputs};
use crate::commands::manifest::{Warnings, input_files, num, timings_json};
use crate::commands::normalize::summarize_factors;
use crate::commands::tables::{write_filter, write_norm_factors};
use crate::log;

/// The edgeR release whose arithmetic `degsea de` reproduces.
pub(crate) const EDGER_VERSION: &str = "3.40.2";
/// FDR threshold used for the summary count in the log and run.json.
const SUMMARY_FDR: f64 = 0.05;

/// The DE options shared by `degsea de` and `degsea run`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DeParams {
    /// Dispersion for the exact test: `tagwise` (edgeR's default: qCML common, then weighted
    /// tagwise), `common`, or a fixed value such as 0.1 (only for data without replicates).
    #[arg(long, value_name = "tagwise|common|VALUE", default_value = "tagwise", value_parser = parse_dispersion)]
    pub(crate) dispersion: DispersionMethod,
    /// Prior degrees of freedom of the tagwise dispersion (edgeR estimateTagwiseDisp prior.df).
    #[arg(long, value_name = "DF", default_value_t = degsea_de::dispersion::DEFAULT_PRIOR_DF, value_parser = parse_prior_df)]
    pub(crate) prior_df: f64,
    /// Keep every gene (skip filterByExpr).
    #[arg(long)]
    pub(crate) no_filter: bool,
    /// Normalisation method (edgeR calcNormFactors): tmm, upperquartile, rle or none.
    #[arg(long, value_name = "METHOD", default_value = "tmm", value_parser = parse_method)]
    pub(crate) norm: Method,
}

/// Arguments of `degsea de`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// Output folder: de.tsv, filter.tsv, norm_factors.tsv, run.json (written atomically).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    params: DeParams,
    /// Also write de.json (the de.tsv rows as a JSON array).
    #[arg(long)]
    json: bool,
    /// Recorded in run.json for pipeline uniformity; the DE computation uses no random numbers.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

fn parse_method(s: &str) -> Result<Method, String> {
    s.parse()
}

fn parse_dispersion(s: &str) -> Result<DispersionMethod, String> {
    match s {
        "tagwise" => Ok(DispersionMethod::Tagwise),
        "common" => Ok(DispersionMethod::Common),
        _ => match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(DispersionMethod::Fixed(v)),
            Ok(v) => Err(format!("a fixed dispersion must be a finite number ≥ 0, got `{v}`")),
            Err(_) => Err(format!("expected `tagwise`, `common` or a number, got `{s}`")),
        },
    }
}

fn parse_prior_df(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a finite number ≥ 0, got `{s}`")),
    }
}

fn dispersion_name(d: DispersionMethod) -> String {
    match d {
        DispersionMethod::Tagwise => "tagwise".into(),
        DispersionMethod::Common => "common".into(),
        DispersionMethod::Fixed(v) => v.to_string(),
    }
}

/// One contrast's DE: the prepared DGEList and the classic results, with the options used.
#[derive(Debug)]
pub(crate) struct DeRun {
    /// Filtered, normalised counts of the contrast's samples.
    pub(crate) prepared: Prepared,
    /// The exact-test results, in the row order of `prepared.counts`.
    pub(crate) result: DeResult,
    /// Preprocessing options used.
    pub(crate) prepare_options: PrepareOptions,
    /// Classic-pipeline options used.
    pub(crate) options: ClassicOptions,
    /// Stage timings in seconds, in run order.
    pub(crate) timings: Vec<(&'static str, f64)>,
}

impl DeRun {
    /// The de.tsv rows as volcano points (topTags order).
    pub(crate) fn volcano_points(&self) -> Vec<degsea_plot::VolcanoPoint> {
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

/// Runs edgeR's classic pipeline on one contrast: filterByExpr, normalisation, qCML common and
/// tagwise dispersion, exact test, BH. Logs a summary; warnings go to `warnings`.
pub(crate) fn analyse(
    matrix: &CountMatrix,
    groups: &TwoGroups,
    params: &DeParams,
    warnings: &mut Warnings,
) -> anyhow::Result<DeRun> {
    let mut timings: Vec<(&'static str, f64)> = Vec::new();
    let clock = Instant::now();
    let prepare_options =
        PrepareOptions { no_filter: params.no_filter, method: params.norm, ..PrepareOptions::default() };
    let prepared = prepare(matrix, groups, &prepare_options)?;
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
        groups.test_label, groups.reference_label
    ));
    Ok(DeRun { prepared, result, prepare_options, options, timings })
}

/// Stages `de.tsv`, `filter.tsv`, `norm_factors.tsv` (and `de.json` if asked) under `sub`.
pub(crate) fn write_tables(
    out: &mut OutputDir,
    sub: &Path,
    all_genes: &[String],
    groups: &TwoGroups,
    run: &DeRun,
    with_json: bool,
) -> anyhow::Result<()> {
    let genes = run.prepared.counts.genes();
    let order = run.result.top_tags_order();
    let dest = out.dest().join(sub).display().to_string();
    (|| -> std::io::Result<()> {
        write_de_tsv(&mut out.create(sub.join("de.tsv"))?, genes, &run.result, &order)?;
        write_filter(&mut out.create(sub.join("filter.tsv"))?, all_genes, &run.prepared.keep)?;
        write_norm_factors(&mut out.create(sub.join("norm_factors.tsv"))?, &run.prepared, groups)?;
        if with_json {
            let mut w = out.create(sub.join("de.json"))?;
            serde_json::to_writer(&mut w, &de_json(genes, &run.result, &order))?;
            writeln!(w)?;
            w.flush()?;
        }
        Ok(())
    })()
    .with_context(|| format!("writing into `{dest}`"))
}

/// The DE parameters block of run.json.
pub(crate) fn parameters_json(params: &DeParams, run: &DeRun) -> Value {
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

/// The groups block of run.json.
pub(crate) fn groups_json(groups: &TwoGroups) -> Value {
    json!({
        "test": groups.test_label,
        "reference": groups.reference_label,
        "n_test": groups.n_test(),
        "n_reference": groups.n_reference(),
        "dropped_samples": groups.dropped,
    })
}

/// The DE results block of run.json.
pub(crate) fn results_json(run: &DeRun) -> Value {
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

/// Runs `degsea de`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let Args { input, out: out_dir, params, json: write_json, seed } = args;
    let started = Instant::now();
    let mut warnings = Warnings::default();
    let clock = Instant::now();
    let inputs = read_inputs(&input)?;
    let mut timings: Vec<(&str, f64)> = vec![("read", clock.elapsed().as_secs_f64())];

    let de_run = analyse(&inputs.table.matrix, &inputs.groups, &params, &mut warnings)?;
    timings.extend(de_run.timings.iter().copied());

    let clock = Instant::now();
    let dest = out_dir.display().to_string();
    let mut out = OutputDir::new(&out_dir).with_context(|| format!("preparing output folder `{dest}`"))?;
    write_tables(&mut out, Path::new(""), inputs.table.matrix.genes(), &inputs.groups, &de_run, write_json)?;
    timings.push(("write", clock.elapsed().as_secs_f64()));

    let input_files = input_files(input.counts.iter().chain(std::iter::once(&input.samples)))?;
    timings.push(("total", started.elapsed().as_secs_f64()));
    let mut manifest = json!({
        "program": "degsea de",
        "version": env!("CARGO_PKG_VERSION"),
        "edger_version_reproduced": EDGER_VERSION,
        "contrast": inputs.contrast.to_string(),
        "parameters": {
            "counts": input.counts.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "samples": input.samples.display().to_string(),
            "contrast": inputs.contrast.to_string(),
            "round": input.round,
            "json": write_json,
            "seed": seed,
            "threads": rayon::current_num_threads(),
            "de": parameters_json(&params, &de_run),
        },
        "inputs": input_files,
        "groups": groups_json(&inputs.groups),
        "warnings": warnings.into_vec(),
        "timings_seconds": timings_json(&timings),
    });
    if let (Value::Object(m), Value::Object(results)) = (&mut manifest, results_json(&de_run)) {
        m.extend(results);
    }
    out.write("run.json", &serde_json::to_vec_pretty(&manifest)?)
        .with_context(|| format!("writing into `{dest}`"))?;
    out.commit().with_context(|| format!("publishing output folder `{dest}`"))?;
    log::info(&format!(
        "wrote {dest}/de.tsv, filter.tsv, norm_factors.tsv, run.json{}",
        if write_json { ", de.json" } else { "" }
    ));
    Ok(())
}

/// Writes `de.tsv`: `gene logFC logCPM PValue FDR dispersion` in topTags order.
fn write_de_tsv(w: &mut impl Write, genes: &[String], r: &DeResult, order: &[usize]) -> std::io::Result<()> {
    writeln!(w, "gene\tlogFC\tlogCPM\tPValue\tFDR\tdispersion")?;
    for &i in order {
        w.write_all(genes[i].as_bytes())?;
        for v in [r.log_fc[i], r.log_cpm[i], r.p_value[i], r.fdr[i], r.dispersion[i]] {
            w.write_all(b"\t")?;
            write_f64(w, v)?;
        }
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// The de.tsv rows as JSON objects (NaN as null).
fn de_json(genes: &[String], r: &DeResult, order: &[usize]) -> Value {
    Value::Array(
        order
            .iter()
            .map(|&i| {
                json!({
                    "gene": genes[i],
                    "logFC": num(r.log_fc[i]),
                    "logCPM": num(r.log_cpm[i]),
                    "PValue": num(r.p_value[i]),
                    "FDR": num(r.fdr[i]),
                    "dispersion": num(r.dispersion[i]),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispersion_values() {
        assert_eq!(parse_dispersion("tagwise"), Ok(DispersionMethod::Tagwise));
        assert_eq!(parse_dispersion("common"), Ok(DispersionMethod::Common));
        assert_eq!(parse_dispersion("0.1"), Ok(DispersionMethod::Fixed(0.1)));
        assert!(parse_dispersion("-1").is_err());
        assert!(parse_dispersion("nan").is_err());
        assert!(parse_dispersion("tagwsie").unwrap_err().contains("`tagwsie`"));
    }
}
