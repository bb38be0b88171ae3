//! `degsea gsea`: preranked GSEA (fgsea 1.31.6) of an RNK file against bundled or GMT gene sets.
//!
//! Writes `gsea.tsv` (`pathway size ES NES pval padj log2err leadingEdge`, sorted by pval),
//! `gsea.json` (the same rows, leading edge as an array, NA as null) and `run.json`
//! (parameters, collections, input summary) into `--out`, atomically.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use degsea_core::GeneSetCollection;
use degsea_gsea::{GseaOptions, GseaResult, Method, ScoreType};
use degsea_io::table::fmt_f64;
use serde_json::{Value, json};

use crate::commands::genesets::{find_bundled, parse_bundled};
use crate::log;

/// P-value method of `--method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum MethodArg {
    /// fgseaMultilevel: 1,000 permutations, then adaptive multilevel splitting down to --eps.
    Multilevel,
    /// fgseaSimple: --nperm permutations with random sets shared across pathways.
    Permutation,
}

/// `--score-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ScoreTypeArg {
    /// Two-sided enrichment score.
    Std,
    /// Positive side only.
    Pos,
    /// Negative side only.
    Neg,
}

/// The GSEA options shared by `degsea gsea` and `degsea run`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct GseaParams {
    /// Gene sets: a bundled collection name (`hallmark`) or a GMT file; repeatable.
    #[arg(long, value_name = "NAME|GMT", default_value = "hallmark")]
    pub(crate) genesets: Vec<String>,
    /// Smallest number of a set's genes found in the ranks for the set to be tested.
    #[arg(long, value_name = "N", default_value_t = degsea_gsea::DEFAULT_MIN_SIZE)]
    pub(crate) min_size: usize,
    /// Largest number of a set's genes found in the ranks for the set to be tested.
    #[arg(long, value_name = "N", default_value_t = degsea_gsea::DEFAULT_MAX_SIZE)]
    pub(crate) max_size: usize,
    /// P-value method.
    #[arg(long, value_enum, default_value_t = MethodArg::Multilevel)]
    pub(crate) method: MethodArg,
    /// Permutations of `--method permutation`.
    #[arg(long, value_name = "N", default_value_t = degsea_gsea::DEFAULT_NPERM)]
    pub(crate) nperm: usize,
    /// Multilevel: smallest reported p-value (0 = estimate arbitrarily small p-values).
    #[arg(long, value_name = "P", default_value_t = degsea_gsea::DEFAULT_EPS)]
    pub(crate) eps: f64,
    /// Master random seed; output is identical for any --threads.
    #[arg(long, value_name = "N", default_value_t = degsea_gsea::DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// Enrichment score type (fgsea scoreType).
    #[arg(long, value_enum, default_value_t = ScoreTypeArg::Std)]
    pub(crate) score_type: ScoreTypeArg,
}

/// Arguments of `degsea gsea`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Ranked genes: `gene<TAB>score` per line (.rnk; header and `#` lines allowed; .gz ok).
    #[arg(long, value_name = "FILE")]
    pub(crate) ranks: PathBuf,
    #[command(flatten)]
    pub(crate) params: GseaParams,
    /// Output folder (gsea.tsv, gsea.json, run.json).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,
}

impl GseaParams {
    /// The library options these arguments ask for.
    pub(crate) fn options(&self) -> GseaOptions {
        GseaOptions {
            min_size: self.min_size,
            max_size: self.max_size,
            method: match self.method {
                MethodArg::Multilevel => Method::Multilevel,
                MethodArg::Permutation => Method::Permutation { nperm: self.nperm },
            },
            eps: self.eps,
            score_type: match self.score_type {
                ScoreTypeArg::Std => ScoreType::Std,
                ScoreTypeArg::Pos => ScoreType::Pos,
                ScoreTypeArg::Neg => ScoreType::Neg,
            },
            seed: self.seed,
            ..GseaOptions::default()
        }
    }
}

/// Loads `--genesets` values: bundled names first, otherwise GMT paths.
pub(crate) fn load_collections(specs: &[String]) -> anyhow::Result<Vec<GeneSetCollection>> {
    specs
        .iter()
        .map(|spec| {
            let path = Path::new(spec);
            if degsea_gsea::bundled::find(spec).is_some() && !path.is_file() {
                parse_bundled(find_bundled(spec)?)
            } else if path.is_file() {
                Ok(degsea_io::gmt::read(path, spec, "")?)
            } else {
                let names: Vec<&str> = degsea_gsea::bundled::ALL.iter().map(|b| b.name).collect();
                anyhow::bail!(
                    "gene sets `{spec}`: no such file and no bundled collection of that name (bundled: {})",
                    names.join(", ")
                )
            }
        })
        .collect()
}

/// Runs `degsea gsea`.
#[expect(
    clippy::needless_pass_by_value,
    reason = "every command takes its Args by value (dispatch contract)"
)]
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let ranks = degsea_io::rnk::read(&args.ranks)?;
    if ranks.n_duplicates > 0 {
        log::warn(&format!(
            "{}: {} duplicated gene line(s) dropped, keeping the largest |score| (e.g. {})",
            args.ranks.display(),
            ranks.n_duplicates,
            ranks.duplicate_examples.join(", ")
        ));
    }
    let collections = load_collections(&args.params.genesets)?;
    let opts = args.params.options();
    let result = degsea_gsea::run(&ranks.list, &collections, &opts)
        .with_context(|| format!("GSEA of `{}`", args.ranks.display()))?;
    for w in &result.warnings {
        log::warn(w);
    }
    let mut out = degsea_io::output::OutputDir::new(&args.out)
        .with_context(|| format!("preparing output folder `{}`", args.out.display()))?;
    out.write("gsea.tsv", result_tsv(&result).as_bytes())?;
    out.write("gsea.json", &serde_json::to_vec_pretty(&result_json(&result))?)?;
    out.write(
        "run.json",
        &serde_json::to_vec_pretty(&run_json(&args, &opts, &ranks, &collections, &result))?,
    )?;
    out.commit().with_context(|| format!("writing output folder `{}`", args.out.display()))?;
    let n_sig = result.rows.iter().filter(|r| r.padj < 0.05).count();
    log::info(&format!(
        "{} pathways tested ({} skipped by size), {} with padj < 0.05; wrote {}",
        result.rows.len(),
        result.n_skipped,
        n_sig,
        args.out.join("gsea.tsv").display()
    ));
    Ok(())
}

/// The `gsea.tsv` table.
pub(crate) fn result_tsv(result: &GseaResult) -> String {
    let mut s = String::from("pathway\tsize\tES\tNES\tpval\tpadj\tlog2err\tleadingEdge\n");
    for r in &result.rows {
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.pathway,
            r.size,
            fmt_f64(r.es),
            fmt_f64(r.nes),
            fmt_f64(r.pval),
            fmt_f64(r.padj),
            fmt_f64(r.log2err),
            r.leading_edge.join(",")
        );
    }
    s
}

fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// The `gsea.json` document.
pub(crate) fn result_json(result: &GseaResult) -> Value {
    let rows: Vec<Value> = result
        .rows
        .iter()
        .map(|r| {
            json!({
                "pathway": r.pathway,
                "size": r.size,
                "ES": num(r.es),
                "NES": num(r.nes),
                "pval": num(r.pval),
                "padj": num(r.padj),
                "log2err": num(r.log2err),
                "leadingEdge": r.leading_edge,
            })
        })
        .collect();
    json!({ "pathways": rows })
}

/// The fgsea release whose statistics `degsea gsea` reproduces.
pub(crate) const FGSEA_VERSION: &str = "1.31.6";

/// The GSEA parameters block of run.json.
pub(crate) fn parameters_json(opts: &GseaOptions, result: &GseaResult) -> Value {
    json!({
        "method": opts.method.as_str(),
        "nperm": match opts.method { Method::Permutation { nperm } => Some(nperm), Method::Multilevel => None },
        "nperm_simple": match opts.method { Method::Multilevel => Some(opts.n_perm_simple), Method::Permutation { .. } => None },
        "sample_size": result.sample_size,
        "eps": opts.eps,
        "min_size": opts.min_size,
        "max_size": opts.max_size,
        "score_type": opts.score_type.as_str(),
        "gsea_param": 1,
        "seed": opts.seed,
    })
}

/// The collections used, with version, licence and checksum of bundled ones.
pub(crate) fn collections_json(collections: &[GeneSetCollection]) -> Value {
    Value::Array(
        collections
            .iter()
            .map(|c| {
                let b = degsea_gsea::bundled::find(&c.name).filter(|b| b.version == c.version);
                json!({
                    "name": c.name,
                    "version": c.version,
                    "sets": c.sets.len(),
                    "genes": c.n_distinct_genes(),
                    "bundled": b.is_some(),
                    "licence": b.map(|b| b.licence),
                    "sha256": b.map(|b| b.sha256),
                })
            })
            .collect(),
    )
}

/// Pathway counts of a result for run.json.
pub(crate) fn pathways_json(result: &GseaResult) -> Value {
    json!({
        "tested": result.rows.len(),
        "skipped_by_size": result.n_skipped,
        "padj_below_0.05": result.rows.iter().filter(|r| r.padj < 0.05).count(),
        "set_genes": result.n_set_genes,
        "set_genes_in_ranks": result.n_set_genes_ranked,
    })
}

fn run_json(
    args: &Args,
    opts: &GseaOptions,
    ranks: &degsea_io::rnk::Ranks,
    collections: &[GeneSetCollection],
    result: &GseaResult,
) -> Value {
    let mut parameters = parameters_json(opts, result);
    if let Value::Object(m) = &mut parameters {
        m.insert("ranks".into(), json!(args.ranks.display().to_string()));
    }
    json!({
        "command": "gsea",
        "degsea_version": env!("CARGO_PKG_VERSION"),
        "reference": format!("fgsea {FGSEA_VERSION}"),
        "parameters": parameters,
        "collections": collections_json(collections),
        "input": {
            "genes_in_ranks": ranks.list.len(),
            "duplicated_lines_dropped": ranks.n_duplicates,
            "tie_fraction": result.ranks.tie_fraction,
            "set_genes": result.n_set_genes,
            "set_genes_in_ranks": result.n_set_genes_ranked,
        },
        "pathways": pathways_json(result),
        "warnings": result.warnings,
    })
}
