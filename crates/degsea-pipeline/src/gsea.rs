//! The `gsea` job: preranked GSEA (fgsea 1.31.6) of a ranked list against gene-set collections,
//! written as `gsea.tsv` (`pathway size ES NES pval padj log2err leadingEdge`, sorted by pval),
//! `gsea.json` and `run.json`; and, in [`phenotype`], phenotype-permutation GSEA (Broad GSEA /
//! GSEApy 1.3.1) of an expression matrix.

pub mod phenotype;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use degsea_core::GeneSetCollection;
use degsea_gsea::{GseaOptions, GseaResult, Method};
use degsea_io::gsea_table::{GseaRecord, to_json, to_tsv};
use degsea_io::manifest::{FileDigest, Manifest};
use degsea_io::output::OutputDir;
use serde_json::{Value, json};

use crate::{Timings, log, write_manifest};

/// The fgsea release whose statistics the GSEA job reproduces.
pub const FGSEA_VERSION: &str = "1.31.6";

/// Configuration of the `gsea` job.
#[derive(Debug, Clone)]
pub struct GseaConfig {
    /// The RNK file.
    pub ranks: PathBuf,
    /// `--genesets` values: GMT paths or bundled names ([`degsea_io::genesets`]).
    pub genesets: Vec<String>,
    /// Engine options.
    pub options: GseaOptions,
    /// Output folder.
    pub out: PathBuf,
    /// The command line, for the manifest.
    pub command_line: Vec<String>,
}

/// The rows of a result in the `gsea.tsv` format.
pub fn records(result: &GseaResult) -> Vec<GseaRecord> {
    result
        .rows
        .iter()
        .map(|r| GseaRecord {
            pathway: r.pathway.clone(),
            size: r.size,
            es: r.es,
            nes: r.nes,
            pval: r.pval,
            padj: r.padj,
            log2err: r.log2err,
            leading_edge: r.leading_edge.clone(),
        })
        .collect()
}

/// Stages `gsea.tsv` and `gsea.json` of a result under `sub`.
pub fn write_tables(out: &mut OutputDir, sub: &Path, result: &GseaResult) -> anyhow::Result<()> {
    let rows = records(result);
    out.write(sub.join("gsea.tsv"), to_tsv(&rows).as_bytes())?;
    out.write(sub.join("gsea.json"), &serde_json::to_vec_pretty(&to_json(&rows))?)?;
    Ok(())
}

/// The GSEA parameters block of run.json.
pub fn parameters_json(opts: &GseaOptions, result: &GseaResult) -> Value {
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
pub fn collections_json(collections: &[GeneSetCollection]) -> Value {
    Value::Array(
        collections
            .iter()
            .map(|c| {
                let b = degsea_io::bundled::find(&c.name).filter(|b| b.version == c.version);
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

/// The GSEA results block of run.json.
pub fn results_json(collections: &[GeneSetCollection], result: &GseaResult) -> Value {
    json!({
        "collections": collections_json(collections),
        "tested": result.rows.len(),
        "skipped_by_size": result.n_skipped,
        "padj_below_0.05": result.rows.iter().filter(|r| r.padj < 0.05).count(),
        "set_genes": result.n_set_genes,
        "set_genes_in_ranks": result.n_set_genes_ranked,
        "tie_fraction": result.ranks.tie_fraction,
    })
}

/// Input files of the gene-set values that are files (bundled collections have no file).
pub fn geneset_files(specs: &[String]) -> anyhow::Result<Vec<FileDigest>> {
    Ok(FileDigest::inputs(specs.iter().map(Path::new).filter(|p| p.is_file()))?)
}

/// Runs the `gsea` job.
pub fn run(config: &GseaConfig) -> anyhow::Result<GseaResult> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let dest = config.out.display().to_string();
    let input_paths: Vec<&Path> = std::iter::once(config.ranks.as_path())
        .chain(config.genesets.iter().map(Path::new).filter(|p| p.is_file()))
        .collect();
    let mut out = crate::output::open_folder(&config.out, &input_paths)?;
    let clock = Instant::now();
    let ranks = degsea_io::rnk::read(&config.ranks)?;
    let mut warnings = Vec::new();
    if ranks.n_duplicates > 0 {
        let w = format!(
            "{}: {} duplicated gene line(s) dropped, keeping the largest |score| (e.g. {})",
            config.ranks.display(),
            ranks.n_duplicates,
            ranks.duplicate_examples.join(", ")
        );
        log::warn(&w);
        warnings.push(w);
    }
    let collections = degsea_io::genesets::load_all(&config.genesets)?;
    let mut inputs = FileDigest::inputs([config.ranks.as_path()])?;
    inputs.extend(geneset_files(&config.genesets)?);
    timings.push("read", clock.elapsed().as_secs_f64());

    let clock = Instant::now();
    let result = degsea_gsea::run(&ranks.list, &collections, &config.options)
        .with_context(|| format!("GSEA of `{}`", config.ranks.display()))?;
    for w in &result.warnings {
        log::warn(w);
        warnings.push(w.clone());
    }
    timings.push("gsea", clock.elapsed().as_secs_f64());
    write_tables(&mut out, Path::new(""), &result)?;

    let mut m = Manifest::new("gsea", config.command_line.clone());
    m.reproduces.insert("fgsea".into(), json!(FGSEA_VERSION));
    let mut parameters = parameters_json(&config.options, &result);
    if let Value::Object(p) = &mut parameters {
        p.insert("ranks".into(), json!(config.ranks.display().to_string()));
        p.insert("genesets".into(), json!(config.genesets));
        p.insert("threads".into(), json!(rayon::current_num_threads()));
    }
    m.parameters = parameters;
    m.seed = Some(config.options.seed);
    m.inputs = inputs;
    m.warnings = warnings;
    timings.push("total", started.elapsed().as_secs_f64());
    m.timings = timings.into_vec();
    m.results.insert(
        "ranks".into(),
        json!({ "genes_in_ranks": ranks.list.len(), "duplicated_lines_dropped": ranks.n_duplicates }),
    );
    m.results.insert("gsea".into(), results_json(&collections, &result));
    write_manifest(&mut out, Path::new(""), m)?;
    out.commit().with_context(|| format!("writing output folder `{dest}`"))?;
    let n_sig = result.rows.iter().filter(|r| r.padj < 0.05).count();
    log::info(&format!(
        "{} pathways tested ({} skipped by size), {} with padj < 0.05; wrote {}",
        result.rows.len(),
        result.n_skipped,
        n_sig,
        config.out.join("gsea.tsv").display()
    ));
    Ok(result)
}
