//! A ranked gene list: the input of preranked GSEA.

use crate::{Error, Result};

/// Gene names with one finite score each, in input order (not yet sorted).
#[derive(Debug, Clone, PartialEq)]
pub struct RankedList {
    genes: Vec<String>,
    scores: Vec<f64>,
}

impl RankedList {
    /// Builds a list, rejecting non-finite scores. Names must be unique (callers deduplicate
    /// first; see `degsea-io`'s RNK reader).
    ///
    /// ```
    /// let r = degsea_core::RankedList::new(vec!["A".into(), "B".into()], vec![1.5, -2.0])?;
    /// assert_eq!(r.len(), 2);
    /// # Ok::<(), degsea_core::Error>(())
    /// ```
    ///
    /// # Panics
    /// If the two vectors differ in length.
    pub fn new(genes: Vec<String>, scores: Vec<f64>) -> Result<Self> {
        assert_eq!(genes.len(), scores.len(), "one score per gene");
        if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
            return Err(Error::NonFiniteScore { gene: genes[i].clone(), score: scores[i] });
        }
        let mut seen = std::collections::HashSet::with_capacity(genes.len());
        if let Some(g) = genes.iter().find(|g| !seen.insert(g.as_str())) {
            return Err(Error::DuplicateGene(g.clone()));
        }
        Ok(Self { genes, scores })
    }

    /// Gene names in input order.
    pub fn genes(&self) -> &[String] {
        &self.genes
    }

    /// Scores in input order.
    pub fn scores(&self) -> &[f64] {
        &self.scores
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
