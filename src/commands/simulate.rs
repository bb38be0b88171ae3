//! `degsea simulate`: a seeded negative-binomial cohort with planted gene-set shifts.
//!
//! Reads the gene sets (bundled or a GMT file) and the bundled Ensembl → symbol map (for filler
//! gene names and `--ensembl` ids), calls [`degsea_sim::simulate`] and writes `counts.tsv`,
//! `samples.tsv`, `truth.tsv` and `simulation.json` atomically into `--out`.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use degsea_core::GeneSetCollection;
use degsea_io::output::OutputDir;
use degsea_io::table::fmt_f64;
use degsea_sim::{Cohort, GeneIds, GroupSpec, Plant, SimulationOptions};

use crate::log;

/// The bundled Ensembl gene id → symbol map (Bioconductor org.Hs.eg.db 3.16.0; see
/// `genesets/ATTRIBUTION-ensembl.md`): the pool of filler gene names and the `--ensembl` ids.
/// The bundled Ensembl gene id → HGNC symbol table (see genesets/ATTRIBUTION-ensembl.md).
pub(crate) const ENSEMBL_TO_SYMBOL: &str = include_str!("../../genesets/ensembl_to_symbol.human.tsv");

/// Arguments of `degsea simulate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example (the demo cohort in data/):\n  degsea simulate --groups \
                        cluster1=24,cluster2=5,cluster3=9 --column cluster --test cluster2+cluster3 \\\n    \
                        --plant HALLMARK_E2F_TARGETS=+0.6 --plant HALLMARK_INTERFERON_GAMMA_RESPONSE=-0.5 \
                        --seed 1 --out sim/")]
pub(crate) struct Args {
    /// Groups and their sizes, e.g. `cluster1=24,cluster2=5,cluster3=9`.
    #[arg(long, value_name = "LEVEL=N,...")]
    groups: String,
    /// Levels forming the test group, joined by `+` (default: every level but the first).
    #[arg(long, value_name = "LEVEL[+LEVEL]")]
    test: Option<String>,
    /// Name of the sample-sheet column holding the group.
    #[arg(long, value_name = "NAME", default_value = degsea_sim::DEFAULT_GROUP_COLUMN)]
    column: String,
    /// Number of genes: every gene of the gene sets, then filler genes.
    #[arg(long, value_name = "N", default_value_t = degsea_sim::DEFAULT_N_GENES)]
    genes: usize,
    /// Planted shift `SET=LOG2FC` (repeatable or comma-separated), e.g. `HALLMARK_E2F_TARGETS=+0.6`.
    #[arg(long, value_name = "SET=LOG2FC", value_delimiter = ',', allow_hyphen_values = true)]
    plant: Vec<String>,
    /// Fraction of each planted set's genes that are moved.
    #[arg(long, value_name = "F", default_value_t = degsea_sim::DEFAULT_PLANT_FRACTION)]
    plant_fraction: f64,
    /// Coefficient of variation of the moved genes' log2FC around the set's value.
    #[arg(long, value_name = "CV", default_value_t = degsea_sim::DEFAULT_PLANT_SCATTER)]
    plant_scatter: f64,
    /// Gene-set collection: a bundled name (`hallmark`) or a GMT file.
    #[arg(long, value_name = "NAME|PATH", default_value = "hallmark")]
    genesets: String,
    /// Mean library size (reads per sample).
    #[arg(long, value_name = "READS", default_value_t = degsea_sim::DEFAULT_LIBRARY_SIZE)]
    library_size: f64,
    /// Library sizes vary uniformly by this fraction around the mean.
    #[arg(long, value_name = "F", default_value_t = degsea_sim::DEFAULT_LIBRARY_SIZE_SPREAD)]
    library_size_spread: f64,
    /// Asymptotic NB dispersion φ₀ of the trend φ(μ) = φ₀ + 1/μ.
    #[arg(long, value_name = "PHI", default_value_t = degsea_sim::DEFAULT_DISPERSION)]
    dispersion: f64,
    /// S.d. of the gene-wise log-dispersion around the trend.
    #[arg(long, value_name = "SD", default_value_t = degsea_sim::DEFAULT_DISPERSION_SCATTER)]
    dispersion_scatter: f64,
    /// Number of very highly expressed genes that change (composition effects).
    #[arg(long, value_name = "N", default_value_t = degsea_sim::DEFAULT_COMPOSITION_GENES)]
    composition_genes: usize,
    /// Fraction of the other genes given a random log2 fold change.
    #[arg(long, value_name = "F", default_value_t = degsea_sim::DEFAULT_BACKGROUND_FRACTION)]
    background_fraction: f64,
    /// S.d. of those random log2 fold changes.
    #[arg(long, value_name = "SD", default_value_t = degsea_sim::DEFAULT_BACKGROUND_SD)]
    background_sd: f64,
    /// Name genes by Ensembl gene id instead of symbol (genes without an id are left out).
    #[arg(long)]
    ensembl: bool,
    /// Random seed: the same seed and settings give the same files.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Output folder (created; existing files of the same names are replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Runs `degsea simulate`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let groups: GroupSpec = args.groups.parse()?;
    let plants = args.plant.iter().map(|p| p.parse::<Plant>()).collect::<Result<Vec<_>, _>>()?;
    let test_levels = match &args.test {
        Some(t) => degsea_sim::parse_levels(t)?,
        None => Vec::new(),
    };
    let options = SimulationOptions {
        n_genes: args.genes,
        groups,
        test_levels,
        group_column: args.column,
        plants,
        plant_fraction: args.plant_fraction,
        plant_scatter: args.plant_scatter,
        library_size: args.library_size,
        library_size_spread: args.library_size_spread,
        dispersion: args.dispersion,
        dispersion_scatter: args.dispersion_scatter,
        composition_genes: args.composition_genes,
        background_fraction: args.background_fraction,
        background_sd: args.background_sd,
        seed: args.seed,
    };
    let sets = load_gene_sets(&args.genesets)?;
    let map = EnsemblMap::bundled();
    let ids = if args.ensembl { GeneIds::Ensembl(&map.symbol_to_id) } else { GeneIds::Symbols };
    let cohort = degsea_sim::simulate(&options, &sets, &map.symbols, ids)?;

    let mut out = OutputDir::new(&args.out)
        .with_context(|| format!("preparing output folder `{}`", args.out.display()))?;
    write_outputs(&mut out, &cohort, &options, &sets, args.ensembl)
        .with_context(|| format!("writing into `{}`", args.out.display()))?;
    out.commit().with_context(|| format!("publishing output folder `{}`", args.out.display()))?;

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
        reference_levels(&options, &cohort).join("+"),
        args.out.display()
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

/// Resolves `--genesets` exactly as `degsea gsea` does: a bundled collection name, else a GMT file.
fn load_gene_sets(spec: &str) -> anyhow::Result<GeneSetCollection> {
    let mut collections = crate::commands::gsea::load_collections(&[spec.to_owned()])?;
    Ok(collections.pop().expect("one collection per spec"))
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
    fn bundled() -> Self {
        let mut first_symbol: HashMap<&str, &str> = HashMap::new();
        let mut pairs = Vec::new();
        for line in ENSEMBL_TO_SYMBOL.lines().skip(1) {
            if let Some((id, symbol)) = line.trim_end_matches('\r').split_once('\t') {
                first_symbol.entry(id).or_insert(symbol);
                pairs.push((id, symbol));
            }
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
        Self { symbols, symbol_to_id }
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
    let column = &options.group_column;
    writeln!(w, "sample\t{column}")?;
    let levels = cohort.samples.column(column).expect("the sheet has the group column");
    for (id, level) in cohort.samples.ids().iter().zip(levels) {
        writeln!(w, "{id}\t{level}")?;
    }
    w.flush()?;

    let mut w = out.create("truth.tsv")?;
    writeln!(w, "gene\tsymbol\tlog2FC\tkind\tsets\tbase_mean\tdispersion")?;
    for t in &cohort.truth {
        writeln!(
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
    let mut w = out.create("simulation.json")?;
    serde_json::to_writer_pretty(&mut w, &manifest)?;
    writeln!(w)?;
    w.flush()?;
    Ok(())
}
