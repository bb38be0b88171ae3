//! Input preparation (fgsea `preparePathwaysAndStats`): sort the ranked list, build weights,
//! match gene sets to list positions and apply the size limits.

use std::collections::{HashMap, HashSet};

use degsea_core::{GeneSetCollection, RankedList};

use crate::{Error, Result};

/// A ranked list in analysis order: decreasing score, ties by gene name (byte order), so the
/// order does not depend on the order of the input file.
#[derive(Debug, Clone, PartialEq)]
pub struct SortedRanks {
    /// Gene names, highest score first.
    pub genes: Vec<String>,
    /// Scores in the same order.
    pub scores: Vec<f64>,
    /// `|score|^gseaParam` with `gseaParam = 1`.
    pub weights: Vec<f64>,
    /// fgsea's tie measure: non-zero scores equal to another gene's score, as a fraction of all
    /// genes (`sum(duplicated(stats[stats != 0])) / length(stats)`).
    pub tie_fraction: f64,
}

impl SortedRanks {
    /// Sorts a ranked list by decreasing score, ties by gene name.
    ///
    /// ```
    /// let r = degsea_core::RankedList::new(vec!["b".into(), "a".into(), "c".into()], vec![1.0, 1.0, -2.0])?;
    /// let s = degsea_gsea::SortedRanks::new(&r);
    /// assert_eq!(s.genes, ["a", "b", "c"]);
    /// assert_eq!(s.weights, [1.0, 1.0, 2.0]);
    /// assert!((s.tie_fraction - 1.0 / 3.0).abs() < 1e-15);
    /// # Ok::<(), degsea_core::Error>(())
    /// ```
    pub fn new(list: &RankedList) -> Self {
        let (genes, scores) = (list.genes(), list.scores());
        let mut order: Vec<usize> = (0..genes.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then_with(|| genes[a].cmp(&genes[b])));
        // total_cmp orders -0.0 below 0.0; R treats them as equal, so re-sort that block by name.
        let genes: Vec<String> = order.iter().map(|&i| genes[i].clone()).collect();
        let scores: Vec<f64> = order.iter().map(|&i| scores[i]).collect();
        let mut this =
            Self { weights: scores.iter().map(|s| s.abs()).collect(), genes, scores, tie_fraction: 0.0 };
        this.fix_signed_zeros();
        let n_tied = this.scores.windows(2).filter(|w| w[0] == w[1] && w[1] != 0.0).count();
        this.tie_fraction = if this.genes.is_empty() { 0.0 } else { n_tied as f64 / this.genes.len() as f64 };
        this
    }

    fn fix_signed_zeros(&mut self) {
        let zeros: Vec<usize> = (0..self.scores.len()).filter(|&i| self.scores[i] == 0.0).collect();
        if let (Some(&a), Some(&b)) = (zeros.first(), zeros.last()) {
            let mut block: Vec<(String, f64)> =
                (a..=b).map(|i| (std::mem::take(&mut self.genes[i]), self.scores[i])).collect();
            block.sort_by(|x, y| x.0.cmp(&y.0));
            for (i, (g, s)) in (a..=b).zip(block) {
                self.genes[i] = g;
                self.scores[i] = s;
            }
        }
    }

    /// Number of genes.
    pub fn len(&self) -> usize {
        self.genes.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.genes.is_empty()
    }
}

/// A gene set matched to the ranked list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedSet {
    /// Set name.
    pub name: String,
    /// Index of the collection the set came from.
    pub collection: usize,
    /// Sorted, distinct 0-based positions of its genes in the ranked list.
    pub hits: Vec<usize>,
    /// Number of (distinct) genes listed in the collection.
    pub n_listed: usize,
}

/// Gene sets split by the size filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedSets {
    /// Sets within the limits, in collection/file order.
    pub kept: Vec<MatchedSet>,
    /// Number of sets outside the limits.
    pub n_skipped: usize,
    /// Distinct genes over all sets of all collections.
    pub n_set_genes: usize,
    /// How many of those are in the ranked list.
    pub n_set_genes_ranked: usize,
}

/// Matches every set of `collections` to positions of `ranks` and keeps those with
/// `max(min_size, 1) ≤ size ≤ min(max_size, N − 1)` (fgsea B0 steps 3–4).
///
/// # Errors
/// Duplicate set names across collections, or no set left (with a message saying why).
pub fn match_sets(
    ranks: &SortedRanks,
    collections: &[&GeneSetCollection],
    min_size: usize,
    max_size: usize,
) -> Result<MatchedSets> {
    let n = ranks.len();
    let position: HashMap<&str, usize> =
        ranks.genes.iter().enumerate().map(|(i, g)| (g.as_str(), i)).collect();
    let lo = min_size.max(1);
    let hi = max_size.min(n.saturating_sub(1));
    let mut seen_names: HashSet<&str> = HashSet::new();
    let mut all_genes: HashMap<&str, bool> = HashMap::new();
    let mut kept = Vec::new();
    let mut n_skipped = 0;
    let mut sizes = Vec::new();
    for (ci, c) in collections.iter().enumerate() {
        for set in &c.sets {
            if !seen_names.insert(set.name.as_str()) {
                return Err(Error::DuplicatePathway(set.name.clone()));
            }
            let mut hits: Vec<usize> = Vec::with_capacity(set.genes.len());
            let mut listed: Vec<&str> = set.genes.iter().map(String::as_str).collect();
            listed.sort_unstable();
            listed.dedup();
            for g in &listed {
                let p = position.get(g).copied();
                all_genes.insert(g, p.is_some());
                hits.extend(p);
            }
            hits.sort_unstable();
            sizes.push(hits.len());
            if (lo..=hi).contains(&hits.len()) {
                kept.push(MatchedSet {
                    name: set.name.clone(),
                    collection: ci,
                    hits,
                    n_listed: listed.len(),
                });
            } else {
                n_skipped += 1;
            }
        }
    }
    let n_set_genes = all_genes.len();
    let n_set_genes_ranked = all_genes.values().filter(|&&v| v).count();
    if kept.is_empty() {
        let names: Vec<&str> = collections.iter().map(|c| c.name.as_str()).collect();
        let largest = sizes.iter().copied().max().unwrap_or(0);
        let why = if n_set_genes_ranked == 0 {
            format!(
                "0 of {} {} genes found in the ranks: are these Ensembl ids? map them to the gene sets' symbols",
                thousands(n_set_genes),
                names.join("+")
            )
        } else {
            format!(
                "no gene set has between {lo} and {hi} genes in the ranked list ({} of {} set genes \
                 found; largest overlap {largest}); check --min-size/--max-size and the gene ids",
                thousands(n_set_genes_ranked),
                thousands(n_set_genes)
            )
        };
        return Err(Error::NoPathways(why));
    }
    Ok(MatchedSets { kept, n_skipped, n_set_genes, n_set_genes_ranked })
}

/// `4384` → `4,384`.
fn thousands(x: usize) -> String {
    let s = x.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use degsea_core::GeneSet;

    fn list(pairs: &[(&str, f64)]) -> RankedList {
        RankedList::new(pairs.iter().map(|p| p.0.to_owned()).collect(), pairs.iter().map(|p| p.1).collect())
            .unwrap()
    }

    #[test]
    fn order_is_independent_of_input_order() {
        let a = SortedRanks::new(&list(&[("x", 1.0), ("b", 0.0), ("a", -0.0), ("y", 1.0), ("z", -3.0)]));
        let b = SortedRanks::new(&list(&[("z", -3.0), ("a", -0.0), ("y", 1.0), ("b", 0.0), ("x", 1.0)]));
        assert_eq!(a.genes, ["x", "y", "a", "b", "z"]);
        assert_eq!(a.genes, b.genes);
        assert!((a.tie_fraction - 0.2).abs() < 1e-15);
    }

    #[test]
    fn size_filter_and_explanations() {
        let r = SortedRanks::new(&list(&[("A", 3.0), ("B", 2.0), ("C", 1.0), ("D", -1.5)]));
        let c = GeneSetCollection {
            name: "test".into(),
            version: String::new(),
            sets: vec![
                GeneSet {
                    name: "S1".into(),
                    description: String::new(),
                    genes: vec!["A".into(), "C".into(), "A".into()],
                },
                GeneSet { name: "S2".into(), description: String::new(), genes: vec!["Q".into()] },
            ],
        };
        let m = match_sets(&r, &[&c], 1, 10).unwrap();
        assert_eq!(m.kept.len(), 1);
        assert_eq!(m.kept[0].hits, [0, 2]);
        assert_eq!(m.n_skipped, 1);
        let e = match_sets(&r, &[&c], 3, 10).unwrap_err();
        assert!(e.to_string().contains("no gene set has between 3 and 3 genes"), "{e}");
        let c2 = GeneSetCollection { sets: vec![c.sets[1].clone()], ..c.clone() };
        let e = match_sets(&r, &[&c2], 1, 10).unwrap_err();
        assert_eq!(
            e.to_string(),
            "0 of 1 test genes found in the ranks: are these Ensembl ids? map them to the gene sets' symbols"
        );
        let e = match_sets(&r, &[&c, &c], 1, 10).unwrap_err();
        assert_eq!(e, Error::DuplicatePathway("S1".into()));
        assert_eq!(thousands(4384), "4,384");
        assert_eq!(thousands(123), "123");
    }
}
