//! Per-gene ranking metrics of two sample classes (Broad GSEA / GSEApy 1.3.1
//! `calculate_metric`).

/// Broad GeneCluster floor on a class standard deviation: at least this fraction of `|mean|`.
pub const SIGMA_FLOOR_FRACTION: f64 = 0.2;
/// Broad GeneCluster floor used when both the SD and the mean are 0.
pub const SIGMA_FLOOR_ZERO: f64 = 0.2;

/// How the genes are ranked from the two classes ("positive" = the test class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Metric {
    /// `(μ₊ − μ₋)/(σ₊ + σ₋)` with the GeneCluster σ floor (Broad default).
    #[default]
    SignalToNoise,
    /// Welch's `(μ₊ − μ₋)/√(σ₊²/n₊ + σ₋²/n₋)` (no floor).
    TTest,
    /// `μ₊ − μ₋`.
    Diff,
    /// `μ₊ / μ₋`.
    Ratio,
    /// `log₂(μ₊ / μ₋)`.
    Log2Ratio,
}

impl Metric {
    /// The name used in output and manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignalToNoise => "signal2noise",
            Self::TTest => "ttest",
            Self::Diff => "diff",
            Self::Ratio => "ratio",
            Self::Log2Ratio => "log2ratio",
        }
    }

    /// Parses [`Metric::as_str`] spellings.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "signal2noise" | "signal_to_noise" | "s2n" => Self::SignalToNoise,
            "ttest" | "t_test" => Self::TTest,
            "diff" | "diff_of_classes" => Self::Diff,
            "ratio" | "ratio_of_classes" => Self::Ratio,
            "log2ratio" | "log2_ratio_of_classes" => Self::Log2Ratio,
            _ => return None,
        })
    }
}

/// Mean, sample SD (`n − 1` denominator) and size of one class's values of a gene.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClassMoments {
    pub(crate) mean: f64,
    pub(crate) sd: f64,
    pub(crate) n: f64,
}

/// [`ClassMoments`] of the values where `labels == want` (two passes, sample order).
#[inline]
fn class_moments(values: &[f64], labels: &[bool], want: bool) -> ClassMoments {
    let (mut n, mut sum) = (0usize, 0.0);
    for (&v, &l) in values.iter().zip(labels) {
        if l == want {
            n += 1;
            sum += v;
        }
    }
    let nf = n as f64;
    let mean = sum / nf;
    let ss: f64 =
        values.iter().zip(labels).filter(|&(_, &l)| l == want).map(|(&v, _)| (v - mean) * (v - mean)).sum();
    ClassMoments { mean, sd: (ss / (nf - 1.0)).sqrt(), n: nf }
}

/// GeneCluster σ correction: `max(σ, 0.2|μ|)`, and 0.2 if that is still 0.
#[inline]
fn sigma_floor(sd: f64, mean: f64) -> f64 {
    let s = sd.max(SIGMA_FLOOR_FRACTION * mean.abs());
    if s == 0.0 { SIGMA_FLOOR_ZERO } else { s }
}

/// The metric from the moments of the positive (test) and negative class (GSEApy 1.3.1
/// `calculate_metric`); [`gene_metric`] and the permutation null share it.
#[inline]
pub(crate) fn from_moments(pos: ClassMoments, neg: ClassMoments, metric: Metric) -> f64 {
    let (mp, mn) = (pos.mean, neg.mean);
    match metric {
        Metric::SignalToNoise => (mp - mn) / (sigma_floor(pos.sd, mp) + sigma_floor(neg.sd, mn)),
        Metric::TTest => (mp - mn) / (pos.sd * pos.sd / pos.n + neg.sd * neg.sd / neg.n).sqrt(),
        Metric::Diff => mp - mn,
        Metric::Ratio => mp / mn,
        Metric::Log2Ratio => (mp / mn).log2(),
    }
}

/// The metric of one gene, `labels[j]` = sample `j` is in the positive class.
///
/// ```
/// use degsea_gsea::phenotype::{Metric, gene_metric};
/// let v = [3.0, 5.0, 1.0, 1.0];
/// let l = [true, true, false, false];
/// // μ₊ = 4, σ₊ = √2 → floor 0.8 < √2; μ₋ = 1, σ₋ = 0 → floor 0.2; (4 − 1)/(√2 + 0.2)
/// assert!((gene_metric(&v, &l, Metric::SignalToNoise) - 3.0 / (2f64.sqrt() + 0.2)).abs() < 1e-15);
/// ```
///
/// # References
/// Subramanian et al. (2005) PNAS 102:15545; GSEApy 1.3.1 `src/algorithm.rs → calculate_metric`.
#[doc(alias = "calculate_metric")]
pub fn gene_metric(values: &[f64], labels: &[bool], metric: Metric) -> f64 {
    from_moments(class_moments(values, labels, true), class_moments(values, labels, false), metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: [f64; 5] = [2.0, 4.0, 6.0, 1.0, 3.0];
    const L: [bool; 5] = [true, true, true, false, false];

    // μ₊ = 4, σ₊ = 2 (floor 0.8); μ₋ = 2, σ₋ = √2 (floor 0.4).
    #[test]
    fn each_metric_by_hand() {
        let s2 = 2f64.sqrt();
        assert!((gene_metric(&V, &L, Metric::SignalToNoise) - 2.0 / (2.0 + s2)).abs() < 1e-15);
        // Welch: 2/√(4/3 + 2/2)
        assert!((gene_metric(&V, &L, Metric::TTest) - 2.0 / (4.0f64 / 3.0 + 1.0).sqrt()).abs() < 1e-15);
        assert_eq!(gene_metric(&V, &L, Metric::Diff), 2.0);
        assert_eq!(gene_metric(&V, &L, Metric::Ratio), 2.0);
        assert_eq!(gene_metric(&V, &L, Metric::Log2Ratio), 1.0);
    }

    #[test]
    fn sigma_floor_applies() {
        // μ₊ = 10, σ₊ = 1 < 0.2·10 = 2; μ₋ = 0, σ₋ = 0 → 0.2: (10 − 0)/(2 + 0.2)
        let v = [9.0, 11.0, 0.0, 0.0];
        let l = [true, true, false, false];
        assert!((gene_metric(&v, &l, Metric::SignalToNoise) - 10.0 / 2.2).abs() < 1e-14);
    }

    #[test]
    fn names_round_trip() {
        for m in [Metric::SignalToNoise, Metric::TTest, Metric::Diff, Metric::Ratio, Metric::Log2Ratio] {
            assert_eq!(Metric::parse(m.as_str()), Some(m));
        }
        assert_eq!(Metric::parse("nope"), None);
    }
}
