//! Preranked gene set enrichment analysis as fgsea 1.31.6 computes it.
//!
//! [`run`] takes a [`RankedList`] and gene-set collections and returns, per pathway, the
//! enrichment score (ES) and its leading edge (exactly fgsea's `calcGseaStat`), the normalised
//! score (NES), a p-value, the BH-adjusted p-value and the expected error of `log2 p`. Two
//! p-value methods are available:
//!
//! * [`Method::Multilevel`] (default, fgseaMultilevel): a 1,000-permutation run first, then the
//!   adaptive multilevel splitting estimator for pathways that need more precision, down to
//!   `eps` (or arbitrarily small p with `eps = 0`);
//! * [`Method::Permutation`] (fgseaSimple): `nperm` permutations with random sets shared by
//!   pathways, sign-conditional p-values.
//!
//! Random numbers come from a hand-written Mersenne Twister ([`rng`]); every unit of random
//! work has its own stream derived from [`GseaOptions::seed`], so results are byte-identical for
//! any number of rayon threads. The input order of genes does not matter: genes are sorted by
//! decreasing score, ties by name.
//!
//! Module map (Rust ← fgsea): [`es`] ← `calcGseaStat`, `esCalculation.cpp`; [`simple`] ←
//! `fgseaSimpleImpl`, `fastGSEA.cpp`; [`multilevel`] ← `fgseaMultilevelSupplement.cpp`
//! (`EsRuler`); [`run`] ← `fgseaMultilevel.R`, `fgsea.R`; [`rng`] ← `util.cpp`.
//!
//! ```
//! use degsea_core::{GeneSet, GeneSetCollection, RankedList};
//! let genes: Vec<String> = (0..100).map(|i| format!("G{i}")).collect();
//! let scores: Vec<f64> = (0..100).map(|i| 50.0 - f64::from(i)).collect();
//! let ranks = RankedList::new(genes, scores)?;
//! let sets = GeneSetCollection {
//!     name: "demo".into(),
//!     version: String::new(),
//!     sets: vec![GeneSet {
//!         name: "TOP".into(),
//!         description: String::new(),
//!         genes: (0..10).map(|i| format!("G{i}")).collect(),
//!     }],
//! };
//! let opts = degsea_gsea::GseaOptions { min_size: 5, ..Default::default() };
//! let res = degsea_gsea::run(&ranks, &[sets], &opts)?;
//! assert_eq!(res.rows[0].pathway, "TOP");
//! assert!(res.rows[0].es > 0.9 && res.rows[0].pval < 1e-3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # References
//! Korotkevich G, Sukhov V, Budin N, Shpak B, Artyomov MN, Sergushichev A (2021). Fast gene set
//! enrichment analysis. bioRxiv 060012. Subramanian A et al. (2005). Gene set enrichment
//! analysis. PNAS 102:15545–15550.

mod error;
pub mod es;
pub mod multilevel;
pub mod phenotype;
mod prepare;
pub mod rng;
pub mod simple;
mod special;

use std::collections::BTreeMap;
use std::f64::consts::LN_2;

use degsea_core::{GeneSetCollection, RankedList};
use rayon::prelude::*;

pub use error::{Error, Result};
pub use es::ScoreType;
pub use prepare::{MatchedSet, MatchedSets, SortedRanks, match_sets};

use crate::multilevel::EsRuler;
use crate::rng::{Mt19937, derive_seed};
use crate::special::{multilevel_error, p_adjust_bh, qbeta, trigamma};

/// fgsea `minSize` as used by degsea (fgsea's own default is 1).
pub const DEFAULT_MIN_SIZE: usize = 15;
/// fgsea `maxSize` as used by degsea (fgsea's own default is `N − 1`).
pub const DEFAULT_MAX_SIZE: usize = 500;
/// fgseaMultilevel `eps` default (1.19.2 and later).
pub const DEFAULT_EPS: f64 = 1e-50;
/// fgseaMultilevel `sampleSize` default.
pub const DEFAULT_SAMPLE_SIZE: usize = 101;
/// fgseaMultilevel `nPermSimple` default.
pub const DEFAULT_N_PERM_SIMPLE: usize = 1000;
/// Number of permutations of `--method permutation` unless given.
pub const DEFAULT_NPERM: usize = 10_000;
/// fgseaMultilevel: smallest population size (`sampleSize < 3` → 3).
pub const MIN_SAMPLE_SIZE: usize = 3;
/// fgseaMultilevel: pathways whose observed sign has fewer null draws than this get NA.
pub const MIN_MODE_FRACTION: u64 = 10;
/// Default master seed of the command line.
pub const DEFAULT_SEED: u64 = 42;
/// Confidence level of the Clopper–Pearson interval used for `simpleError`.
const SIMPLE_ERROR_ALPHA: f64 = 0.05;

/// RNG stream of the plain permutation test.
const STREAM_PERMUTATION: u64 = 1;
/// RNG stream of fgseaMultilevel's preliminary permutation run.
const STREAM_PRELIMINARY: u64 = 2;
/// RNG stream of the multilevel rulers.
const STREAM_RULER: u64 = 3;

/// How p-values are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// fgseaMultilevel (default).
    Multilevel,
    /// fgseaSimple with `nperm` permutations.
    Permutation {
        /// Number of permutations.
        nperm: usize,
    },
}

impl Method {
    /// `multilevel` or `permutation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Multilevel => "multilevel",
            Self::Permutation { .. } => "permutation",
        }
    }
}

/// Options of [`run`]; `Default` gives fgsea's defaults with degsea's size limits.
#[derive(Debug, Clone, PartialEq)]
pub struct GseaOptions {
    /// Smallest pathway size (overlap with the ranked list) tested.
    pub min_size: usize,
    /// Largest pathway size tested.
    pub max_size: usize,
    /// P-value method.
    pub method: Method,
    /// Multilevel: lower bound of reported p-values (`0` = no bound).
    pub eps: f64,
    /// Multilevel: population size of the splitting estimator (made odd, at least 3).
    pub sample_size: usize,
    /// Multilevel: permutations of the preliminary simple run.
    pub n_perm_simple: usize,
    /// Which tail(s) the enrichment score measures.
    pub score_type: ScoreType,
    /// Master seed; every random stream is derived from it.
    pub seed: u64,
}

impl Default for GseaOptions {
    fn default() -> Self {
        Self {
            min_size: DEFAULT_MIN_SIZE,
            max_size: DEFAULT_MAX_SIZE,
            method: Method::Multilevel,
            eps: DEFAULT_EPS,
            sample_size: DEFAULT_SAMPLE_SIZE,
            n_perm_simple: DEFAULT_N_PERM_SIMPLE,
            score_type: ScoreType::Std,
            seed: DEFAULT_SEED,
        }
    }
}

/// Result of one pathway.
#[derive(Debug, Clone, PartialEq)]
pub struct PathwayResult {
    /// Pathway (gene set) name.
    pub pathway: String,
    /// Index of the collection it came from.
    pub collection: usize,
    /// Number of its genes found in the ranked list.
    pub size: usize,
    /// Enrichment score.
    pub es: f64,
    /// Normalised enrichment score (NaN = NA).
    pub nes: f64,
    /// P-value (NaN = NA).
    pub pval: f64,
    /// BH-adjusted p-value (NaN = NA).
    pub padj: f64,
    /// Expected standard deviation of `log2 pval` (NaN = NA).
    pub log2err: f64,
    /// Null draws at least as extreme as ES on its side (`nMoreExtreme`) in the permutation
    /// run (`nperm`, or `nPermSimple` for multilevel).
    pub n_more_extreme: u64,
    /// Null draws of the same sign as ES in that run (the denominator of the permutation p).
    pub n_same_sign: u64,
    /// Leading-edge genes, in fgsea's order.
    pub leading_edge: Vec<String>,
    /// Sorted 0-based positions of the pathway's genes in [`GseaResult::ranks`] (for plots).
    pub hits: Vec<usize>,
}

/// The result of [`run`].
#[derive(Debug, Clone, PartialEq)]
pub struct GseaResult {
    /// The ranked list in analysis order.
    pub ranks: SortedRanks,
    /// One row per tested pathway, sorted by p-value (NA last), ties by pathway name.
    pub rows: Vec<PathwayResult>,
    /// Number of gene sets outside the size limits.
    pub n_skipped: usize,
    /// Distinct genes over all gene sets.
    pub n_set_genes: usize,
    /// How many of them are in the ranked list.
    pub n_set_genes_ranked: usize,
    /// Population size actually used by the multilevel estimator.
    pub sample_size: usize,
    /// Warnings as fgsea gives them (also meant for the log).
    pub warnings: Vec<String>,
}

/// Runs preranked GSEA of `ranks` against every set of `collections`.
///
/// # Errors
/// Fewer than 2 genes, invalid options, duplicate set names, or no set within the size limits.
///
/// # References
/// fgsea 1.31.6 `fgseaMultilevel` and `fgseaSimple` (ALGORITHMS.md §B).
#[doc(alias = "fgsea")]
#[doc(alias = "fgseaMultilevel")]
#[doc(alias = "fgseaSimple")]
pub fn run(ranks: &RankedList, collections: &[GeneSetCollection], opts: &GseaOptions) -> Result<GseaResult> {
    let mut warnings = Vec::new();
    if !(0.0..=1.0).contains(&opts.eps) {
        return Err(Error::InvalidOption {
            name: "eps",
            value: opts.eps.to_string(),
            reason: "must be between 0 and 1",
        });
    }
    if opts.min_size > opts.max_size {
        return Err(Error::InvalidOption {
            name: "min-size",
            value: opts.min_size.to_string(),
            reason: "must not exceed max-size",
        });
    }
    if let Method::Permutation { nperm: 0 } = opts.method {
        return Err(Error::InvalidOption { name: "nperm", value: "0".into(), reason: "must be at least 1" });
    }
    if opts.n_perm_simple == 0 {
        return Err(Error::InvalidOption {
            name: "nperm-simple",
            value: "0".into(),
            reason: "must be at least 1",
        });
    }
    let mut sample_size = opts.sample_size;
    if sample_size < MIN_SAMPLE_SIZE {
        warnings.push(format!("sampleSize {sample_size} is too small, so sampleSize = 3 is used"));
        sample_size = MIN_SAMPLE_SIZE;
    }
    if sample_size.is_multiple_of(2) {
        sample_size += 1;
    }
    if ranks.len() < 2 {
        return Err(Error::TooFewGenes(ranks.len()));
    }
    let sorted = SortedRanks::new(ranks);
    if sorted.tie_fraction > 0.0 {
        warnings.push(format!(
            "there are ties in the preranked stats ({:.2}% of the list); tied genes are ordered by name",
            100.0 * sorted.tie_fraction
        ));
    }
    if opts.score_type == ScoreType::Std && sorted.scores.iter().all(|&s| s > 0.0) {
        warnings.push(
            "all ranked stats are positive; consider --score-type pos for a one-tailed test".to_owned(),
        );
    }
    let refs: Vec<&GeneSetCollection> = collections.iter().collect();
    let matched = match_sets(&sorted, &refs, opts.min_size, opts.max_size)?;

    let observed: Vec<es::EnrichmentScore> = matched
        .kept
        .par_iter()
        .map(|s| es::calc_gsea_stat(&sorted.weights, &s.hits, opts.score_type))
        .collect();
    let es_values: Vec<f64> = observed.iter().map(|e| e.es).collect();
    let sizes: Vec<usize> = matched.kept.iter().map(|s| s.hits.len()).collect();

    let stats = match opts.method {
        Method::Permutation { nperm } => {
            permutation_method(&sorted, &es_values, &sizes, opts, nperm, &mut warnings)
        }
        Method::Multilevel => {
            multilevel_method(&sorted, &es_values, &sizes, opts, sample_size, &mut warnings)
        }
    };

    let mut rows: Vec<PathwayResult> = matched
        .kept
        .iter()
        .zip(&observed)
        .zip(stats)
        .map(|((set, e), st)| PathwayResult {
            pathway: set.name.clone(),
            collection: set.collection,
            size: set.hits.len(),
            es: e.es,
            nes: st.nes,
            pval: st.pval,
            padj: st.padj,
            log2err: st.log2err,
            n_more_extreme: st.n_more_extreme,
            n_same_sign: st.n_same_sign,
            leading_edge: e
                .leading_edge
                .positions(&set.hits)
                .iter()
                .map(|&p| sorted.genes[p].clone())
                .collect(),
            hits: set.hits.clone(),
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |p: f64| if p.is_nan() { f64::INFINITY } else { p };
        key(a.pval)
            .total_cmp(&key(b.pval))
            .then_with(|| a.pval.is_nan().cmp(&b.pval.is_nan()))
            .then_with(|| a.pathway.cmp(&b.pathway))
    });
    Ok(GseaResult {
        ranks: sorted,
        rows,
        n_skipped: matched.n_skipped,
        n_set_genes: matched.n_set_genes,
        n_set_genes_ranked: matched.n_set_genes_ranked,
        sample_size,
        warnings,
    })
}

/// Per-pathway statistics other than ES.
#[derive(Debug, Clone, Copy)]
struct RowStats {
    n_more_extreme: u64,
    n_same_sign: u64,
    nes: f64,
    pval: f64,
    padj: f64,
    log2err: f64,
}

/// `sqrt(ψ₁(k+1) − ψ₁(P+1))/ln 2`: expected error of `log2 p` of a permutation p-value.
fn simple_log2err(k: u64, nperm: usize) -> f64 {
    (trigamma(k as f64 + 1.0) - trigamma(nperm as f64 + 1.0)).sqrt() / LN_2
}

/// Null draws of the observed sign (fgsea `modeFraction`).
fn same_sign(s: &simple::SimpleStats, es: f64, score_type: ScoreType) -> u64 {
    match score_type {
        ScoreType::Std if es >= 0.0 => s.tally.n_ge_zero,
        ScoreType::Std | ScoreType::Neg => s.tally.n_le_zero,
        ScoreType::Pos => s.tally.n_ge_zero,
    }
}

/// fgseaSimple: NES, p, BH over non-NA p, and the binomial log2 error.
fn permutation_method(
    sorted: &SortedRanks,
    es: &[f64],
    sizes: &[usize],
    opts: &GseaOptions,
    nperm: usize,
    warnings: &mut Vec<String>,
) -> Vec<RowStats> {
    let simple = simple::permutation_test(
        &sorted.weights,
        es,
        sizes,
        opts.score_type,
        nperm,
        opts.seed,
        STREAM_PERMUTATION,
    );
    let pvals: Vec<f64> = simple.iter().map(|s| s.pval).collect();
    let padj = p_adjust_bh(&pvals);
    let n_na = pvals.iter().filter(|p| p.is_nan()).count();
    if n_na > 0 {
        warnings.push(format!(
            "{n_na} pathway(s) have no p-value: the null has no draws of the observed sign \
             (unbalanced positive and negative stats)"
        ));
    }
    simple
        .iter()
        .zip(padj)
        .zip(es)
        .map(|((s, q), &e)| RowStats {
            n_more_extreme: s.n_more_extreme,
            n_same_sign: same_sign(s, e, opts.score_type),
            nes: s.nes,
            pval: s.pval,
            padj: q,
            log2err: if s.pval.is_nan() { f64::NAN } else { simple_log2err(s.n_more_extreme, nperm) },
        })
        .collect()
}

/// fgseaMultilevel driver (ALGORITHMS.md §B3.1).
fn multilevel_method(
    sorted: &SortedRanks,
    es: &[f64],
    sizes: &[usize],
    opts: &GseaOptions,
    sample_size: usize,
    warnings: &mut Vec<String>,
) -> Vec<RowStats> {
    let p_simple = opts.n_perm_simple;
    let simple = simple::permutation_test(
        &sorted.weights,
        es,
        sizes,
        opts.score_type,
        p_simple,
        opts.seed,
        STREAM_PRELIMINARY,
    );
    let simple_padj = p_adjust_bh(&simple.iter().map(|s| s.pval).collect::<Vec<_>>());
    let mode_fraction: Vec<u64> =
        simple.iter().zip(es).map(|(s, &e)| same_sign(s, e, opts.score_type)).collect();
    let mut rows: Vec<RowStats> = simple
        .iter()
        .zip(&simple_padj)
        .zip(&mode_fraction)
        .map(|((s, &q), &m)| RowStats {
            n_more_extreme: s.n_more_extreme,
            n_same_sign: m,
            nes: s.nes,
            pval: s.pval,
            padj: q,
            log2err: f64::NAN,
        })
        .collect();
    let n_low_mode = mode_fraction
        .iter()
        .zip(&simple)
        .filter(|(m, s)| **m < MIN_MODE_FRACTION && !s.pval.is_nan())
        .count();
    for (r, &m) in rows.iter_mut().zip(&mode_fraction) {
        if m < MIN_MODE_FRACTION {
            *r = RowStats { nes: f64::NAN, pval: f64::NAN, padj: f64::NAN, log2err: f64::NAN, ..*r };
        }
    }
    if n_low_mode > 0 {
        warnings.push(format!(
            "{n_low_mode} pathway(s) have fewer than {MIN_MODE_FRACTION} null draws of their sign among \
             {p_simple} permutations, so pval/NES are NA; increase nPermSimple (e.g. to {})",
            p_simple * 10
        ));
    }
    let n_unbalanced = rows.iter().filter(|r| r.pval.is_nan()).count();
    if n_unbalanced > n_low_mode {
        warnings.push(format!(
            "{} pathway(s) have no p-value because of unbalanced (positive and negative) gene-level stats",
            n_unbalanced - n_low_mode
        ));
    }
    let active: Vec<usize> = (0..rows.len()).filter(|&i| !rows[i].pval.is_nan()).collect();
    let p_f = p_simple as f64;
    let mut to_multilevel = Vec::new();
    for &i in &active {
        let k = simple[i].n_more_extreme;
        let k_f = k as f64;
        let left = if k == 0 {
            f64::NEG_INFINITY
        } else {
            qbeta(SIMPLE_ERROR_ALPHA / 2.0, k_f, p_f - k_f + 1.0, true, false).log2()
        };
        let right = qbeta(1.0 - SIMPLE_ERROR_ALPHA / 2.0, k_f + 1.0, p_f - k_f, true, false).log2();
        let crude = ((k_f + 1.0) / (p_f + 1.0)).log2();
        let simple_error = 0.5 * (crude - left).max(right - crude);
        let mult_error = multilevel_error((k_f + 1.0) / (p_f + 1.0), sample_size);
        rows[i].log2err = simple_log2err(k, p_simple);
        if mult_error < simple_error {
            to_multilevel.push(i);
        }
    }
    if to_multilevel.is_empty() {
        return rows;
    }

    // Group by size; one positive and/or one negative ruler per group.
    let sign = opts.score_type != ScoreType::Std;
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in &to_multilevel {
        groups.entry(sizes[i]).or_default().push(i);
    }
    let denom = |i: usize| (mode_fraction[i] + 1) as f64 / (p_f + 1.0);
    let mut reversed = sorted.weights.clone();
    reversed.reverse();
    // (size, negative side, target, eps_g)
    let mut tasks: Vec<(usize, bool, f64, f64)> = Vec::new();
    for (&size, members) in &groups {
        let eps_g = opts.eps * members.iter().map(|&i| denom(i)).fold(f64::INFINITY, f64::min);
        let max_es = members.iter().map(|&i| es[i]).fold(f64::NEG_INFINITY, f64::max);
        let min_es = members.iter().map(|&i| es[i]).fold(f64::INFINITY, f64::min);
        if max_es >= 0.0 {
            tasks.push((size, false, max_es, eps_g));
        }
        if min_es < 0.0 {
            tasks.push((size, true, -min_es, eps_g));
        }
    }
    // Largest expected work first for load balance: the tasks are handed out one at a time in
    // this order (`par_bridge`; a split `par_iter` would leave the largest ones to one thread).
    // Results are keyed, so the order they finish in is irrelevant.
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by(|&a, &b| (tasks[b].0 as f64 * tasks[b].2).total_cmp(&(tasks[a].0 as f64 * tasks[a].2)));
    let rulers: Vec<(usize, EsRuler<'_>)> = order
        .iter()
        .par_bridge()
        .map(|&t| {
            let (size, negative, target, eps_g) = tasks[t];
            let w: &[f64] = if negative { &reversed } else { &sorted.weights };
            let mut ruler = EsRuler::new(w, size, sample_size);
            let mut rng =
                Mt19937::new(derive_seed(opts.seed, STREAM_RULER, (size as u64) << 1 | u64::from(negative)));
            ruler.extend(target, &mut rng, eps_g);
            (t, ruler)
        })
        .collect();
    let mut by_task: Vec<Option<&EsRuler<'_>>> = vec![None; tasks.len()];
    for (t, r) in &rulers {
        by_task[*t] = Some(r);
    }
    let find = |size: usize, negative: bool| -> &EsRuler<'_> {
        let t = tasks
            .iter()
            .position(|x| x.0 == size && x.1 == negative)
            .expect("a ruler exists for each group side");
        by_task[t].expect("every task ran")
    };
    let mut n_unreliable = 0;
    for &i in &to_multilevel {
        let (p, good) = if es[i] >= 0.0 {
            find(sizes[i], false).pvalue(es[i], sign)
        } else {
            find(sizes[i], true).pvalue(-es[i], sign)
        };
        let pval = (p / denom(i)).min(1.0);
        rows[i].pval = pval;
        rows[i].log2err = if good { multilevel_error(pval, sample_size) } else { f64::NAN };
        n_unreliable += usize::from(!good);
    }
    if n_unreliable > 0 {
        warnings.push(format!(
            "for {n_unreliable} pathway(s) the p-values were likely overestimated; their log2err is NA"
        ));
    }
    let mut n_floored = 0;
    for r in &mut rows {
        if r.pval < opts.eps {
            r.pval = opts.eps;
            r.log2err = f64::NAN;
            n_floored += 1;
        }
    }
    if n_floored > 0 {
        warnings.push(format!(
            "for {n_floored} pathway(s) the p-value is below eps = {:e} and is reported as eps; \
             use --eps 0 for a better estimate",
            opts.eps
        ));
    }
    let padj = p_adjust_bh(&rows.iter().map(|r| r.pval).collect::<Vec<_>>());
    for (r, q) in rows.iter_mut().zip(padj) {
        r.padj = q;
    }
    rows
}
