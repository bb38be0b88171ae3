//! Enrichment scores of every gene set under one permuted ranking (Subramanian et al. 2005;
//! GSEApy 1.3.1 `enrichment_score`), with no sort and no allocation.
//!
//! 1. The pass of the ranking that hands out the genes in order ([`RankScratch::visit`]) picks
//!    out, without branching, the genes in any set with their positions.
//! 2. Each such gene appends its position and step weight `|metric|^p` to the hits of its sets
//!    (increasing within a set) and adds the weight to each set's total. Its first two sets are
//!    written without a branch (a gene in one set writes its second hit into one of a few sink
//!    slots, spread so the sinks' running totals do not form one long chain); only genes in
//!    three or more sets loop over the rest.
//! 3. Each set is scored on its hits alone ([`split_signed_es`]: the running-sum extreme of
//!    largest absolute value, from two independent extremes; which is the two-sided ES of
//!    [`calc_gsea_stat`] except on an exact tie of the two sides, a null event), with the
//!    sequential scan [`signed_es_of_hits`] deciding exact ties.

use super::rank::{RankScratch, gene};
use crate::es::{ScoreType, calc_gsea_stat, signed_es_of_hits, split_signed_es};

/// Sink slots for the missing second set of genes in one set (members take turns).
const SINKS: usize = 8;

/// A member's sets written without a branch.
const FIRST: usize = 2;

/// [`SetIndex::member_of`] of a gene in no set.
const NONE: u32 = u32::MAX;

/// A gene in some set: its first [`FIRST`] sets (a sink, numbered from `SetIndex::len()`, in
/// place of a missing one) and the rest, `SetIndex::more[more.0..more.1]`.
#[derive(Debug, Clone, Copy)]
struct Member {
    gene: u32,
    sets: [u32; FIRST],
    more: (u32, u32),
}

/// Which sets each gene belongs to, and where each set's hits go.
#[derive(Debug, Clone)]
pub(crate) struct SetIndex {
    /// The number of gene `g` in `members`, or [`NONE`].
    member_of: Vec<u32>,
    /// The genes in some set, by increasing gene index.
    members: Vec<Member>,
    /// Sets of members beyond their first [`FIRST`].
    more: Vec<u32>,
    /// `start[s]..start[s + 1]`: set `s`'s slots in `SetScratch::hits`; the sinks' slots
    /// follow.
    start: Vec<usize>,
}

impl SetIndex {
    /// Index of `sets` (gene indices below `genes`, distinct within a set).
    pub(crate) fn new(genes: usize, sets: &[Vec<usize>]) -> Self {
        let mut sets_of: Vec<Vec<u32>> = vec![Vec::new(); genes];
        for (s, set) in sets.iter().enumerate() {
            for &g in set {
                sets_of[g].push(s as u32);
            }
        }
        let mut member_of = vec![NONE; genes];
        let mut members = Vec::new();
        let mut more = Vec::new();
        for (g, of) in sets_of.iter().enumerate() {
            if of.is_empty() {
                continue;
            }
            member_of[g] = members.len() as u32;
            let sink = (sets.len() + members.len() % SINKS) as u32;
            let from = more.len() as u32;
            more.extend(of.iter().skip(FIRST));
            members.push(Member {
                gene: g as u32,
                sets: std::array::from_fn(|i| of.get(i).copied().unwrap_or(sink)),
                more: (from, more.len() as u32),
            });
        }
        let mut start = vec![0usize];
        start.extend(sets.iter().scan(0, |acc, set| {
            *acc += set.len();
            Some(*acc)
        }));
        Self { member_of, members, more, start }
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
    /// `(position, member number)` of the genes in any set, in ranked order.
    found: Vec<(u32, u32)>,
    /// Hit positions, set after set (`SetIndex::start`), increasing within a set; then the
    /// sinks' slots.
    hits: Vec<u32>,
    /// The step weight of each hit in `hits`.
    hit_weights: Vec<f64>,
    /// Next free slot of each set and sink in `hits` (a sink's stays put).
    fill: Vec<u32>,
    /// Sum of each set's (and sink's) hit weights, in hit order.
    total: Vec<f64>,
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
        let n = metric.len();
        self.found.resize(n + 1, (0, 0));
        let mut found = 0;
        let out = &mut self.found[..];
        let member_of = &index.member_of[..];
        self.rank.visit(metric, |r, w| {
            let m = member_of[gene(w)];
            out[found] = (r as u32, m);
            found += usize::from(m != NONE);
        });

        let n_sets = index.len();
        let slots = index.start[n_sets];
        self.hits.resize(slots + SINKS, 0);
        self.hit_weights.resize(slots + SINKS, 0.0);
        self.fill.clear();
        self.fill.extend(index.start.iter().map(|&s| s as u32));
        self.fill.extend((1..SINKS).map(|i| (slots + i) as u32));
        self.total.clear();
        self.total.resize(n_sets + SINKS, 0.0);
        let (hits, hit_weights) = (&mut self.hits[..], &mut self.hit_weights[..]);
        let (fill, total) = (&mut self.fill[..], &mut self.total[..]);
        let mut put = |s: u32, r: u32, w: f64| {
            let s = s as usize;
            let slot = fill[s] as usize;
            hits[slot] = r;
            hit_weights[slot] = w;
            fill[s] += u32::from(s < n_sets);
            total[s] += w;
        };
        for &(r, m) in &self.found[..found] {
            let m = &index.members[m as usize];
            let w = step(metric[m.gene as usize], p);
            for &s in &m.sets {
                put(s, r, w);
            }
            if m.more.1 > m.more.0 {
                for &s in &index.more[m.more.0 as usize..m.more.1 as usize] {
                    put(s, r, w);
                }
            }
        }

        for (s, e) in es.iter_mut().enumerate() {
            let range = index.start[s]..index.start[s + 1];
            let (hits, weights) = (&self.hits[range.clone()], &self.hit_weights[range]);
            *e = split_signed_es(hits, weights, n, self.total[s])
                .unwrap_or_else(|| signed_es_of_hits(hits, weights, n));
            if *e == 0.0 || e.is_nan() {
                // only when every hit weighs 0 (or a weight is infinite): calc_gsea_stat's
                // rules (hits counted equally) decide
                let mut all = vec![0.0; n];
                for (&h, &w) in hits.iter().zip(weights) {
                    all[h as usize] = w;
                }
                let hits: Vec<usize> = hits.iter().map(|&h| h as usize).collect();
                *e = calc_gsea_stat(&all, &hits, ScoreType::Std).es;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::es::signed_es;
    use crate::rng::Mt19937;

    /// Against sorting every set's positions and [`calc_gsea_stat`], for weights 0, 1, 1.5,
    /// and bit for bit against [`signed_es`] on the full ranked weights (one scratch reused).
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
        let mut scratch = SetScratch::default();
        for p in [0.0, 1.0, 1.5, 1.0] {
            let weights: Vec<f64> = order.iter().map(|&g| metric[g].abs().powf(p)).collect();
            let mut es = vec![0.0; sets.len()];
            scratch.scores(&metric, p, &index, &mut es);
            for (set, &e) in sets.iter().zip(&es) {
                let mut hits: Vec<usize> = set.iter().map(|&g| pos[g]).collect();
                hits.sort_unstable();
                let want = calc_gsea_stat(&weights, &hits, ScoreType::Std).es;
                assert!((e - want).abs() < 1e-12, "p = {p}: {e} vs {want}");
                let hits: Vec<u32> = hits.iter().map(|&h| h as u32).collect();
                assert_eq!(e.to_bits(), signed_es(&weights, &hits).to_bits(), "p = {p}");
            }
        }
    }
}
