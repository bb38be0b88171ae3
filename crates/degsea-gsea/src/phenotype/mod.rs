//! Phenotype-permutation GSEA (Broad GSEA, Subramanian et al. 2005), statistically as GSEApy
//! 1.3.1 `gsea(permutation_type = "phenotype")` computes it.
//!
//! Genes are ranked by a two-class [`Metric`] of an expression matrix; each set's weighted
//! enrichment score (weight `p`: steps `|metric|^p`, reusing [`crate::es::calc_gsea_stat`]) is
//! compared with the scores obtained after shuffling the sample labels (class sizes kept; with
//! [`PhenotypeOptions::strata`] only within each level of a covariate). Permutation `k` draws
//! from its own Mersenne Twister seeded by [`derive_seed`]`(seed, stream, k)`, and permutations
//! run in parallel with rayon, so results are byte-identical for any thread count.
//!
//! The observed ranking uses the two-pass [`gene_metric`] (so ES is GSEApy's to rounding) and
//! [`crate::es::calc_gsea_stat`] with leading edges. The null is computed in batches of 16
//! permutations without allocation: metrics from class sums (`class_sums.rs`, within 1e-10
//! relative of [`gene_metric`]), a linear-time exact ranking (`rank.rs`) and the set scores
//! from one pass down it (`set_scores.rs`).
//!
//! Statistics, exactly GSEApy's `src/stats.rs` (after Broad `GSEA.R`):
//! * NES = ES / mean of the null scores of the same sign (a null without that sign uses ES
//!   itself); the null is normalised the same way;
//! * nominal p = #{null ≥ ES}/#{null ≥ 0} for ES ≥ 0, #{null ≤ ES}/#{null < 0} otherwise (1 if
//!   the denominator is 0);
//! * FDR q = min(1, (#{pooled normalised null beyond NES}/#{pooled null of that sign}) /
//!   (#{observed NES beyond NES}/#{observed NES of that sign})), 1 when the latter is 0;
//! * FWER p = share of permutations whose most extreme same-sign normalised null (over all
//!   sets, 0 if none) reaches NES: `max ≥ NES` over all permutations for NES ≥ 0, `min < NES`
//!   over permutations with a negative minimum otherwise.
//!
//! # References
//! Subramanian A et al. (2005) PNAS 102:15545–15550; Fang Z et al. (2023) GSEApy,
//! Bioinformatics 39:btac757 (`src/stats.rs → GSEAResult::{gsea, stat, fdr, fwer_pval}`).

mod class_sums;
mod metric;
mod rank;
mod set_scores;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use degsea_core::{GeneSetCollection, PhenotypeRecord};
use rayon::prelude::*;

pub use metric::{Metric, SIGMA_FLOOR_FRACTION, SIGMA_FLOOR_ZERO, gene_metric};

use class_sums::{ClassSums, Permuted};
use set_scores::{SetIndex, SetScratch};

use rank::{RankScratch, gene};

use crate::es::{EnrichmentScore, LeadingEdge, ScoreType, calc_gsea_stat};
use crate::rng::{Mt19937, derive_seed};
use crate::{Error, Result};

/// RNG stream of the label permutations (distinct from the preranked streams 1–3).
const STREAM_PHENOTYPE: u64 = 4;
/// GSEApy 1.3.1 default number of permutations.
pub const DEFAULT_PHENOTYPE_NPERM: usize = 1000;
/// GSEApy / Broad default ES weight.
pub const DEFAULT_WEIGHT: f64 = 1.0;
/// Permutations whose metrics are computed together (one pass over the matrix per batch).
const BATCH: usize = 16;
/// GSEApy adds this to every value before ranking ("we don't like zeros in denominator").
pub const GSEAPY_OFFSET: f64 = 1e-8;

/// Options of [`run_phenotype`].
#[derive(Debug, Clone)]
pub struct PhenotypeOptions {
    /// Ranking metric.
    pub metric: Metric,
    /// ES weight `p` (0 = classic Kolmogorov–Smirnov, 1 = weighted, 2 = weighted²).
    pub weight: f64,
    /// Number of label permutations.
    pub nperm: usize,
    /// Master seed.
    pub seed: u64,
    /// Smallest set size after matching.
    pub min_size: usize,
    /// Largest set size after matching.
    pub max_size: usize,
    /// Level of a covariate per sample: labels are shuffled only within each level.
    pub strata: Option<Vec<usize>>,
}

impl Default for PhenotypeOptions {
    fn default() -> Self {
        Self {
            metric: Metric::SignalToNoise,
            weight: DEFAULT_WEIGHT,
            nperm: DEFAULT_PHENOTYPE_NPERM,
            seed: crate::DEFAULT_SEED,
            min_size: crate::DEFAULT_MIN_SIZE,
            max_size: crate::DEFAULT_MAX_SIZE,
            strata: None,
        }
    }
}

/// An expression matrix: genes × samples, row-major, unique gene ids.
#[derive(Debug, Clone)]
pub struct Expression {
    /// Gene ids, one per row.
    pub genes: Vec<String>,
    /// Number of samples (columns).
    pub n_samples: usize,
    /// `values[g * n_samples + j]`.
    pub values: Vec<f64>,
}

/// Result of [`run_phenotype`].
#[derive(Debug, Clone)]
pub struct PhenotypeResult {
    /// One row per set within the size limits, by set name.
    pub rows: Vec<PhenotypeRecord>,
    /// The observed ranking: gene ids and metric values, by decreasing metric.
    pub ranking: Vec<(String, f64)>,
}

/// The metric of every gene under `labels`.
fn all_metrics(expr: &Expression, labels: &[bool], metric: Metric) -> Vec<f64> {
    expr.values.chunks_exact(expr.n_samples).map(|row| gene_metric(row, labels, metric)).collect()
}

/// Labels shuffled (Fisher–Yates) within each stratum, or over all samples.
fn shuffled(labels: &[bool], strata: Option<&[Vec<usize>]>, rng: &mut Mt19937) -> Vec<bool> {
    let mut out = labels.to_vec();
    let mut shuffle_idx = |idx: &[usize]| {
        for i in (1..idx.len()).rev() {
            let j = rng.uniform(0, i as u32) as usize;
            out.swap(idx[i], idx[j]);
        }
    };
    match strata {
        Some(groups) => groups.iter().for_each(|g| shuffle_idx(g)),
        None => shuffle_idx(&(0..labels.len()).collect::<Vec<_>>()),
    }
    out
}

/// GSEApy's NES of `es` and the normalised null: divide by the mean null of the same sign.
pub fn normalize(es: f64, null: &[f64]) -> (f64, Vec<f64>) {
    let mean_of = |pos: bool| {
        let (s, n) =
            null.iter().filter(|&&x| (x >= 0.0) == pos).fold((0.0, 0usize), |(s, n), &x| (s + x, n + 1));
        if n > 0 { s / n as f64 } else { es }
    };
    let (pm, nm) = (mean_of(true), mean_of(false).abs());
    let f = |x: f64| if x >= 0.0 { x / pm } else { x / nm };
    (f(es), null.iter().map(|&x| f(x)).collect())
}

/// GSEApy's nominal p-value of `es` against its (unnormalised) null.
#[doc(alias = "pval")]
pub fn nominal_p(es: f64, null: &[f64]) -> f64 {
    let (nom, den) = if es < 0.0 {
        (null.iter().filter(|&&x| x <= es).count(), null.iter().filter(|&&x| x < 0.0).count())
    } else {
        (null.iter().filter(|&&x| x >= es).count(), null.iter().filter(|&&x| x >= 0.0).count())
    };
    if den == 0 { 1.0 } else { nom as f64 / den as f64 }
}

/// GSEApy's FDR q-values of observed NES against the pooled normalised null of all sets.
#[doc(alias = "fdr")]
pub fn fdr_q(nes: &[f64], pooled_null: &[f64]) -> Vec<f64> {
    fdr_q_with(nes, &Tally::new(pooled_null, nes.len()), &Tally::new(nes, nes.len()))
}

/// [`fdr_q`] with the counts of the pooled null and of the observed NES.
fn fdr_q_with(nes: &[f64], null: &Tally, obs: &Tally) -> Vec<f64> {
    let (null_neg, obs_neg) = (null.below(0.0), obs.below(0.0));
    nes.par_iter()
        .map(|&e| {
            let (obs_hi, null_hi, null_side, obs_side) = if e < 0.0 {
                (obs.at_most(e), null.at_most(e), null_neg, obs_neg)
            } else {
                (
                    obs.len() - obs.below(e),
                    null.len() - null.below(e),
                    null.len() - null_neg,
                    obs.len() - obs_neg,
                )
            };
            let phi_norm = if null_side > 0 { null_hi as f64 / null_side as f64 } else { 0.0 };
            let phi_obs = if obs_side > 0 { obs_hi as f64 / obs_side as f64 } else { 0.0 };
            if phi_obs == 0.0 { 1.0 } else { (phi_norm / phi_obs).clamp(0.0, 1.0) }
        })
        .collect()
}

/// Counts of values below or at most a threshold, asked `queries` times: by scanning the values
/// when there are few queries (50 Hallmark sets against 500,000 pooled null NES: 25 million
/// comparisons, against a sort of the pool that took longer and ran on one core), by binary
/// search in the sorted values otherwise.
enum Tally<'a> {
    Scan(&'a [f64]),
    Sorted(Vec<f64>),
}

/// Largest number of queries answered by scanning.
const SCAN_QUERIES: usize = 64;

impl<'a> Tally<'a> {
    fn new(values: &'a [f64], queries: usize) -> Self {
        if queries <= SCAN_QUERIES {
            Tally::Scan(values)
        } else {
            let mut sorted = values.to_vec();
            sorted.par_sort_unstable_by(f64::total_cmp);
            Tally::Sorted(sorted)
        }
    }

    fn len(&self) -> usize {
        match self {
            Tally::Scan(v) => v.len(),
            Tally::Sorted(v) => v.len(),
        }
    }

    /// Number of values `< e`.
    fn below(&self, e: f64) -> usize {
        match self {
            Tally::Scan(v) => v.iter().map(|&x| usize::from(x < e)).sum(),
            Tally::Sorted(v) => v.partition_point(|&x| x < e),
        }
    }

    /// Number of values `≤ e`.
    fn at_most(&self, e: f64) -> usize {
        match self {
            Tally::Scan(v) => v.iter().map(|&x| usize::from(x <= e)).sum(),
            Tally::Sorted(v) => v.partition_point(|&x| x <= e),
        }
    }
}

/// GSEApy's FWER p-values; `null_by_set[s][k]` is set `s`'s normalised null in permutation `k`.
/// A negative NES with no permutation having a negative minimum gets 1 (GSEApy: 0/0).
#[doc(alias = "fwer_pval")]
pub fn fwer_p(nes: &[f64], null_by_set: &[Vec<f64>], nperm: usize) -> Vec<f64> {
    let mut max_pos = vec![0.0f64; nperm];
    let mut min_neg = vec![0.0f64; nperm];
    for null in null_by_set {
        for (k, &x) in null.iter().enumerate() {
            if x >= 0.0 {
                max_pos[k] = max_pos[k].max(x);
            } else {
                min_neg[k] = min_neg[k].min(x);
            }
        }
    }
    let neg_den = min_neg.iter().filter(|&&x| x < 0.0).count();
    nes.iter()
        .map(|&e| {
            if e < 0.0 {
                if neg_den == 0 {
                    1.0
                } else {
                    min_neg.iter().filter(|&&x| x < e).count() as f64 / neg_den as f64
                }
            } else {
                max_pos.iter().filter(|&&x| x >= e).count() as f64 / nperm as f64
            }
        })
        .collect()
}

fn invalid(name: &'static str, value: String, reason: &'static str) -> Error {
    Error::InvalidOption { name, value, reason }
}

/// Runs phenotype-permutation GSEA of `expr` with `labels[j]` = sample `j` in the test class.
///
/// Values are used as given (GSEApy's `+1e-8` offset and row filters are the caller's choice,
/// see [`GSEAPY_OFFSET`]).
///
/// # Errors
/// A class with fewer than 2 samples, labels or strata of the wrong length, a negative
/// weight, zero permutations, or no set within the size limits.
pub fn run_phenotype(
    expr: &Expression,
    labels: &[bool],
    collections: &[GeneSetCollection],
    opts: &PhenotypeOptions,
) -> Result<PhenotypeResult> {
    let n = expr.n_samples;
    if labels.len() != n {
        return Err(invalid("labels", labels.len().to_string(), "one class label per sample is needed"));
    }
    let n_pos = labels.iter().filter(|&&l| l).count();
    if n_pos < 2 || n - n_pos < 2 {
        return Err(invalid(
            "class sizes",
            format!("{n_pos} vs {}", n - n_pos),
            "each class needs at least 2 samples",
        ));
    }
    if opts.weight.is_nan() || opts.weight < 0.0 {
        return Err(invalid("weight", opts.weight.to_string(), "must be ≥ 0"));
    }
    if opts.nperm == 0 {
        return Err(invalid("number of permutations", "0".into(), "must be ≥ 1"));
    }
    if expr.genes.len() < 2 {
        return Err(Error::TooFewGenes(expr.genes.len()));
    }
    let strata: Option<Vec<Vec<usize>>> = match &opts.strata {
        None => None,
        Some(levels) => {
            if levels.len() != n {
                return Err(invalid(
                    "strata",
                    levels.len().to_string(),
                    "one covariate level per sample is needed",
                ));
            }
            let mut by: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for (j, &l) in levels.iter().enumerate() {
                by.entry(l).or_default().push(j);
            }
            Some(by.into_values().collect())
        }
    };

    let observed = all_metrics(expr, labels, opts.metric);
    if let Some(g) = observed.iter().position(|m| m.is_nan()) {
        return Err(Error::UndefinedMetric { gene: expr.genes[g].clone(), metric: opts.metric.as_str() });
    }

    let index: BTreeMap<&str, usize> = expr.genes.iter().enumerate().map(|(i, g)| (g.as_str(), i)).collect();
    let mut named: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for c in collections {
        for s in &c.sets {
            if named.contains_key(s.name.as_str()) {
                return Err(Error::DuplicatePathway(s.name.clone()));
            }
            let mut g: Vec<usize> = s.genes.iter().filter_map(|x| index.get(x.as_str()).copied()).collect();
            g.sort_unstable();
            g.dedup();
            named.insert(&s.name, g);
        }
    }
    named.retain(|_, g| g.len() >= opts.min_size && g.len() <= opts.max_size && g.len() < expr.genes.len());
    if named.is_empty() {
        return Err(Error::NoPathways(format!(
            "no gene set has between {} and {} genes in the expression matrix",
            opts.min_size, opts.max_size
        )));
    }
    let names: Vec<&str> = named.keys().copied().collect();
    let sets: Vec<Vec<usize>> = named.into_values().collect();

    let order: Vec<usize> = RankScratch::default().order(&observed).iter().map(|&w| gene(w)).collect();
    let weights: Vec<f64> = order.iter().map(|&g| observed[g].abs().powf(opts.weight)).collect();
    let mut pos = vec![0usize; order.len()];
    for (r, &g) in order.iter().enumerate() {
        pos[g] = r;
    }
    let observed_scores: Vec<(Vec<usize>, EnrichmentScore)> = sets
        .iter()
        .map(|set| {
            let mut hits: Vec<usize> = set.iter().map(|&g| pos[g]).collect();
            hits.sort_unstable();
            let st = calc_gsea_stat(&weights, &hits, ScoreType::Std);
            (hits, st)
        })
        .collect();
    let es_obs: Vec<f64> = observed_scores.iter().map(|(_, st)| st.es).collect();
    let index = SetIndex::new(expr.genes.len(), &sets);

    let sums = ClassSums::new(expr, labels, opts.metric);
    let n_sets = sets.len();
    let perm_es: Vec<f64> = (0..opts.nperm.div_ceil(BATCH))
        .into_par_iter()
        .map_init(
            || (vec![Permuted::default(); BATCH], vec![Vec::new(); BATCH], SetScratch::default()),
            |(batch, metrics, scratch), c| {
                let ks = c * BATCH..opts.nperm.min((c + 1) * BATCH);
                let len = ks.len();
                for (k, p) in ks.zip(batch.iter_mut()) {
                    let mut rng = Mt19937::new(derive_seed(opts.seed, STREAM_PHENOTYPE, k as u64));
                    p.labels = shuffled(labels, strata.as_deref(), &mut rng);
                    sums.set_summed(p);
                }
                sums.metrics(&batch[..len], &mut metrics[..len]);
                let mut es = vec![0.0; len * n_sets];
                for (m, e) in metrics[..len].iter().zip(es.chunks_exact_mut(n_sets)) {
                    scratch.scores(m, opts.weight, &index, e);
                }
                es
            },
        )
        .collect::<Vec<Vec<f64>>>()
        .concat();
    let perm_es: Vec<&[f64]> = perm_es.chunks_exact(n_sets).collect();

    let mut nes = Vec::with_capacity(sets.len());
    let mut pvals = Vec::with_capacity(sets.len());
    let mut null_by_set = Vec::with_capacity(sets.len());
    for (s, &es) in es_obs.iter().enumerate() {
        let null: Vec<f64> = perm_es.iter().map(|p| p[s]).collect();
        pvals.push(nominal_p(es, &null));
        let (e, nn) = normalize(es, &null);
        nes.push(e);
        null_by_set.push(nn);
    }
    let pooled: Vec<f64> = null_by_set.iter().flatten().copied().collect();
    let fdr = fdr_q(&nes, &pooled);
    let fwer = fwer_p(&nes, &null_by_set, opts.nperm);

    let rows = observed_scores
        .into_iter()
        .enumerate()
        .map(|(s, (hits, st))| {
            let rank_at_max = match st.leading_edge {
                LeadingEdge::Top(j) => hits[j],
                LeadingEdge::Bottom(j) => hits[j].saturating_sub(1),
                LeadingEdge::Empty => 0,
            };
            PhenotypeRecord {
                pathway: names[s].to_string(),
                size: sets[s].len(),
                es: es_obs[s],
                nes: nes[s],
                pval: pvals[s],
                fdr_q: fdr[s],
                fwer_p: fwer[s],
                rank_at_max,
                leading_edge: st
                    .leading_edge
                    .positions(&hits)
                    .iter()
                    .map(|&p| expr.genes[order[p]].clone())
                    .collect(),
                hits,
            }
        })
        .collect();
    let ranking = order.iter().map(|&g| (expr.genes[g].clone(), observed[g])).collect();
    Ok(PhenotypeResult { rows, ranking })
}

/// Number of distinct label assignments a permutation can produce: `C(n, n_test)`, or with
/// strata (a level per sample) the product over levels of `C(n_level, n_test_in_level)`.
/// Returned as `f64` (exact below 2^53; `inf` beyond `f64`).
///
/// ```
/// use degsea_gsea::phenotype::distinct_label_permutations;
/// // 3 test of 6 samples: C(6,3) = 20; within two strata of 3 with 2 and 1 test: 3·3 = 9.
/// let l = [true, true, false, false, true, false];
/// assert_eq!(distinct_label_permutations(&l, None), 20.0);
/// assert_eq!(distinct_label_permutations(&l, Some(&[0, 0, 0, 1, 1, 1])), 9.0);
/// ```
pub fn distinct_label_permutations(labels: &[bool], strata: Option<&[usize]>) -> f64 {
    let mut groups: BTreeMap<usize, (u64, u64)> = BTreeMap::new();
    for (j, &l) in labels.iter().enumerate() {
        let e = groups.entry(strata.map_or(0, |s| s[j])).or_default();
        e.0 += 1;
        e.1 += u64::from(l);
    }
    groups
        .values()
        .map(|&(n, k)| {
            let k = k.min(n - k);
            (0..k).fold(1.0f64, |c, i| c * (n - i) as f64 / (i + 1) as f64).round()
        })
        .product()
}

/// How rows sharing a gene id are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Collapse {
    /// Mean of the rows, per sample (GSEApy's `groupby(level=0).mean()`).
    #[default]
    Mean,
    /// The row with the largest mean over samples (first on ties).
    Max,
    /// Duplicates are an error.
    Error,
}

impl Expression {
    /// Merges rows with the same gene id; returns the matrix (genes in first-seen order) and
    /// how many rows were merged away.
    ///
    /// # Errors
    /// [`Collapse::Error`] and a duplicated id: names the id.
    pub fn collapse(self, how: Collapse) -> Result<(Self, usize)> {
        let n = self.n_samples;
        // The group (distinct id, in first-seen order) of each row.
        let mut group_of = Vec::with_capacity(self.genes.len());
        let mut n_groups = 0;
        {
            let mut first: HashMap<&str, usize> = HashMap::with_capacity(self.genes.len());
            for g in &self.genes {
                match first.entry(g.as_str()) {
                    Entry::Occupied(k) => {
                        if how == Collapse::Error {
                            return Err(invalid(
                                "gene id",
                                g.clone(),
                                "occurs more than once (choose mean or max to merge)",
                            ));
                        }
                        group_of.push(*k.get());
                    }
                    Entry::Vacant(v) => {
                        v.insert(n_groups);
                        group_of.push(n_groups);
                        n_groups += 1;
                    }
                }
            }
        }
        if n_groups == self.genes.len() {
            // No repeated id: every row is its own mean and its own max.
            return Ok((self, 0));
        }
        // The rows of each group, in row order: `rows[start[k]..start[k + 1]]`.
        let mut start = vec![0usize; n_groups + 1];
        for &k in &group_of {
            start[k + 1] += 1;
        }
        for k in 0..n_groups {
            start[k + 1] += start[k];
        }
        let mut next = start.clone();
        let mut rows = vec![0usize; group_of.len()];
        for (i, &k) in group_of.iter().enumerate() {
            rows[next[k]] = i;
            next[k] += 1;
        }
        let merged = self.genes.len() - n_groups;
        let Self { genes: mut old_genes, values: old_values, .. } = self;
        let row = |i: usize| &old_values[i * n..(i + 1) * n];
        let mut values = Vec::with_capacity(n_groups * n);
        let mut genes = Vec::with_capacity(n_groups);
        for k in 0..n_groups {
            let g = &rows[start[k]..start[k + 1]];
            genes.push(std::mem::take(&mut old_genes[g[0]]));
            if let [only] = g {
                values.extend_from_slice(row(*only));
                continue;
            }
            match how {
                Collapse::Mean | Collapse::Error => {
                    for j in 0..n {
                        values.push(g.iter().map(|&i| row(i)[j]).sum::<f64>() / g.len() as f64);
                    }
                }
                Collapse::Max => {
                    let mean = |i: usize| row(i).iter().sum::<f64>();
                    let best = g.iter().copied().fold(g[0], |b, i| if mean(i) > mean(b) { i } else { b });
                    values.extend_from_slice(row(best));
                }
            }
        }
        Ok((Self { genes, n_samples: n, values }, merged))
    }

    /// GSEApy 1.3.1's `_filter_data`: drops all-zero rows and, when every class has ≥ 3
    /// samples, rows constant within every class; then adds [`GSEAPY_OFFSET`] to every value.
    pub fn gseapy_filter(self, labels: &[bool]) -> Self {
        let n = self.n_samples;
        let every_class_3 =
            labels.iter().filter(|&&l| l).count() >= 3 && labels.iter().filter(|&&l| !l).count() >= 3;
        let mut genes = Vec::new();
        let mut values = Vec::new();
        for (g, row) in self.genes.into_iter().zip(self.values.chunks_exact(n)) {
            if row.iter().map(|x| x.abs()).sum::<f64>() <= 0.0 {
                continue;
            }
            if every_class_3 {
                let constant = |want: bool| {
                    let mut it = row.iter().zip(labels).filter(|&(_, &l)| l == want).map(|(&v, _)| v);
                    let f = it.next().unwrap_or(0.0);
                    it.all(|v| v == f)
                };
                if constant(true) && constant(false) {
                    continue;
                }
            }
            genes.push(g);
            values.extend(row.iter().map(|&v| v + GSEAPY_OFFSET));
        }
        Self { genes, n_samples: n, values }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Three sets, two permutations. Normalised nulls (already divided):
    // set A: [ 1.0, -0.5], set B: [ 2.0, -1.0], set C: [-2.0,  0.5]; NES = [1.5, -1.5, 0.8].
    const NES: [f64; 3] = [1.5, -1.5, 0.8];

    fn nulls() -> Vec<Vec<f64>> {
        vec![vec![1.0, -0.5], vec![2.0, -1.0], vec![-2.0, 0.5]]
    }

    #[test]
    fn fdr_by_hand() {
        let pooled: Vec<f64> = nulls().concat();
        let q = fdr_q(&NES, &pooled);
        // pooled ≥ 0: {1, 2, 0.5} (3); observed ≥ 0: {1.5, 0.8} (2).
        // NES 1.5: null ≥ 1.5 → {2}: 1/3; observed ≥ 1.5 → 1/2; q = (1/3)/(1/2) = 2/3.
        assert!((q[0] - 2.0 / 3.0).abs() < 1e-15);
        // NES −1.5: pooled < 0: {−0.5, −1, −2} (3), ≤ −1.5: {−2}: 1/3; observed <0: 1, ≤ −1.5: 1 → 1/3.
        assert!((q[1] - 1.0 / 3.0).abs() < 1e-15);
        // NES 0.8: null ≥ 0.8 → {1, 2}: 2/3; observed ≥ 0.8 → 2/2; q = 2/3.
        assert!((q[2] - 2.0 / 3.0).abs() < 1e-15);
    }

    /// Scanning and binary search give the same counts, so the same q-values, whatever the
    /// number of sets (ties, zeros and NES beyond every null included).
    #[test]
    fn fdr_same_by_scan_and_by_sort() {
        let mut rng = crate::rng::Mt19937::new(3);
        let mut u = || (f64::from(rng.next_u32()) / 4_294_967_296.0 - 0.5) * 6.0;
        let pooled: Vec<f64> =
            (0..5000).map(|i| if i % 7 == 0 { 0.0 } else { (u() * 8.0).round() / 8.0 }).collect();
        let nes: Vec<f64> =
            (0..200).map(|i| if i % 9 == 0 { 0.0 } else { (u() * 16.0).round() / 16.0 }).collect();
        let by_sort = fdr_q(&nes, &pooled);
        assert!(nes.len() > SCAN_QUERIES);
        let sorted = |v: &[f64]| {
            let mut v = v.to_vec();
            v.sort_unstable_by(f64::total_cmp);
            Tally::Sorted(v)
        };
        let by_scan = fdr_q_with(&nes, &Tally::Scan(&pooled), &Tally::Scan(&nes));
        assert_eq!(by_sort, fdr_q_with(&nes, &sorted(&pooled), &sorted(&nes)));
        assert_eq!(by_sort, by_scan);
        assert!(by_scan.iter().any(|&q| q < 1.0) && by_scan.contains(&1.0));
    }

    #[test]
    fn fwer_by_hand() {
        let p = fwer_p(&NES, &nulls(), 2);
        // per-permutation max of positives: [2.0, 0.5]; min of negatives: [−2.0, −1.0].
        // 1.5: #{max ≥ 1.5} = 1 of 2 → 0.5; 0.8: 1 of 2 → 0.5.
        // −1.5: #{min < −1.5} = 1 of #{min < 0} = 2 → 0.5.
        assert_eq!(p, [0.5, 0.5, 0.5]);
        // A bigger NES than any null → 0; negative NES with no negative null → 1 (GSEApy 0/0).
        assert_eq!(fwer_p(&[3.0, -1.0], &[vec![1.0, 2.0], vec![0.5, 0.1]], 2), [0.0, 1.0]);
    }

    #[test]
    fn nes_and_p_by_hand() {
        // null ≥ 0: {0.2, 0.4} mean 0.3; null < 0: {−0.1, −0.3} mean −0.2.
        let null = [0.2, 0.4, -0.1, -0.3];
        let (nes, nn) = normalize(0.6, &null);
        assert!((nes - 2.0).abs() < 1e-15);
        assert!((nn[3] + 1.5).abs() < 1e-15);
        // ES −0.25: #{null ≤ −0.25} = 1 of 2 negatives.
        assert_eq!(nominal_p(-0.25, &null), 0.5);
        assert_eq!(nominal_p(0.3, &null), 0.5);
        // no negative null: NES of a negative ES is −1 (divides by |ES|), p = 1.
        assert_eq!(normalize(-0.4, &[0.1, 0.2]).0, -1.0);
        assert_eq!(nominal_p(-0.4, &[0.1, 0.2]), 1.0);
    }

    #[test]
    fn within_strata_keeps_each_level_composition() {
        let labels = [true, true, false, false, true, false];
        let strata = vec![vec![0, 1, 2], vec![3, 4, 5]];
        for k in 0..50 {
            let mut rng = Mt19937::new(derive_seed(7, STREAM_PHENOTYPE, k));
            let l = shuffled(&labels, Some(&strata), &mut rng);
            assert_eq!(l[..3].iter().filter(|&&x| x).count(), 2);
            assert_eq!(l[3..].iter().filter(|&&x| x).count(), 1);
        }
    }

    #[test]
    fn collapse_modes() {
        let e = Expression {
            genes: vec!["a".into(), "b".into(), "a".into()],
            n_samples: 2,
            values: vec![1.0, 2.0, 5.0, 5.0, 3.0, 4.0],
        };
        let (m, k) = e.clone().collapse(Collapse::Mean).unwrap();
        assert_eq!(
            (m.genes.clone(), m.values.clone(), k),
            (vec!["a".to_string(), "b".into()], vec![2.0, 3.0, 5.0, 5.0], 1)
        );
        let (x, _) = e.clone().collapse(Collapse::Max).unwrap();
        assert_eq!(x.values, [3.0, 4.0, 5.0, 5.0]);
        assert!(e.collapse(Collapse::Error).unwrap_err().to_string().contains("`a`"));
    }

    #[test]
    fn collapse_matches_grouping_by_first_occurrence() {
        // The rule written out plainly: groups in first-seen order, each a mean (in row order)
        // or the first row of the largest mean; single rows and -0.0 kept bit for bit.
        let ids = ["b", "a", "b", "c", "a", "b", "d", "a"];
        let n = 3;
        let values: Vec<f64> =
            (0..ids.len() * n).map(|k| if k == 4 { -0.0 } else { (k as f64 * 0.37).sin() }).collect();
        let e = Expression { genes: ids.iter().map(|g| (*g).to_owned()).collect(), n_samples: n, values };
        let mut order: Vec<&str> = Vec::new();
        for g in ids {
            if !order.contains(&g) {
                order.push(g);
            }
        }
        let row = |i: usize| &e.values[i * n..(i + 1) * n];
        for how in [Collapse::Mean, Collapse::Max] {
            let mut want = Vec::new();
            for g in &order {
                let rows: Vec<usize> = (0..ids.len()).filter(|&i| ids[i] == *g).collect();
                if how == Collapse::Mean {
                    want.extend(
                        (0..n).map(|j| rows.iter().map(|&i| row(i)[j]).sum::<f64>() / rows.len() as f64),
                    );
                } else {
                    let mean = |i: usize| row(i).iter().sum::<f64>();
                    let best =
                        rows.iter().copied().fold(rows[0], |b, i| if mean(i) > mean(b) { i } else { b });
                    want.extend_from_slice(row(best));
                }
            }
            let (got, merged) = e.clone().collapse(how).unwrap();
            assert_eq!((got.genes.clone(), merged), (order.iter().map(|g| (*g).to_owned()).collect(), 4));
            assert_eq!(
                got.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
        }
        let single =
            Expression { genes: vec!["x".into(), "y".into()], n_samples: 1, values: vec![-0.0, 1.5] };
        let (same, merged) = single.clone().collapse(Collapse::Mean).unwrap();
        assert_eq!((same.values[0].to_bits(), merged), ((-0.0f64).to_bits(), 0));
        assert_eq!((same.genes, same.values[1]), (single.genes, 1.5));
    }
}
