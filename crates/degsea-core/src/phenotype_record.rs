//! One pathway of a phenotype-permutation GSEA result (Broad GSEA, Subramanian et al. 2005;
//! GSEApy 1.3.1's result columns): the row `degsea-gsea` computes and `degsea-io` writes.

/// One pathway of a phenotype-permutation GSEA result, as `gsea.tsv` lists it (`pathway size
/// ES NES pval fdr_q fwer_p rank_at_max leadingEdge`), plus the set's positions for plots.
///
/// ```
/// let r = degsea_core::PhenotypeRecord {
///     pathway: "SET".into(), size: 2, es: 0.5, nes: 1.75, pval: 0.0, fdr_q: 0.01,
///     fwer_p: 0.02, rank_at_max: 3, leading_edge: vec!["A".into()], hits: vec![3, 9],
/// };
/// assert_eq!(r.hits.len(), r.size);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PhenotypeRecord {
    /// Gene-set name.
    pub pathway: String,
    /// Genes of the set found in the expression matrix.
    pub size: usize,
    /// Enrichment score.
    pub es: f64,
    /// Normalised enrichment score.
    pub nes: f64,
    /// Nominal p-value.
    pub pval: f64,
    /// FDR q-value.
    pub fdr_q: f64,
    /// Family-wise error rate p-value.
    pub fwer_p: f64,
    /// 0-based position in the ranked list where the running sum reaches ES.
    pub rank_at_max: usize,
    /// Leading-edge genes, in ranking order (from the top for ES > 0, from the bottom for
    /// ES < 0).
    pub leading_edge: Vec<String>,
    /// 0-based positions of the set's genes in the observed ranking, increasing (for
    /// enrichment plots; not a `gsea.tsv` column).
    pub hits: Vec<usize>,
}
