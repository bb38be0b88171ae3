//! Enrichment scores: fgsea's `calcGseaStat` (with leading edge) and the positive / signed
//! scores of the multilevel estimator (`calcPositiveES`, `calcES`).
//!
//! Conventions: `weights` are the already-transformed `|stat|^gseaParam` values in ranked order
//! (decreasing stat); positions are 0-based indices into that order and must be sorted
//! ascending and distinct.

/// Which tail(s) the enrichment score looks at (fgsea `scoreType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScoreType {
    /// Two-sided: the larger deviation, with its sign (fgsea default `"std"`).
    #[default]
    Std,
    /// Only the maximum positive deviation (`"pos"`).
    Pos,
    /// Only the most negative deviation (`"neg"`).
    Neg,
}

impl ScoreType {
    /// fgsea's spelling: `std`, `pos` or `neg`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Std => "std",
            Self::Pos => "pos",
            Self::Neg => "neg",
        }
    }
}

/// The enrichment score of one set and where its leading edge lies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnrichmentScore {
    /// The enrichment score.
    pub es: f64,
    /// Maximum of the running sum (`maxP`).
    pub max_p: f64,
    /// Minimum of the running sum (`minP`).
    pub min_p: f64,
    /// Which hits form the leading edge, as a range into the sorted hit positions.
    pub leading_edge: LeadingEdge,
}

/// The leading-edge hits of a set, as indices into its sorted hit positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadingEdge {
    /// Hits `0..=j` (positive side), reported in list order.
    Top(usize),
    /// Hits `j..m` (negative side), reported in reverse list order (most negative first).
    Bottom(usize),
    /// No leading edge (an exact tie between the two sides with `std`).
    Empty,
}

impl LeadingEdge {
    /// The leading-edge positions in fgsea's reporting order.
    ///
    /// ```
    /// use degsea_gsea::es::LeadingEdge;
    /// assert_eq!(LeadingEdge::Bottom(1).positions(&[2, 5, 9]), [9, 5]);
    /// assert_eq!(LeadingEdge::Top(1).positions(&[2, 5, 9]), [2, 5]);
    /// ```
    pub fn positions(self, hits: &[usize]) -> Vec<usize> {
        match self {
            Self::Top(j) => hits[..=j].to_vec(),
            Self::Bottom(j) => hits[j..].iter().rev().copied().collect(),
            Self::Empty => Vec::new(),
        }
    }
}

/// Computes the enrichment score of the set at sorted 0-based `hits` in a list of `weights`
/// (fgsea `calcGseaStat` with `gseaParam = 1` applied beforehand, `returnLeadingEdge = TRUE`).
///
/// Running sum just after hit `j` is `top_j = c_j − (s_j − j)/(N − m)`, just before it
/// `bot_j = top_j − h_j`; `ES` is `maxP = max top` or `minP = min bot` by `score_type`, with
/// `0` on an exact tie under `std`. When all hit weights are 0 the hits count equally. The
/// leading edge runs from the top of the list to the first maximum (positive) or from the
/// first minimum to the bottom (negative), as in fgsea ≥ 1.32.
///
/// # Panics
/// If `hits` is empty or covers the whole list (`m = N`).
///
/// ```
/// use degsea_gsea::es::{calc_gsea_stat, ScoreType};
/// let stats: Vec<f64> = (-10..=10).rev().map(|x| f64::from(x).abs()).collect(); // 10:-10
/// let es = calc_gsea_stat(&stats, &[0, 1, 2, 3, 4], ScoreType::Std);
/// assert_eq!(es.es, 1.0);
/// ```
///
/// # References
/// fgsea 1.31.6 `R/fgsea.R → calcGseaStat`; Subramanian et al. (2005) PNAS 102:15545;
/// Korotkevich et al. (2021) bioRxiv 060012.
#[doc(alias = "calcGseaStat")]
pub fn calc_gsea_stat(weights: &[f64], hits: &[usize], score_type: ScoreType) -> EnrichmentScore {
    let n = weights.len();
    let m = hits.len();
    assert!(m > 0 && m < n, "a set needs 1..N-1 hits, got {m} of {n}");
    let nr: f64 = hits.iter().map(|&s| weights[s]).sum();
    let miss = (n - m) as f64;
    let mut cum = 0.0;
    let (mut max_p, mut arg_max) = (f64::NEG_INFINITY, 0);
    let (mut min_p, mut arg_min) = (f64::INFINITY, 0);
    for (j, &s) in hits.iter().enumerate() {
        let (c, h) = if nr > 0.0 {
            cum += weights[s];
            (cum / nr, weights[s] / nr)
        } else {
            ((j + 1) as f64 / m as f64, 1.0 / m as f64)
        };
        let top = c - (s - j) as f64 / miss;
        let bot = top - h;
        if top > max_p {
            max_p = top;
            arg_max = j;
        }
        if bot < min_p {
            min_p = bot;
            arg_min = j;
        }
    }
    let (es, leading_edge) = match score_type {
        ScoreType::Std if max_p == -min_p => (0.0, LeadingEdge::Empty),
        ScoreType::Std if max_p > -min_p => (max_p, LeadingEdge::Top(arg_max)),
        ScoreType::Std | ScoreType::Neg => (min_p, LeadingEdge::Bottom(arg_min)),
        ScoreType::Pos => (max_p, LeadingEdge::Top(arg_max)),
    };
    EnrichmentScore { es, max_p, min_p, leading_edge }
}

/// Positive-side enrichment score `max(0, max_j top_j)` of a sorted sample (fgsea
/// `calcPositiveES`), used by the multilevel estimator.
///
/// ```
/// let w = [3.0, 2.0, 1.0, 0.5];
/// assert_eq!(degsea_gsea::es::positive_es(&w, &[0]), 1.0);
/// ```
#[doc(alias = "calcPositiveES")]
pub fn positive_es(weights: &[f64], sample: &[u32]) -> f64 {
    positive_and_signed_es(weights, sample).0
}

/// Signed enrichment score of a sorted sample: the running-sum value of largest absolute value,
/// checking the point before each hit and then the point after it, first wins on ties (fgsea
/// `calcES`).
///
/// ```
/// let w = [3.0, 2.0, 1.0, 0.5];
/// assert_eq!(degsea_gsea::es::signed_es(&w, &[3]), -1.0);
/// ```
#[doc(alias = "calcES")]
pub fn signed_es(weights: &[f64], sample: &[u32]) -> f64 {
    positive_and_signed_es(weights, sample).1
}

/// [`positive_es`] and [`signed_es`] of a sorted sample in one pass (fgsea `calcPositiveES`
/// and `calcES`; the point after each hit is the same running-sum value in both).
///
/// ```
/// let w = [3.0, 2.0, 1.0, 0.5];
/// assert_eq!(degsea_gsea::es::positive_and_signed_es(&w, &[0]), (1.0, 1.0));
/// assert_eq!(degsea_gsea::es::positive_and_signed_es(&w, &[3]), (0.0, -1.0));
/// ```
pub fn positive_and_signed_es(weights: &[f64], sample: &[u32]) -> (f64, f64) {
    running_es(sample, weights.len(), |_, s| weights[s as usize])
}

/// The running sum of fgsea `calcPositiveES` / `calcES` over hits at sorted `positions` in a
/// list of `n` genes, `weight(j, position)` the step of hit `j`: its largest value after a hit
/// (at least 0) and its value of largest absolute value (before or after a hit, first wins).
#[inline]
fn running_es(positions: &[u32], n: usize, weight: impl Fn(usize, u32) -> f64) -> (f64, f64) {
    let k = positions.len();
    let ns: f64 = positions.iter().enumerate().map(|(j, &s)| weight(j, s)).sum();
    let q1 = 1.0 / (n - k) as f64;
    let q2 = 1.0 / ns;
    let mut cum = 0.0;
    let mut best = 0.0f64;
    let mut res = 0.0f64;
    for (j, &s) in positions.iter().enumerate() {
        let misses = q1 * (s as usize - j) as f64;
        let before = q2 * cum - misses;
        if before.abs() > res.abs() {
            res = before;
        }
        cum += weight(j, s);
        let after = q2 * cum - misses;
        if after.abs() > res.abs() {
            res = after;
        }
        best = best.max(after);
    }
    (best, res)
}

/// [`signed_es`] of hits at sorted `positions` with step `weights` (one per hit) in a list of
/// `n` genes: the same arithmetic, on the hits' weights stored contiguously (fgsea `calcES`).
pub(crate) fn signed_es_of_hits(positions: &[u32], weights: &[f64], n: usize) -> f64 {
    running_es(positions, n, |j, _| weights[j]).1
}

/// [`signed_es_of_hits`], bit for bit, from the two extremes alone, given `total` = the hits'
/// weight sum in hit order; `None` on an exact tie between them (or a weight sum that is not
/// finite and positive), where only the scan's order decides.
///
/// With non-negative weights the running sum only falls between hits, so a positive value
/// before a hit never exceeds the value after the previous hit, and a negative value after a
/// hit is never below the value before it (in floating point too: each pair differs in one
/// operand of a monotone rounding). The value of largest absolute value is therefore the
/// largest value after a hit or the smallest before one, and equal values are equal bits; the
/// two running extremes are independent of each other, not one chain through `|res|`.
pub(crate) fn split_signed_es(positions: &[u32], weights: &[f64], n: usize, total: f64) -> Option<f64> {
    let q1 = 1.0 / (n - positions.len()) as f64;
    let q2 = 1.0 / total;
    if !(total.is_finite() && q2.is_finite() && total > 0.0) {
        return None;
    }
    let mut cum = 0.0;
    let (mut hi, mut lo) = (f64::NEG_INFINITY, f64::INFINITY);
    for (j, (&s, &w)) in positions.iter().zip(weights).enumerate() {
        let misses = q1 * (s as usize - j) as f64;
        let before = q2 * cum - misses;
        lo = if before < lo { before } else { lo };
        cum += w;
        let after = q2 * cum - misses;
        hi = if after > hi { after } else { hi };
    }
    if hi > -lo {
        Some(hi)
    } else if -lo > hi {
        Some(lo)
    } else if hi == 0.0 {
        Some(0.0)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// fgsea's package test: `stats <- 10:-10` (weights |stat|), 1-based sets.
    fn stats_10_to_minus_10() -> Vec<f64> {
        (-10..=10).rev().map(|x: i32| f64::from(x).abs()).collect()
    }

    fn es_of(one_based: &[usize]) -> EnrichmentScore {
        let hits: Vec<usize> = one_based.iter().map(|s| s - 1).collect();
        calc_gsea_stat(&stats_10_to_minus_10(), &hits, ScoreType::Std)
    }

    #[test]
    fn hand_worked_cases_of_the_fgsea_tests() {
        assert_eq!(es_of(&[1, 2, 3, 4, 5]).es, 1.0);
        assert_eq!(es_of(&[16, 17, 18, 19, 20, 21]).es, -1.0);
        let e = es_of(&[2, 4, 6, 8, 10]).es;
        assert!((e - 0.71).abs() < 0.005, "{e}");
        assert_eq!(es_of(&[10, 11, 12]).es, 0.0);
        assert_eq!(es_of(&[10, 11, 12]).leading_edge, LeadingEdge::Empty);
    }

    #[test]
    fn hand_worked_value_and_leading_edges() {
        // S = 2,4,6,8,10 of 10:-10: NR = 9+7+5+3+1 = 25, N−m = 16. Tops: 9/25−1/16,
        // 16/25−2/16, 21/25−3/16, 24/25−4/16, 25/25−5/16; the maximum is the 4th.
        let e = es_of(&[2, 4, 6, 8, 10]);
        assert!((e.es - (24.0 / 25.0 - 4.0 / 16.0)).abs() < 1e-15);
        assert_eq!(e.leading_edge.positions(&[1, 3, 5, 7, 9]), [1, 3, 5, 7]);
        let e = es_of(&[16, 17, 18, 19, 20, 21]);
        assert_eq!(e.leading_edge.positions(&[15, 16, 17, 18, 19, 20]), [20, 19, 18, 17, 16, 15]);
    }

    #[test]
    fn score_types_and_zero_weights() {
        let w = stats_10_to_minus_10();
        let hits = [0, 20];
        let pos = calc_gsea_stat(&w, &hits, ScoreType::Pos);
        let neg = calc_gsea_stat(&w, &hits, ScoreType::Neg);
        assert!(pos.es >= 0.0 && neg.es <= 0.0);
        // Gene 11 of 10:-10 has stat 0: NR = 0 means equal hit steps.
        let z = calc_gsea_stat(&w, &[10], ScoreType::Std);
        assert_eq!(z.max_p, 1.0 - 10.0 / 20.0);
    }

    #[test]
    fn multilevel_scores_agree_with_calc_gsea_stat() {
        let w: Vec<f64> = (0..50).map(|i| f64::from(50 - i) * 0.37 + f64::from(i % 7)).collect();
        let sample = [3u32, 8, 9, 20, 33, 41];
        let hits: Vec<usize> = sample.iter().map(|&s| s as usize).collect();
        let e = calc_gsea_stat(&w, &hits, ScoreType::Std);
        assert!((positive_es(&w, &sample) - e.max_p.max(0.0)).abs() < 1e-15);
        assert!((signed_es(&w, &sample) - e.es).abs() < 1e-15);
    }

    /// The contiguous and split forms give `signed_es`'s bits; exact ties of the two sides
    /// (common with small integer weights) are left to the scan.
    #[test]
    fn split_signed_es_is_signed_es_bit_for_bit() {
        let mut rng = crate::rng::Mt19937::new(3);
        let mut ties = 0;
        let mut cases: Vec<(Vec<f64>, Vec<u32>)> = vec![(vec![1.0; 4], vec![0, 3])];
        for _ in 0..3000 {
            let n = 3 + (rng.next_u32() % 40) as usize;
            let w: Vec<f64> = (0..n).map(|_| f64::from(rng.next_u32() % 4)).collect();
            let sample: Vec<u32> = (0..n as u32).filter(|_| rng.next_u32().is_multiple_of(3)).collect();
            if !sample.is_empty() && sample.len() < n {
                cases.push((w, sample));
            }
        }
        for (w, sample) in &cases {
            let hw: Vec<f64> = sample.iter().map(|&s| w[s as usize]).collect();
            let want = signed_es(w, sample).to_bits();
            assert_eq!(signed_es_of_hits(sample, &hw, w.len()).to_bits(), want);
            match split_signed_es(sample, &hw, w.len(), hw.iter().sum()) {
                Some(e) => assert_eq!(e.to_bits(), want, "{w:?} {sample:?}"),
                None => ties += 1,
            }
        }
        assert_eq!(split_signed_es(&[0, 3], &[1.0; 2], 4, 2.0), None);
        assert!(ties > 1, "{ties}");
    }
}
