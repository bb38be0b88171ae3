//! Gene sets and collections (GMT content).

/// One gene set: a name, a description (GMT's second column) and its member genes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneSet {
    /// Set name, e.g. `HALLMARK_E2F_TARGETS`.
    pub name: String,
    /// Free text or URL from the GMT's second column.
    pub description: String,
    /// Member gene identifiers, as listed (duplicates are removed when matched to a ranking).
    pub genes: Vec<String>,
}

/// A named, versioned collection of gene sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneSetCollection {
    /// Short name, e.g. `hallmark`, or the GMT path for user files.
    pub name: String,
    /// Version string, e.g. `v2025.1.Hs`, or empty when unknown.
    pub version: String,
    /// The sets, in file order.
    pub sets: Vec<GeneSet>,
}

impl GeneSetCollection {
    /// Number of distinct genes over all sets.
    pub fn n_distinct_genes(&self) -> usize {
        let mut all: Vec<&str> = self.sets.iter().flat_map(|s| s.genes.iter().map(String::as_str)).collect();
        all.sort_unstable();
        all.dedup();
        all.len()
    }
}
