//! Enrichment scores of every gene set under one permuted ranking (Subramanian et al. 2005;
//! GSEApy 1.3.1 `enrichment_score`): one pass down the ranked genes picks out, without
//! branching, the genes in any set with their positions; these fill each set's hit positions
//! in increasing order and the step weights `|metric|^p`; each set is then scored on its hits
//! alone ([`signed_es`]: the running-sum extreme of largest absolute value, which is the
//! two-sided ES of [`calc_gsea_stat`] except on an exact tie of the two sides, a null event),
//! with no sort and no allocation.

use super::rank::{RankScratch, gene};
use crate::es::{ScoreType, calc_gsea_stat, signed_es};

/// Which sets each gene belongs to, and where each set's hits go.
#[derive(Debug, Clone)]
pub(crate) struct SetIndex {
    /// `sets_of[first[g]..first[g + 1]]`: the sets of gene `g`.
    first: Vec<u32>,
    sets_of: Vec<u32>,
    /// Gene `g` is in some set.
    member: Vec<bool>,
    /// `start[s]..start[s + 1]`: set `s`'s slots in [`SetScratch::hits`].
    start: Vec<usize>,
}

impl SetIndex {
    /// Index of `sets` (gene indices below `genes`, distinct within a set).
    pub(crate) fn new(genes: usize, sets: &[Vec<usize>]) -> Self {
        let mut first = vec![0u32; genes + 1];
        for set in sets {
            for &g in set {
                first[g + 1] += 1;
            }
        }
        for g in 0..genes {
            first[g + 1] += first[g];
        }
        let mut fill = first.clone();
        let mut sets_of = vec![0u32; first[genes] as usize];
        for (s, set) in sets.iter().enumerate() {
            for &g in set {
                sets_of[fill[g] as usize] = s as u32;
                fill[g] += 1;
            }
        }
        let member = (0..genes).map(|g| first[g + 1] > first[g]).collect();
        let mut start = vec![0usize];
        start.extend(sets.iter().scan(0, |acc, set| {
            *acc += set.len();
            Some(*acc)
        }));
        Self { first, sets_of, member, start }
    }

    /// Number of sets.
    pub(crate) fn len(&self) -> usize {
        self.start.len() - 1
    }
}

/// Reusable space for [`SetScratch::scores`].
#[derive(Debug, Clone, Default)]
pub(crate) struct SetScratch {
    rank: RankScratch,
    /// `(position, gene)` of the genes in any set, in ranked order.
    found: Vec<(u32, u32)>,
    weights: Vec<f64>,
    hits: Vec<u32>,
    fill: Vec<usize>,
}

/// The ES step of a gene with metric `m`: `|m|^p` (exact for `p` = 0 and 1 without `powf`).
#[inline]
fn step(m: f64, p: f64) -> f64 {
    if p == 1.0 {
        m.abs()
    } else if p == 0.0 {
        1.0
    } else {
        m.abs().powf(p)
    }
}

impl SetScratch {
    /// Writes the enrichment score of every set of `index` under the ranking of `metric`
    /// (weight `p`) into `es`.
    pub(crate) fn scores(&mut self, metric: &[f64], p: f64, index: &SetIndex, es: &mut [f64]) {
        let order = self.rank.order(metric);
        self.found.resize(order.len() + 1, (0, 0));
        let mut found = 0;
        for (r, &w) in order.iter().enumerate() {
            let g = gene(w);
            self.found[found] = (r as u32, g as u32);
            found += usize::from(index.member[g]);
        }
        self.weights.resize(metric.len(), 0.0);
        self.hits.resize(index.start[index.len()], 0);
        self.fill.clear();
        self.fill.extend_from_slice(&index.start[..index.len()]);
        for &(r, g) in &self.found[..found] {
            let g = g as usize;
            self.weights[r as usize] = step(metric[g], p);
            for &s in &index.sets_of[index.first[g] as usize..index.first[g + 1] as usize] {
                let slot = &mut self.fill[s as usize];
                self.hits[*slot] = r;
                *slot += 1;
            }
        }
        for (s, e) in es.iter_mut().enumerate() {
            let hits = &self.hits[index.start[s]..index.start[s + 1]];
            *e = signed_es(&self.weights, hits);
            if *e == 0.0 || e.is_nan() {
                // only when every hit weighs 0 (or a weight is infinite): calc_gsea_stat's
                // rules (hits counted equally) decide
                let hits: Vec<usize> = hits.iter().map(|&h| h as usize).collect();
                *e = calc_gsea_stat(&self.weights, &hits, ScoreType::Std).es;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Mt19937;

    /// Against sorting every set's positions and [`calc_gsea_stat`], for weights 0, 1, 1.5.
    #[test]
    fn agrees_with_calc_gsea_stat() {
        let genes = 300;
        let mut rng = Mt19937::new(9);
        let metric: Vec<f64> =
            (0..genes).map(|_| (f64::from(rng.next_u32()) / 4_294_967_296.0 - 0.4) * 3.0).collect();
        let sets: Vec<Vec<usize>> =
            (0..12).map(|s| (0..genes).filter(|_| rng.next_u32().is_multiple_of(3 + s)).collect()).collect();
        let index = SetIndex::new(genes, &sets);
        let order: Vec<usize> = RankScratch::default().order(&metric).iter().map(|&w| gene(w)).collect();
        let mut pos = vec![0; genes];
        for (r, &g) in order.iter().enumerate() {
            pos[g] = r;
        }
        for p in [0.0, 1.0, 1.5] {
            let weights: Vec<f64> = order.iter().map(|&g| metric[g].abs().powf(p)).collect();
            let mut es = vec![0.0; sets.len()];
            SetScratch::default().scores(&metric, p, &index, &mut es);
            for (set, &e) in sets.iter().zip(&es) {
                let mut hits: Vec<usize> = set.iter().map(|&g| pos[g]).collect();
                hits.sort_unstable();
                let want = calc_gsea_stat(&weights, &hits, ScoreType::Std).es;
                assert!((e - want).abs() < 1e-12, "p = {p}: {e} vs {want}");
            }
        }
    }
}
