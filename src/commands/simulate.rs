//! `degsea simulate`: a seeded negative-binomial cohort with planted gene-set shifts (job:
//! [`degsea_pipeline::simulate`]).

use std::path::PathBuf;

use degsea_pipeline::simulate::SimulateConfig;
use degsea_sim::{CovariateSpec, GroupSpec, Plant, SimulationOptions};

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
    /// Gene-set collection: a GMT file or a bundled name (`hallmark`); a value naming an
    /// existing file is read as that file.
    #[arg(long, value_name = "GMT|NAME", default_value = "hallmark")]
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
    /// A covariate column with its own effects, `NAME:LEVEL=N,LEVEL=N[:FRACTION[:SD[:ASSOC]]]`
    /// (repeatable): each non-first level moves FRACTION of the genes (default 0.1) by
    /// N(0, SD²) in log2 (default SD 1); levels go to samples at random, or, with ASSOC in
    /// (0, 1], later levels more often to the test group. E.g. `stage:I=13,II=11,III=15`,
    /// `stage:I=13,II=11,III=15:0.1:1:0.5` or a batch shift `batch:A=19,B=19:1:0.2`.
    #[arg(long, value_name = "SPEC")]
    covariate: Vec<String>,
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
    let covariates =
        args.covariate.iter().map(|c| c.parse::<CovariateSpec>()).collect::<Result<Vec<_>, _>>()?;
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
        covariates,
        seed: args.seed,
    };
    degsea_pipeline::simulate::run(&SimulateConfig {
        options,
        genesets: args.genesets,
        ensembl: args.ensembl,
        out: args.out,
    })
}
