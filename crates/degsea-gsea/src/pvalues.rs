//! P-values and NES of the pathways, as fgsea computes them (ALGORITHMS.md §B2, §B3.1):
//! [`permutation_method`] is fgseaSimple (`fgseaSimpleImpl`: gene-permutation p-values, NES,
//! BH, the binomial log2 error); [`multilevel_method`] is fgseaMultilevel's driver
//! (`fgseaMultilevel.R`: a preliminary permutation run, then one [`EsRuler`] per set size and
//! sign — a [`RulerTask`] — for the pathways whose p-value needs more precision).

use std::collections::BTreeMap;
use std::f64::consts::LN_2;

use rayon::prelude::*;

use crate::multilevel::EsRuler;
use crate::rng::{Mt19937, derive_seed};
use crate::special::{multilevel_error, p_adjust_bh, qbeta, trigamma};
use crate::{
    GseaOptions, MIN_MODE_FRACTION, STREAM_PERMUTATION, STREAM_PRELIMINARY, STREAM_RULER, ScoreType,
};
use crate::{SIMPLE_ERROR_ALPHA, SortedRanks, simple};

/// One multilevel ruler to run: all pathways of one size on one side share it.
#[derive(Debug, Clone, Copy)]
struct RulerTask {
    /// Pathway size (genes found in the ranks).
    size: usize,
    /// Whether the ruler runs on the negative side (on the reversed weights).
    negative: bool,
    /// The most extreme |ES| of the group on that side: the level the ruler must reach.
    target: f64,
    /// The group's smallest p-value of interest (`eps` scaled by the sign fraction).
    eps: f64,
}

impl RulerTask {
    /// Expected work, for handing the largest rulers out first.
    fn expected_work(&self) -> f64 {
        self.size as f64 * self.target
    }
}

/// Per-pathway statistics other than ES.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowStats {
    pub(crate) n_more_extreme: u64,
    pub(crate) n_same_sign: u64,
    pub(crate) nes: f64,
    pub(crate) pval: f64,
    pub(crate) padj: f64,
    pub(crate) log2err: f64,
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
pub(crate) fn permutation_method(
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
pub(crate) fn multilevel_method(
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
    let mut tasks: Vec<RulerTask> = Vec::new();
    for (&size, members) in &groups {
        let eps_g = opts.eps * members.iter().map(|&i| denom(i)).fold(f64::INFINITY, f64::min);
        let max_es = members.iter().map(|&i| es[i]).fold(f64::NEG_INFINITY, f64::max);
        let min_es = members.iter().map(|&i| es[i]).fold(f64::INFINITY, f64::min);
        if max_es >= 0.0 {
            tasks.push(RulerTask { size, negative: false, target: max_es, eps: eps_g });
        }
        if min_es < 0.0 {
            tasks.push(RulerTask { size, negative: true, target: -min_es, eps: eps_g });
        }
    }
    // Largest expected work first for load balance: the tasks are handed out one at a time in
    // this order (`par_bridge`; a split `par_iter` would leave the largest ones to one thread).
    // Results are keyed, so the order they finish in is irrelevant.
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by(|&a, &b| tasks[b].expected_work().total_cmp(&tasks[a].expected_work()));
    let rulers: Vec<(usize, EsRuler<'_>)> = order
        .iter()
        .par_bridge()
        .map(|&t| {
            let RulerTask { size, negative, target, eps } = tasks[t];
            let w: &[f64] = if negative { &reversed } else { &sorted.weights };
            let mut ruler = EsRuler::new(w, size, sample_size);
            let mut rng =
                Mt19937::new(derive_seed(opts.seed, STREAM_RULER, (size as u64) << 1 | u64::from(negative)));
            ruler.extend(target, &mut rng, eps);
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
            .position(|x| x.size == size && x.negative == negative)
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
             use eps = 0 for a better estimate",
            opts.eps
        ));
    }
    let padj = p_adjust_bh(&rows.iter().map(|r| r.pval).collect::<Vec<_>>());
    for (r, q) in rows.iter_mut().zip(padj) {
        r.padj = q;
    }
    rows
}
