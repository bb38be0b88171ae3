//! Ranking metrics that turn a DE table into the score of preranked GSEA, and the collapse of
//! several gene ids onto one symbol.
//!
//! GSEA never sees DE types (DESIGN.md): the CLI calls [`rank_scores`] and builds a
//! `RankedList` from the result.

use degsea_stats::qnorm;

/// How a gene's DE result becomes its GSEA score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RankMetric {
    /// `sign(logFC) · Φ⁻¹(1 − PValue/2)`, computed on the log scale so tiny p-values stay finite
    /// (R: `sign(logFC) * qnorm(log(p) - log(2), lower.tail = FALSE, log.p = TRUE)`).
    #[default]
    Z,
    /// The shrunk log2 fold change itself.
    LogFc,
    /// `sign(logFC) · −log10(PValue)`.
    SignedLog10P,
}

impl RankMetric {
    /// The name used on the command line and in run.json.
    pub fn name(self) -> &'static str {
        match self {
            Self::Z => "z",
            Self::LogFc => "logfc",
            Self::SignedLog10P => "signed-log10p",
        }
    }
}

/// R's `sign()`: −1, 0 or 1 (0 for ±0).
fn r_sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Scores one gene. A PValue of exactly 0 (underflow) gives the score of the smallest positive
/// double, so the result is always finite.
///
/// ```
/// use degsea_de::rank::{score, RankMetric};
/// assert_eq!(score(RankMetric::Z, 2.0, 1.0), 0.0);
/// assert!((score(RankMetric::Z, -1.0, 0.05) + 1.959963984540054).abs() < 1e-14);
/// assert!(score(RankMetric::Z, 1.0, 0.0).is_finite());
/// ```
pub fn score(metric: RankMetric, log_fc: f64, p_value: f64) -> f64 {
    let p = p_value.max(f64::MIN_POSITIVE * f64::EPSILON);
    match metric {
        RankMetric::Z => r_sign(log_fc) * qnorm(p.ln() - std::f64::consts::LN_2, 0.0, 1.0, false, true),
        RankMetric::LogFc => log_fc,
        RankMetric::SignedLog10P => r_sign(log_fc) * -p.log10(),
    }
}

/// Scores every gene; see [`score`].
pub fn rank_scores(metric: RankMetric, log_fc: &[f64], p_value: &[f64]) -> Vec<f64> {
    log_fc.iter().zip(p_value).map(|(&l, &p)| score(metric, l, p)).collect()
}

/// The result of collapsing gene ids onto names (e.g. Ensembl ids onto symbols).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Collapsed {
    /// One name per kept entry, in the input order of the winning id.
    pub names: Vec<String>,
    /// Its score.
    pub scores: Vec<f64>,
    /// Input index of the winning id for each kept entry.
    pub source: Vec<usize>,
    /// Ids that had no name (dropped).
    pub unmapped: usize,
    /// Ids dropped because another id of the same name had a larger |score|.
    pub duplicates: usize,
}

/// Collapses ids onto names: ids whose name is `None` are dropped; among ids sharing a name
/// the one with the largest |score| wins (ties: the first in input order); the winners keep
/// their input order.
///
/// ```
/// let c = degsea_de::rank::collapse_by_name(
///     &[Some("A"), None, Some("B"), Some("A")],
///     &[1.0, 5.0, -2.0, -3.0],
/// );
/// assert_eq!(c.names, ["B", "A"]);
/// assert_eq!(c.scores, [-2.0, -3.0]);
/// assert_eq!((c.unmapped, c.duplicates), (1, 1));
/// ```
pub fn collapse_by_name(names: &[Option<&str>], scores: &[f64]) -> Collapsed {
    use std::collections::HashMap;
    let mut best: HashMap<&str, usize> = HashMap::with_capacity(names.len());
    let mut unmapped = 0;
    let mut duplicates = 0;
    for (i, name) in names.iter().enumerate() {
        let Some(name) = *name else {
            unmapped += 1;
            continue;
        };
        match best.get_mut(name) {
            None => {
                best.insert(name, i);
            }
            Some(j) => {
                duplicates += 1;
                if scores[i].abs() > scores[*j].abs() {
                    *j = i;
                }
            }
        }
    }
    let mut winners: Vec<usize> = best.into_values().collect();
    winners.sort_unstable();
    Collapsed {
        names: winners.iter().map(|&i| names[i].expect("winner has a name").to_owned()).collect(),
        scores: winners.iter().map(|&i| scores[i]).collect(),
        source: winners,
        unmapped,
        duplicates,
    }
}
