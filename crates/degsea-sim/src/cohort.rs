//! The cohort model: genes, groups, planted shifts, composition effects and NB counts.

use std::collections::{HashMap, HashSet};

use degsea_core::{CountMatrix, GeneSetCollection, SampleSheet};
use ndarray::Array2;

use crate::dist::{gamma, negative_binomial};
use crate::rng::Rng;
use crate::{CovariateSpec, Error, GroupSpec, Plant, Result};

/// Default number of genes (`--genes`), about the number of protein-coding human genes.
pub const DEFAULT_N_GENES: usize = 20_000;
/// Default fraction of a planted set's genes that are moved (`--plant-fraction`).
pub const DEFAULT_PLANT_FRACTION: f64 = 0.6;
/// Default coefficient of variation of the gene-level planted effect (`--plant-scatter`): each
/// moved gene's log2FC is the set's value times a Gamma(1/cv², cv²) factor (mean 1).
pub const DEFAULT_PLANT_SCATTER: f64 = 0.5;
/// Default mean library size in reads (`--library-size`).
pub const DEFAULT_LIBRARY_SIZE: f64 = 20.0e6;
/// Default relative spread of library sizes (`--library-size-spread`): uniform on ±30 %.
pub const DEFAULT_LIBRARY_SIZE_SPREAD: f64 = 0.3;
/// Largest mean library size accepted: keeps every count far inside the `u32` range.
pub const MAX_LIBRARY_SIZE: f64 = 1.0e8;
/// Default asymptotic dispersion (`--dispersion`): BCV ≈ 0.32 for well-expressed genes.
pub const DEFAULT_DISPERSION: f64 = 0.1;
/// Largest asymptotic dispersion accepted.
pub const MAX_DISPERSION: f64 = 10.0;
/// Default s.d. of the gene-wise log-dispersion around the trend (`--dispersion-scatter`).
pub const DEFAULT_DISPERSION_SCATTER: f64 = 0.5;
/// Default number of very highly expressed genes that change (`--composition-genes`).
pub const DEFAULT_COMPOSITION_GENES: usize = 5;
/// Largest number of composition genes accepted (each takes up to 3 % of the library).
pub const MAX_COMPOSITION_GENES: usize = 20;
/// Default fraction of the remaining genes with a random, set-independent log2FC.
pub const DEFAULT_BACKGROUND_FRACTION: f64 = 0.05;
/// Default s.d. of those background log2 fold changes.
pub const DEFAULT_BACKGROUND_SD: f64 = 0.5;
/// Default name of the sample-sheet column holding the group (`--column`).
pub const DEFAULT_GROUP_COLUMN: &str = "group";

/// Probability that a gene-set gene is expressed (well-studied genes mostly are).
const P_EXPRESSED_SET_GENE: f64 = 0.9;
/// Probability that a filler gene is expressed (fillers include pseudogenes and lncRNAs).
const P_EXPRESSED_FILLER: f64 = 0.55;
/// Mean and s.d. of log2 CPM of expressed genes (a bulk RNA-seq logCPM peak near 4.5).
const EXPRESSED_LOG2_CPM: (f64, f64) = (4.5, 2.0);
/// Mean and s.d. of log2 CPM of unexpressed genes (a few stray reads).
const UNEXPRESSED_LOG2_CPM: (f64, f64) = (-3.0, 2.0);
/// Library share of one composition gene: log-uniform between these fractions.
const COMPOSITION_SHARE: (f64, f64) = (0.005, 0.03);
/// |log2 fold change| of a composition gene: uniform between these values.
const COMPOSITION_LOG2FC: (f64, f64) = (1.0, 2.0);

/// Independent random streams (xoshiro jumps), one per part of the model, so that changing
/// one setting leaves the draws of the others unchanged.
const STREAM_FILLERS: u32 = 0;
const STREAM_PLANT: u32 = 1;
const STREAM_COMPOSITION: u32 = 2;
const STREAM_BACKGROUND: u32 = 3;
const STREAM_EXPRESSION: u32 = 4;
const STREAM_DISPERSION: u32 = 5;
const STREAM_SAMPLES: u32 = 6;
const STREAM_COUNTS: u32 = 7;
/// Covariate `k` draws its sample assignment from stream `STREAM_COVARIATES + 2k` and its gene
/// effects from the next one.
const STREAM_COVARIATES: u32 = 8;

/// Every setting of a simulation. [`SimulationOptions::new`] fills in the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationOptions {
    /// Number of genes (rows).
    pub n_genes: usize,
    /// Groups and their sizes.
    pub groups: GroupSpec,
    /// Levels that form the test group; empty means every level but the first.
    pub test_levels: Vec<String>,
    /// Name of the sample-sheet column holding the level.
    pub group_column: String,
    /// Planted gene-set shifts.
    pub plants: Vec<Plant>,
    /// Fraction of each planted set's genes that are moved.
    pub plant_fraction: f64,
    /// Coefficient of variation of the moved genes' log2 fold changes around the set value.
    pub plant_scatter: f64,
    /// Mean library size (reads per sample).
    pub library_size: f64,
    /// Library sizes are uniform on `library_size · (1 ± spread)`.
    pub library_size_spread: f64,
    /// Asymptotic dispersion φ₀ of the trend φ(μ) = φ₀ + 1/μ.
    pub dispersion: f64,
    /// S.d. of the gene-wise log-dispersion around the trend.
    pub dispersion_scatter: f64,
    /// Number of very highly expressed genes that change between groups.
    pub composition_genes: usize,
    /// Fraction of the other genes given a random log2 fold change.
    pub background_fraction: f64,
    /// S.d. of those random log2 fold changes.
    pub background_sd: f64,
    /// Covariates with their own effects (sample-sheet columns after the group).
    pub covariates: Vec<CovariateSpec>,
    /// Seed of every random stream.
    pub seed: u64,
}

impl SimulationOptions {
    /// Default settings for the given groups (no planted shifts, seed 1).
    ///
    /// ```
    /// let o = degsea_sim::SimulationOptions::new("a=3,b=3".parse()?);
    /// assert_eq!(o.n_genes, degsea_sim::DEFAULT_N_GENES);
    /// # Ok::<(), degsea_sim::Error>(())
    /// ```
    pub fn new(groups: GroupSpec) -> Self {
        Self {
            n_genes: DEFAULT_N_GENES,
            groups,
            test_levels: Vec::new(),
            group_column: DEFAULT_GROUP_COLUMN.to_owned(),
            plants: Vec::new(),
            plant_fraction: DEFAULT_PLANT_FRACTION,
            plant_scatter: DEFAULT_PLANT_SCATTER,
            library_size: DEFAULT_LIBRARY_SIZE,
            library_size_spread: DEFAULT_LIBRARY_SIZE_SPREAD,
            dispersion: DEFAULT_DISPERSION,
            dispersion_scatter: DEFAULT_DISPERSION_SCATTER,
            composition_genes: DEFAULT_COMPOSITION_GENES,
            background_fraction: DEFAULT_BACKGROUND_FRACTION,
            background_sd: DEFAULT_BACKGROUND_SD,
            covariates: Vec::new(),
            seed: 1,
        }
    }

    /// The test levels after applying the default (every level but the first), checked
    /// against the groups.
    pub fn resolved_test_levels(&self) -> Result<Vec<String>> {
        let levels = self.groups.levels();
        if levels.len() < 2 {
            return Err(Error::Groups(format!(
                "groups `{}` have one level; at least two are needed (a test and a reference group)",
                self.groups
            )));
        }
        let test: Vec<String> = if self.test_levels.is_empty() {
            levels[1..].iter().map(|(l, _)| l.clone()).collect()
        } else {
            self.test_levels.clone()
        };
        for t in &test {
            if !self.groups.contains(t) {
                let available: Vec<&str> = levels.iter().map(|(l, _)| l.as_str()).collect();
                return Err(Error::UnknownTestLevel { level: t.clone(), available: available.join(", ") });
            }
        }
        if levels.iter().all(|(l, _)| test.contains(l)) {
            return Err(Error::Groups(format!(
                "every group is a test group (`{}`); leave at least one reference group",
                test.join("+")
            )));
        }
        Ok(test)
    }

    fn validate(&self) -> Result<()> {
        let bad = |name: &'static str, value: f64, reason: &'static str| Error::Option {
            name,
            value: value.to_string(),
            reason,
        };
        let in_unit = |x: f64| (0.0..=1.0).contains(&x);
        if self.n_genes == 0 {
            return Err(Error::Option {
                name: "genes",
                value: "0".into(),
                reason: "at least 1 gene is needed",
            });
        }
        if !in_unit(self.plant_fraction) {
            return Err(bad("plant fraction", self.plant_fraction, "must be in [0, 1]"));
        }
        if !(self.plant_scatter.is_finite() && (0.0..=2.0).contains(&self.plant_scatter)) {
            return Err(bad("plant scatter", self.plant_scatter, "must be in [0, 2]"));
        }
        if !(self.library_size >= 1.0 && self.library_size <= MAX_LIBRARY_SIZE) {
            return Err(bad("library size", self.library_size, "must be in [1, 1e8]"));
        }
        if !(0.0..1.0).contains(&self.library_size_spread) {
            return Err(bad("library size spread", self.library_size_spread, "must be in [0, 1)"));
        }
        if !(0.0..=MAX_DISPERSION).contains(&self.dispersion) {
            return Err(bad("dispersion", self.dispersion, "must be in [0, 10]"));
        }
        if !(0.0..=3.0).contains(&self.dispersion_scatter) {
            return Err(bad("dispersion scatter", self.dispersion_scatter, "must be in [0, 3]"));
        }
        if self.composition_genes > MAX_COMPOSITION_GENES {
            return Err(Error::Option {
                name: "composition genes",
                value: self.composition_genes.to_string(),
                reason: "must be at most 20",
            });
        }
        if !in_unit(self.background_fraction) {
            return Err(bad("background fraction", self.background_fraction, "must be in [0, 1]"));
        }
        if !(0.0..=5.0).contains(&self.background_sd) {
            return Err(bad("background sd", self.background_sd, "must be in [0, 5]"));
        }
        let column = &self.group_column;
        if column.is_empty() || column.contains(['\t', '\n', '\r']) || column == "sample" {
            return Err(Error::Groups(format!(
                "group column name `{}` must be non-empty, without tabs, and not `sample`",
                column.escape_default()
            )));
        }
        let n_samples = self.groups.n_samples();
        for (k, c) in self.covariates.iter().enumerate() {
            let bad = |reason: String| Error::CovariateSpec { spec: c.to_string(), reason };
            if c.levels.n_samples() != n_samples {
                return Err(bad(format!(
                    "its levels have {} samples, the groups {n_samples}",
                    c.levels.n_samples()
                )));
            }
            if c.name == *column || self.covariates[..k].iter().any(|o| o.name == c.name) {
                return Err(bad(format!("column `{}` is given twice", c.name)));
            }
        }
        let mut seen = HashSet::new();
        for p in &self.plants {
            if !seen.insert(p.set.as_str()) {
                return Err(Error::DuplicatePlant(p.set.clone()));
            }
        }
        Ok(())
    }
}

/// How genes are named in the simulated matrix.
#[derive(Debug, Clone, Copy)]
pub enum GeneIds<'a> {
    /// Gene symbols, as in the gene sets.
    Symbols,
    /// Ensembl gene ids, from a symbol → Ensembl id map; genes without an id are left out.
    Ensembl(&'a HashMap<String, String>),
}

/// Why a gene's expression differs between the groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectKind {
    /// No change.
    Null,
    /// Moved by a planted gene-set shift.
    Planted,
    /// A very highly expressed gene that changes (a composition effect for normalisation).
    Composition,
    /// A random change unrelated to the planted sets.
    Background,
}

impl EffectKind {
    /// Lowercase name used in `truth.tsv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Planted => "planted",
            Self::Composition => "composition",
            Self::Background => "background",
        }
    }
}

/// The simulated truth for one gene.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneTruth {
    /// Gene id as in the count matrix.
    pub gene: String,
    /// Gene symbol (the id itself for synthetic fillers).
    pub symbol: String,
    /// log2 fold change of the test over the reference group before library composition is
    /// taken into account (what a TMM-normalised logFC estimates); 0 for null genes.
    pub log2_fold_change: f64,
    /// Why the gene changes.
    pub kind: EffectKind,
    /// Planted sets that moved this gene (an effect from several sets is their mean).
    pub sets: Vec<String>,
    /// Expected count in a reference sample of the mean library size.
    pub base_mean: f64,
    /// NB dispersion of the gene.
    pub dispersion: f64,
    /// log2 effect of each covariate level on this gene, in the order of
    /// [`Cohort::covariate_effects`] (empty without covariates).
    pub covariate_log2_effects: Vec<f64>,
}

/// What happened to one planted set.
#[derive(Debug, Clone, PartialEq)]
pub struct PlantSummary {
    /// The planted shift.
    pub plant: Plant,
    /// Members of the set present in the matrix.
    pub n_present: usize,
    /// Members moved.
    pub n_moved: usize,
}

/// A simulated cohort: counts, sample sheet and the truth behind them.
#[derive(Debug, Clone)]
pub struct Cohort {
    /// Genes × samples counts, genes sorted by id.
    pub counts: CountMatrix,
    /// One row per sample, one column (the group).
    pub samples: SampleSheet,
    /// The truth, one row per gene in matrix order.
    pub truth: Vec<GeneTruth>,
    /// The expected library size of each sample (before sampling noise).
    pub library_sizes: Vec<f64>,
    /// The test levels used.
    pub test_levels: Vec<String>,
    /// One entry per planted set.
    pub plants: Vec<PlantSummary>,
    /// Distinct gene-set genes in the matrix.
    pub n_set_genes: usize,
    /// Synthetic filler genes added because the filler pool ran out.
    pub n_synthetic: usize,
    /// Names `COLUMN:LEVEL` of the covariate effects in [`GeneTruth::covariate_log2_effects`]
    /// (each covariate's non-baseline levels).
    pub covariate_effects: Vec<String>,
}

struct Gene {
    id: String,
    symbol: String,
    in_sets: bool,
}

/// Simulates a cohort.
///
/// Genes: every distinct gene of `sets` (those with an Ensembl id under
/// [`GeneIds::Ensembl`]), then fillers drawn at random from `fillers` (symbols; duplicates and
/// set genes skipped) up to `options.n_genes`, then synthetic ids (`SIMGENE00001`, or
/// `ENSG90000000001` for Ensembl ids, a range Ensembl does not use) if the pool runs out.
/// Genes are sorted by id.
///
/// Model, per gene g and sample j in group ℓ:
/// - relative expression p_g: log2 CPM from a two-component normal mixture (expressed or not),
///   a few composition genes at 0.5–3 % of the library each;
/// - effects: a planted set moves `plant_fraction` of its genes by its log2FC times a
///   mean-1 gamma factor; composition genes change by ±1–2 log2; a `background_fraction` of
///   the rest by N(0, `background_sd`²); effects apply to every test level;
/// - group proportions q_gℓ ∝ p_g·2^(log2FC_g·[ℓ is test]), renormalised to sum to 1 (so
///   big changes of big genes shift every other gene: a composition effect);
/// - library sizes L_j uniform on `library_size`·(1 ± `library_size_spread`);
/// - dispersion φ_g = (φ₀ + 1/μ_g)·exp(σZ), μ_g the expected reference count;
/// - covariates: each covariate's levels are assigned to samples at random (independently of
///   the groups unless `association` > 0); each non-baseline level moves a random `fraction` of the genes by
///   N(0, `sd`²) in log2, multiplying the means of its samples;
/// - counts Y_gj ~ NB(q_gℓ·L_j·2^(Σ covariate effects), φ_g) as a Poisson–gamma mixture.
///
/// The same seed and inputs give the same cohort. Each part of the model has its own random
/// stream and each gene its own count stream, so, for instance, planting a set does not
/// change the counts of genes it does not move.
///
/// ```
/// use degsea_core::{GeneSet, GeneSetCollection};
/// use degsea_sim::{simulate, GeneIds, SimulationOptions};
/// let sets = GeneSetCollection {
///     name: "toy".into(),
///     version: String::new(),
///     sets: vec![GeneSet {
///         name: "UP".into(),
///         description: String::new(),
///         genes: (0..40).map(|i| format!("U{i}")).collect(),
///     }],
/// };
/// let fillers: Vec<String> = (0..500).map(|i| format!("F{i}")).collect();
/// let mut o = SimulationOptions::new("ctrl=3,trt=3".parse()?);
/// o.n_genes = 300;
/// o.plants = vec!["UP=+1".parse()?];
/// let c = simulate(&o, &sets, &fillers, GeneIds::Symbols)?;
/// assert_eq!((c.counts.n_genes(), c.counts.n_samples()), (300, 6));
/// assert_eq!(c.plants[0].n_moved, 24);
/// # Ok::<(), degsea_sim::Error>(())
/// ```
///
/// # References
/// The NB model with a mean–dispersion trend follows the simulation designs used to benchmark
/// edgeR and DESeq2, e.g. C. Soneson, M. Delorenzi (2013). A comparison of methods for
/// differential expression analysis of RNA-seq data. *BMC Bioinformatics* 14:91.
pub fn simulate(
    options: &SimulationOptions,
    sets: &GeneSetCollection,
    fillers: &[String],
    ids: GeneIds<'_>,
) -> Result<Cohort> {
    options.validate()?;
    let test_levels = options.resolved_test_levels()?;
    let seed = options.seed;

    // Gene universe.
    let id_of = |symbol: &str| -> Option<String> {
        match ids {
            GeneIds::Symbols => Some(symbol.to_owned()),
            GeneIds::Ensembl(map) => map.get(symbol).cloned(),
        }
    };
    let mut genes: Vec<Gene> = Vec::new();
    let mut seen_symbols: HashSet<&str> = HashSet::new();
    let mut seen_ids: HashSet<String> = HashSet::new();
    for g in sets.sets.iter().flat_map(|s| &s.genes) {
        if seen_symbols.insert(g)
            && let Some(id) = id_of(g)
            && seen_ids.insert(id.clone())
        {
            genes.push(Gene { id, symbol: g.clone(), in_sets: true });
        }
    }
    let n_set_genes = genes.len();
    if options.n_genes < n_set_genes {
        return Err(Error::TooFewGenes { requested: options.n_genes, needed: n_set_genes });
    }
    let mut candidates: Vec<(String, &str)> = Vec::new();
    for f in fillers {
        if seen_symbols.insert(f)
            && let Some(id) = id_of(f)
            && seen_ids.insert(id.clone())
        {
            candidates.push((id, f));
        }
    }
    let need = options.n_genes - n_set_genes;
    let mut rng = Rng::stream(seed, STREAM_FILLERS);
    let take = need.min(candidates.len());
    for i in rng.choose(candidates.len(), take) {
        let (id, symbol) = &candidates[i];
        genes.push(Gene { id: id.clone(), symbol: (*symbol).to_owned(), in_sets: false });
    }
    let mut n_synthetic = 0;
    let mut serial = 0u64;
    while genes.len() < options.n_genes {
        serial += 1;
        let id = match ids {
            GeneIds::Symbols => format!("SIMGENE{serial:05}"),
            GeneIds::Ensembl(_) => format!("ENSG9{serial:010}"),
        };
        if seen_ids.insert(id.clone()) && !seen_symbols.contains(id.as_str()) {
            genes.push(Gene { symbol: id.clone(), id, in_sets: false });
            n_synthetic += 1;
        }
    }
    genes.sort_by(|a, b| a.id.cmp(&b.id));
    let n = genes.len();
    let position: HashMap<&str, usize> =
        genes.iter().enumerate().map(|(i, g)| (g.symbol.as_str(), i)).collect();

    // Effects.
    let mut lfc_sum = vec![0.0f64; n];
    let mut lfc_count = vec![0u32; n];
    let mut kind = vec![EffectKind::Null; n];
    let mut planted_sets: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut rng = Rng::stream(seed, STREAM_PLANT);
    let mut plants = Vec::with_capacity(options.plants.len());
    for plant in &options.plants {
        let set = sets.sets.iter().find(|s| s.name == plant.set).ok_or_else(|| Error::UnknownSet {
            name: plant.set.clone(),
            collection: sets.name.clone(),
            hint: set_hint(&plant.set, sets),
        })?;
        let mut members: Vec<usize> =
            set.genes.iter().filter_map(|g| position.get(g.as_str()).copied()).collect();
        members.sort_unstable();
        members.dedup();
        if members.is_empty() {
            return Err(Error::EmptyPlant(plant.set.clone()));
        }
        let k = (options.plant_fraction * members.len() as f64).round() as usize;
        let cv2 = options.plant_scatter * options.plant_scatter;
        for i in rng.choose(members.len(), k) {
            let g = members[i];
            let factor = if cv2 > 0.0 { gamma(&mut rng, 1.0 / cv2, cv2) } else { 1.0 };
            lfc_sum[g] += plant.log2_fold_change * factor;
            lfc_count[g] += 1;
            kind[g] = EffectKind::Planted;
            planted_sets[g].push(plant.set.clone());
        }
        plants.push(PlantSummary { plant: plant.clone(), n_present: members.len(), n_moved: k });
    }
    let mut lfc: Vec<f64> =
        lfc_sum.iter().zip(&lfc_count).map(|(&s, &c)| if c > 0 { s / f64::from(c) } else { 0.0 }).collect();

    let mut rng = Rng::stream(seed, STREAM_COMPOSITION);
    let pool: Vec<usize> = (0..n).filter(|&g| !genes[g].in_sets && kind[g] == EffectKind::Null).collect();
    let mut composition_share = vec![0.0f64; n];
    for i in rng.choose(pool.len(), options.composition_genes.min(pool.len())) {
        let g = pool[i];
        let (lo, hi) = COMPOSITION_SHARE;
        composition_share[g] = (lo.ln() + rng.uniform() * (hi.ln() - lo.ln())).exp();
        let (a, b) = COMPOSITION_LOG2FC;
        let magnitude = a + rng.uniform() * (b - a);
        lfc[g] = if rng.uniform() < 0.5 { -magnitude } else { magnitude };
        kind[g] = EffectKind::Composition;
    }

    let mut rng = Rng::stream(seed, STREAM_BACKGROUND);
    let pool: Vec<usize> = (0..n).filter(|&g| kind[g] == EffectKind::Null).collect();
    let k = (options.background_fraction * pool.len() as f64).round() as usize;
    for i in rng.choose(pool.len(), k) {
        let g = pool[i];
        lfc[g] = options.background_sd * rng.normal();
        kind[g] = EffectKind::Background;
    }

    // Baseline expression: proportions of the reference group.
    let mut rng = Rng::stream(seed, STREAM_EXPRESSION);
    let mut base = vec![0.0f64; n];
    for (g, gene) in genes.iter().enumerate() {
        let p_expressed = if gene.in_sets { P_EXPRESSED_SET_GENE } else { P_EXPRESSED_FILLER };
        let (mu, sd) = if rng.uniform() < p_expressed { EXPRESSED_LOG2_CPM } else { UNEXPRESSED_LOG2_CPM };
        base[g] = (mu + sd * rng.normal()).exp2();
    }
    let composition_total: f64 = composition_share.iter().sum();
    let other_total: f64 =
        base.iter().zip(&composition_share).filter(|(_, s)| **s == 0.0).map(|(b, _)| b).sum();
    for (b, &s) in base.iter_mut().zip(&composition_share) {
        *b = if s > 0.0 { s } else { *b / other_total * (1.0 - composition_total) };
    }

    // Dispersions.
    let mut rng = Rng::stream(seed, STREAM_DISPERSION);
    let dispersion: Vec<f64> = base
        .iter()
        .map(|&p| {
            let mu = p * options.library_size;
            (options.dispersion + 1.0 / mu) * (options.dispersion_scatter * rng.normal()).exp()
        })
        .collect();

    // Samples.
    let mut rng = Rng::stream(seed, STREAM_SAMPLES);
    let levels = options.groups.levels();
    let mut sample_level: Vec<usize> =
        levels.iter().enumerate().flat_map(|(i, (_, size))| std::iter::repeat_n(i, *size)).collect();
    rng.shuffle(&mut sample_level);
    let n_samples = sample_level.len();
    let width = n_samples.to_string().len().max(2);
    let sample_names: Vec<String> = (1..=n_samples).map(|j| format!("S{j:0width$}")).collect();
    let library_sizes: Vec<f64> = (0..n_samples)
        .map(|_| options.library_size * (1.0 + options.library_size_spread * (2.0 * rng.uniform() - 1.0)))
        .collect();

    // Covariates: sample levels, then per non-baseline level the moved genes and their effects.
    let mut covariate_effects: Vec<String> = Vec::new();
    let mut effect_of: Vec<Vec<f64>> = Vec::new(); // per effect: log2 shift per gene
    let mut sample_effect: Vec<Vec<Option<usize>>> = Vec::new(); // per covariate, per sample
    let mut covariate_levels: Vec<Vec<usize>> = Vec::new();
    for (k, c) in options.covariates.iter().enumerate() {
        let stream = STREAM_COVARIATES + 2 * u32::try_from(k).unwrap_or(u32::MAX / 4);
        let mut rng = Rng::stream(seed, stream);
        let in_order: Vec<usize> = c
            .levels
            .levels()
            .iter()
            .enumerate()
            .flat_map(|(i, (_, size))| std::iter::repeat_n(i, *size))
            .collect();
        // Samples sorted by association·[test] + U(0, 1) take the levels in order.
        let key: Vec<f64> = sample_level
            .iter()
            .map(|&l| {
                let test = test_levels.contains(&levels[l].0);
                c.association * f64::from(u8::from(test)) + rng.uniform()
            })
            .collect();
        let mut by_key: Vec<usize> = (0..n_samples).collect();
        by_key.sort_by(|&a, &b| key[a].total_cmp(&key[b]));
        let mut level = vec![0; n_samples];
        for (rank, &j) in by_key.iter().enumerate() {
            level[j] = in_order[rank];
        }
        let mut rng = Rng::stream(seed, stream + 1);
        let first = effect_of.len();
        for (lname, _) in &c.levels.levels()[1..] {
            let moved = (c.fraction * n as f64).round() as usize;
            let mut shift = vec![0.0f64; n];
            for g in rng.choose(n, moved) {
                shift[g] = c.sd * rng.normal();
            }
            covariate_effects.push(format!("{}:{lname}", c.name));
            effect_of.push(shift);
        }
        // Sample j at level l > 0 takes effect `first + l - 1`.
        sample_effect.push(level.iter().map(|&l| (l > 0).then(|| first + l - 1)).collect());
        covariate_levels.push(level);
    }

    // Group proportions.
    let proportions: Vec<Vec<f64>> = levels
        .iter()
        .map(|(level, _)| {
            let test = test_levels.contains(level);
            let mut q: Vec<f64> =
                base.iter().zip(&lfc).map(|(&p, &l)| if test { p * l.exp2() } else { p }).collect();
            let total: f64 = q.iter().sum();
            for x in &mut q {
                *x /= total;
            }
            q
        })
        .collect();

    // Counts: one generator per gene, seeded from the counts stream.
    let mut master = Rng::stream(seed, STREAM_COUNTS);
    let mut counts = Array2::<u32>::zeros((n, n_samples));
    for (g, mut row) in counts.rows_mut().into_iter().enumerate() {
        let mut rng = Rng::seed_from_u64(master.next_u64());
        for (j, cell) in row.iter_mut().enumerate() {
            let shift: f64 = sample_effect.iter().filter_map(|s| s[j]).map(|e| effect_of[e][g]).sum();
            let mean = proportions[sample_level[j]][g] * library_sizes[j] * shift.exp2();
            let y = negative_binomial(&mut rng, mean, dispersion[g]);
            *cell =
                u32::try_from(y).map_err(|_| Error::CountOverflow { gene: genes[g].id.clone(), value: y })?;
        }
    }

    let truth: Vec<GeneTruth> = genes
        .iter()
        .enumerate()
        .map(|(g, gene)| GeneTruth {
            gene: gene.id.clone(),
            symbol: gene.symbol.clone(),
            log2_fold_change: lfc[g],
            kind: kind[g],
            sets: std::mem::take(&mut planted_sets[g]),
            base_mean: base[g] * options.library_size,
            dispersion: dispersion[g],
            covariate_log2_effects: effect_of.iter().map(|e| e[g]).collect(),
        })
        .collect();
    let gene_ids: Vec<String> = genes.into_iter().map(|g| g.id).collect();
    let counts = CountMatrix::new(gene_ids, sample_names.clone(), counts)?;
    let rows: Vec<Vec<String>> = sample_level
        .iter()
        .enumerate()
        .map(|(j, &l)| {
            let mut row = vec![levels[l].0.clone()];
            for (c, lv) in options.covariates.iter().zip(&covariate_levels) {
                row.push(c.levels.levels()[lv[j]].0.clone());
            }
            row
        })
        .collect();
    let mut columns = vec![options.group_column.clone()];
    columns.extend(options.covariates.iter().map(|c| c.name.clone()));
    let samples = SampleSheet::new(sample_names, columns, rows)?;
    Ok(Cohort {
        counts,
        samples,
        truth,
        library_sizes,
        test_levels,
        plants,
        n_set_genes,
        n_synthetic,
        covariate_effects,
    })
}

/// Suggests set names close to `name`: same name ignoring case, or names containing it.
fn set_hint(name: &str, sets: &GeneSetCollection) -> String {
    let wanted = name.to_ascii_uppercase();
    let core = wanted.strip_prefix("HALLMARK_").unwrap_or(&wanted);
    let close: Vec<&str> = sets
        .sets
        .iter()
        .map(|s| s.name.as_str())
        .filter(|s| {
            let upper = s.to_ascii_uppercase();
            upper == wanted || (core.len() >= 3 && upper.contains(core))
        })
        .take(5)
        .collect();
    if close.is_empty() {
        format!(" ({} sets; list them with `degsea genesets list`)", sets.sets.len())
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use degsea_core::GeneSet;

    fn toy_sets() -> GeneSetCollection {
        let set = |name: &str, prefix: &str, n: usize| GeneSet {
            name: name.into(),
            description: String::new(),
            genes: (0..n).map(|i| format!("{prefix}{i}")).collect(),
        };
        GeneSetCollection {
            name: "toy".into(),
            version: String::new(),
            sets: vec![set("SET_UP", "U", 100), set("SET_DOWN", "D", 80), set("SET_NULL", "N", 60)],
        }
    }

    fn fillers(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("F{i:05}")).collect()
    }

    fn options() -> SimulationOptions {
        let mut o = SimulationOptions::new("ref=6,t1=3,t2=3".parse().unwrap());
        o.n_genes = 2000;
        o.plants = vec!["SET_UP=+1".parse().unwrap(), "SET_DOWN=-0.8".parse().unwrap()];
        o
    }

    #[test]
    fn same_seed_same_cohort_other_seed_other_cohort() {
        let sets = toy_sets();
        let f = fillers(5000);
        let a = simulate(&options(), &sets, &f, GeneIds::Symbols).unwrap();
        let b = simulate(&options(), &sets, &f, GeneIds::Symbols).unwrap();
        assert_eq!(a.counts, b.counts);
        assert_eq!(a.truth, b.truth);
        let mut o = options();
        o.seed = 2;
        let c = simulate(&o, &sets, &f, GeneIds::Symbols).unwrap();
        assert_ne!(a.counts, c.counts);
    }

    #[test]
    fn covariates_have_their_own_columns_and_effects() {
        // A 3-level stage (40/40/40) independent of the groups moves 10 % of genes per stage with
        // log2 s.d. 1. Over well-expressed moved genes, the log2 ratio of stage III to stage I
        // CPM means estimates the planted effect; with ~40 samples a side its error is far below
        // 0.3 for BCV ≈ 0.35, so the mean absolute error over those genes stays under 0.3.
        let mut o = options();
        o.groups = "ref=60,trt=60".parse().unwrap();
        o.covariates = vec!["stage:I=40,II=40,III=40".parse().unwrap()];
        let c = simulate(&o, &toy_sets(), &fillers(5000), GeneIds::Symbols).unwrap();
        assert_eq!(c.samples.columns(), ["group", "stage"]);
        assert_eq!(c.covariate_effects, ["stage:II", "stage:III"]);
        let stage = c.samples.column("stage").unwrap();
        assert_eq!(stage.iter().filter(|s| *s == "III").count(), 40);
        let moved = c.truth.iter().filter(|t| t.covariate_log2_effects[1] != 0.0).count();
        assert_eq!(moved, 200);
        let counts = c.counts.counts();
        let libs = c.counts.lib_sizes();
        let mean_cpm = |g: usize, level: &str| {
            let idx: Vec<usize> = (0..stage.len()).filter(|&j| stage[j] == level).collect();
            idx.iter().map(|&j| f64::from(counts[[g, j]]) / libs[j] * 1e6).sum::<f64>() / idx.len() as f64
        };
        let mut errors = Vec::new();
        for (g, t) in c.truth.iter().enumerate() {
            let e = t.covariate_log2_effects[1];
            if e != 0.0 && t.covariate_log2_effects[0] == 0.0 && t.base_mean > 500.0 {
                errors.push(((mean_cpm(g, "III") / mean_cpm(g, "I")).log2() - e).abs());
            }
        }
        assert!(errors.len() > 20, "{} genes checked", errors.len());
        let mae = errors.iter().sum::<f64>() / errors.len() as f64;
        assert!(mae < 0.3, "mean |error| of stage III effects {mae}");
        // Without covariates the cohort is unchanged by the feature (no draws from its streams).
        let a = simulate(&options(), &toy_sets(), &fillers(5000), GeneIds::Symbols).unwrap();
        assert!(a.truth.iter().all(|t| t.covariate_log2_effects.is_empty()));
        // Association 1 separates: every test sample takes the later levels.
        let mut o = options();
        o.covariates = vec!["stage:I=6,II=3,III=3:0.1:1:1".parse().unwrap()];
        let c = simulate(&o, &toy_sets(), &fillers(5000), GeneIds::Symbols).unwrap();
        let group = c.samples.column("group").unwrap();
        let stage = c.samples.column("stage").unwrap();
        assert!(group.iter().zip(stage).all(|(g, s)| (g == "ref") == (s == "I")), "{group:?} {stage:?}");
        let mut bad = options();
        bad.covariates = vec!["stage:I=3,II=3".parse().unwrap()];
        assert!(
            simulate(&bad, &toy_sets(), &fillers(5000), GeneIds::Symbols)
                .unwrap_err()
                .to_string()
                .contains("6 samples, the groups 12")
        );
    }

    #[test]
    fn planted_shifts_are_in_the_truth() {
        let c = simulate(&options(), &toy_sets(), &fillers(5000), GeneIds::Symbols).unwrap();
        assert_eq!(c.n_set_genes, 240);
        assert_eq!(c.counts.n_genes(), 2000);
        assert_eq!(c.test_levels, ["t1", "t2"]);
        assert_eq!((c.plants[0].n_present, c.plants[0].n_moved), (100, 60));
        assert_eq!((c.plants[1].n_present, c.plants[1].n_moved), (80, 48));
        let moved = |set: &str| -> Vec<&GeneTruth> {
            c.truth.iter().filter(|t| t.sets.iter().any(|s| s == set)).collect()
        };
        let up = moved("SET_UP");
        assert_eq!(up.len(), 60);
        assert!(up.iter().all(|t| t.kind == EffectKind::Planted && t.log2_fold_change > 0.0));
        assert!(up.iter().all(|t| t.symbol.starts_with('U')));
        let mean_up = up.iter().map(|t| t.log2_fold_change).sum::<f64>() / 60.0;
        // Gamma scatter with mean 1 and cv 0.5: the mean of 60 factors has s.e. 0.065.
        assert!((mean_up - 1.0).abs() < 0.3, "mean planted up {mean_up}");
        let down = moved("SET_DOWN");
        assert_eq!(down.len(), 48);
        assert!(down.iter().all(|t| t.log2_fold_change < 0.0));
        assert!(c.truth.iter().filter(|t| t.symbol.starts_with('N')).all(|t| t.kind != EffectKind::Planted));
        assert_eq!(c.truth.iter().filter(|t| t.kind == EffectKind::Composition).count(), 5);
        assert!(c.truth.iter().filter(|t| t.kind == EffectKind::Null).all(|t| t.log2_fold_change == 0.0));
        // Genes are sorted by id and the truth follows the matrix order.
        assert!(c.counts.genes().windows(2).all(|w| w[0] < w[1]));
        assert!(c.truth.iter().zip(c.counts.genes()).all(|(t, g)| &t.gene == g));
    }

    #[test]
    fn planted_genes_move_in_the_counts() {
        // With 40 vs 40 samples, the mean log2 ratio of group means over the moved genes of
        // SET_UP must be near the planted mean (composition shifts everything by a constant,
        // which the median over null genes removes).
        let mut o = options();
        o.groups = "ref=40,trt=40".parse().unwrap();
        o.plant_scatter = 0.0;
        let c = simulate(&o, &toy_sets(), &fillers(5000), GeneIds::Symbols).unwrap();
        let sheet = c.samples.column("group").unwrap();
        let counts = c.counts.counts();
        let libs = c.counts.lib_sizes();
        let ratio = |g: usize| {
            let mut sums = [0.0f64; 2];
            for (j, level) in sheet.iter().enumerate() {
                sums[usize::from(level == "trt")] += f64::from(counts[[g, j]]) / libs[j];
            }
            (sums[1] / sums[0]).log2()
        };
        let expressed = |t: &GeneTruth| t.base_mean > 200.0 && t.kind != EffectKind::Composition;
        let mut null: Vec<f64> = c
            .truth
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == EffectKind::Null && expressed(t))
            .map(|(g, _)| ratio(g))
            .collect();
        null.sort_by(f64::total_cmp);
        let shift = null[null.len() / 2];
        let up: Vec<f64> = c
            .truth
            .iter()
            .enumerate()
            .filter(|(_, t)| t.sets.iter().any(|s| s == "SET_UP") && expressed(t))
            .map(|(g, _)| ratio(g) - shift)
            .collect();
        let mean_up = up.iter().sum::<f64>() / up.len() as f64;
        assert!((mean_up - 1.0).abs() < 0.15, "observed planted shift {mean_up} over {} genes", up.len());
    }

    #[test]
    fn ensembl_ids_and_synthetic_fillers() {
        let sets = toy_sets();
        let mut map: HashMap<String, String> = HashMap::new();
        for (i, s) in sets.sets.iter().flat_map(|s| &s.genes).enumerate() {
            if i % 10 != 0 {
                map.insert(s.clone(), format!("ENSG{i:011}"));
            }
        }
        let f = fillers(100);
        for (i, s) in f.iter().enumerate() {
            map.insert(s.clone(), format!("ENSG5{i:010}"));
        }
        let mut o = options();
        o.n_genes = 400;
        let c = simulate(&o, &sets, &f, GeneIds::Ensembl(&map)).unwrap();
        assert_eq!(c.n_set_genes, 216);
        assert_eq!(c.n_synthetic, 400 - 216 - 100);
        assert!(c.counts.genes().iter().all(|g| g.starts_with("ENSG")));
        assert!(c.counts.genes().iter().any(|g| g.starts_with("ENSG9")));
    }

    #[test]
    fn setting_errors() {
        let sets = toy_sets();
        let f = fillers(5000);
        let run = |o: &SimulationOptions| simulate(o, &sets, &f, GeneIds::Symbols).unwrap_err().to_string();
        let mut o = options();
        o.plants.push("SET_up=+1".parse().unwrap());
        assert!(run(&o).contains("`SET_up` is not in collection `toy`; did you mean SET_UP?"), "{}", run(&o));
        let mut o = options();
        o.plants.push("SET_UP=+2".parse().unwrap());
        assert!(run(&o).contains("planted more than once"));
        let mut o = options();
        o.n_genes = 100;
        assert!(run(&o).contains("100 genes requested but the gene sets alone have 240"));
        let mut o = options();
        o.test_levels = vec!["t3".into()];
        assert!(run(&o).contains("test level `t3` is not one of the groups (ref, t1, t2)"));
        let mut o = options();
        o.test_levels = vec!["ref".into(), "t1".into(), "t2".into()];
        assert!(run(&o).contains("leave at least one reference group"));
        let mut o = options();
        o.groups = "only=4".parse().unwrap();
        assert!(run(&o).contains("at least two are needed"));
        let mut o = options();
        o.plant_fraction = 1.5;
        assert!(run(&o).contains("plant fraction = 1.5 is invalid"));
        let mut o = options();
        o.library_size = 1e9;
        assert!(run(&o).contains("library size"));
    }

    #[test]
    fn dispersion_trend_and_library_sizes() {
        let c = simulate(&options(), &toy_sets(), &fillers(5000), GeneIds::Symbols).unwrap();
        let lo = DEFAULT_LIBRARY_SIZE * (1.0 - DEFAULT_LIBRARY_SIZE_SPREAD);
        let hi = DEFAULT_LIBRARY_SIZE * (1.0 + DEFAULT_LIBRARY_SIZE_SPREAD);
        assert!(c.library_sizes.iter().all(|l| (lo..=hi).contains(l)));
        let mut high: Vec<f64> =
            c.truth.iter().filter(|t| t.base_mean > 1000.0).map(|t| t.dispersion).collect();
        high.sort_by(f64::total_cmp);
        let median = high[high.len() / 2];
        // The median of φ₀·exp(σZ) is φ₀ (plus 1/μ < 0.001).
        assert!((median / DEFAULT_DISPERSION - 1.0).abs() < 0.15, "median dispersion {median}");
    }
}
