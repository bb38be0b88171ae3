//! The `simulate` job: a seeded negative-binomial cohort with planted gene-set shifts.
//!
//! Reads the gene sets (bundled or a GMT file) and the bundled Ensembl → symbol map (for filler
//! gene names and Ensembl ids), calls [`degsea_sim::simulate`] and writes `counts.tsv`,
//! `samples.tsv`, `truth.tsv` and `simulation.json` atomically into the output folder.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use degsea_core::GeneSetCollection;
use degsea_io::output::OutputDir;
use degsea_io::table::fmt_f64;
use degsea_sim::{Cohort, GeneIds, SimulationOptions};

use crate::log;

/// Configuration of the `simulate` job.
#[derive(Debug, Clone)]
pub struct SimulateConfig {
    /// The simulation's settings.
    pub options: SimulationOptions,
    /// Gene-set collection: a GMT path or a bundled name ([`degsea_io::genesets`]).
    pub genesets: String,
    /// Name genes by Ensembl gene id instead of symbol.
    pub ensembl: bool,
    /// Output folder.
    pub out: PathBuf,
}

/// Runs the `simulate` job.
pub fn run(config: &SimulateConfig) -> anyhow::Result<()> {
    let options = &config.options;
    let gmt = std::path::Path::new(&config.genesets);
    let inputs: Vec<&std::path::Path> = if gmt.is_file() { vec![gmt] } else { Vec::new() };
    let mut out = crate::output::open_folder(&config.out, &inputs)?;
    let sets = degsea_io::genesets::load(&config.genesets)?;
    let map = EnsemblMap::bundled()?;
    let ids = if config.ensembl { GeneIds::Ensembl(&map.symbol_to_id) } else { GeneIds::Symbols };
    let cohort = degsea_sim::simulate(options, &sets, &map.symbols, ids)?;

    write_outputs(&mut out, &cohort, options, &sets, config.ensembl)
        .with_context(|| format!("writing into `{}`", config.out.display()))?;
    out.commit().with_context(|| format!("publishing output folder `{}`", config.out.display()))?;

    log::info(&format!(
        "simulated {} genes × {} samples ({} gene-set genes{}); test {} vs {}; wrote {}",
        cohort.counts.n_genes(),
        cohort.counts.n_samples(),
        cohort.n_set_genes,
        if cohort.n_synthetic > 0 {
            format!(", {} synthetic fillers", cohort.n_synthetic)
        } else {
            String::new()
        },
        cohort.test_levels.join("+"),
        reference_levels(options, &cohort).join("+"),
        config.out.display()
    ));
    for p in &cohort.plants {
        log::debug(&format!("planted {}: {} of {} genes moved", p.plant, p.n_moved, p.n_present));
    }
    Ok(())
}

fn reference_levels(options: &SimulationOptions, cohort: &Cohort) -> Vec<String> {
    options
        .groups
        .levels()
        .iter()
        .map(|(l, _)| l.clone())
        .filter(|l| !cohort.test_levels.contains(l))
        .collect()
}

/// The bundled map, seen from the symbol side.
struct EnsemblMap {
    /// Distinct symbols in file order (the filler pool).
    symbols: Vec<String>,
    /// Symbol → Ensembl id, restricted to pairs where the symbol is the id's first symbol, so
    /// that an id maps back to the same symbol (first-listed wins, as in `degsea run`).
    symbol_to_id: HashMap<String, String>,
}

impl EnsemblMap {
    fn bundled() -> anyhow::Result<Self> {
        let all = degsea_io::bundled::ensembl_pairs()?;
        let mut first_symbol: HashMap<&str, &str> = HashMap::new();
        let mut pairs = Vec::with_capacity(all.len());
        for (id, symbol) in &all {
            first_symbol.entry(id).or_insert(symbol);
            pairs.push((id.as_str(), symbol.as_str()));
        }
        let mut symbols = Vec::new();
        let mut symbol_to_id = HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for (id, symbol) in pairs {
            if seen.insert(symbol) {
                symbols.push(symbol.to_owned());
            }
            if first_symbol.get(id) == Some(&symbol) {
                symbol_to_id.entry(symbol.to_owned()).or_insert_with(|| id.to_owned());
            }
        }
        Ok(Self { symbols, symbol_to_id })
    }
}

fn write_outputs(
    out: &mut OutputDir,
    cohort: &Cohort,
    options: &SimulationOptions,
    sets: &GeneSetCollection,
    ensembl: bool,
) -> anyhow::Result<()> {
    let counts = cohort.counts.counts();
    let mut w = out.create("counts.tsv")?;
    write!(w, "gene")?;
    for s in cohort.counts.samples() {
        write!(w, "\t{s}")?;
    }
    writeln!(w)?;
    for (gene, row) in cohort.counts.genes().iter().zip(counts.rows()) {
        w.write_all(gene.as_bytes())?;
        for c in row {
            write!(w, "\t{c}")?;
        }
        writeln!(w)?;
    }
    w.flush()?;

    let mut w = out.create("samples.tsv")?;
    let columns = cohort.samples.columns();
    writeln!(w, "sample\t{}", columns.join("\t"))?;
    let values: Vec<&[String]> =
        columns.iter().map(|c| cohort.samples.column(c).expect("the sheet has its columns")).collect();
    for (j, id) in cohort.samples.ids().iter().enumerate() {
        w.write_all(id.as_bytes())?;
        for v in &values {
            write!(w, "\t{}", v[j])?;
        }
        writeln!(w)?;
    }
    w.flush()?;

    let mut w = out.create("truth.tsv")?;
    write!(w, "gene\tsymbol\tlog2FC\tkind\tsets\tbase_mean\tdispersion")?;
    for e in &cohort.covariate_effects {
        write!(w, "\t{e}")?;
    }
    writeln!(w)?;
    for t in &cohort.truth {
        write!(
            w,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            t.gene,
            t.symbol,
            fmt_f64(t.log2_fold_change),
            t.kind.as_str(),
            t.sets.join(","),
            fmt_f64(t.base_mean),
            fmt_f64(t.dispersion)
        )?;
        for &e in &t.covariate_log2_effects {
            write!(w, "\t{}", fmt_f64(e))?;
        }
        writeln!(w)?;
    }
    w.flush()?;

    let reference = reference_levels(options, cohort);
    let manifest = serde_json::json!({
        "program": "degsea simulate",
        "version": env!("CARGO_PKG_VERSION"),
        "simulated": true,
        "seed": options.seed,
        "parameters": {
            "genes": options.n_genes,
            "groups": options.groups.to_string(),
            "column": options.group_column,
            "test_levels": cohort.test_levels,
            "reference_levels": reference,
            "contrast": format!("{}: {} vs {}", options.group_column, cohort.test_levels.join("+"), reference.join("+")),
            "plant_fraction": options.plant_fraction,
            "plant_scatter": options.plant_scatter,
            "library_size": options.library_size,
            "library_size_spread": options.library_size_spread,
            "dispersion": options.dispersion,
            "dispersion_scatter": options.dispersion_scatter,
            "composition_genes": options.composition_genes,
            "background_fraction": options.background_fraction,
            "background_sd": options.background_sd,
            "gene_ids": if ensembl { "ensembl" } else { "symbol" },
        },
        "gene_sets": { "collection": sets.name, "version": sets.version, "n_sets": sets.sets.len() },
        "planted": cohort.plants.iter().map(|p| serde_json::json!({
            "set": p.plant.set,
            "log2FC": p.plant.log2_fold_change,
            "genes_in_matrix": p.n_present,
            "genes_moved": p.n_moved,
        })).collect::<Vec<_>>(),
        "n_set_genes": cohort.n_set_genes,
        "n_synthetic_genes": cohort.n_synthetic,
        "expected_library_sizes": cohort.library_sizes,
    });
    let mut manifest = manifest;
    if !options.covariates.is_empty() {
        manifest["covariates"] = serde_json::json!(
            options
                .covariates
                .iter()
                .map(|c| serde_json::json!({
                    "column": c.name,
                    "levels": c.levels.to_string(),
                    "fraction": c.fraction,
                    "sd": c.sd,
                    "association": c.association,
                }))
                .collect::<Vec<_>>()
        );
    }
    let mut w = out.create("simulation.json")?;
    serde_json::to_writer_pretty(&mut w, &manifest)?;
    writeln!(w)?;
    w.flush()?;
    Ok(())
}
