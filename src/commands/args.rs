//! Flag groups shared by several subcommands (flattened into their `Args`), and their
//! conversion into the pipeline's typed options.

use std::path::PathBuf;

use anyhow::Context as _;
use degsea_core::Contrast;
use degsea_core::formula::Formula;
use degsea_de::classic::{DispersionMethod, Tier};
use degsea_de::norm::Method;
use degsea_gsea::{GseaOptions, ScoreType};
use degsea_pipeline::de::{DeOptions, DeTest};
use degsea_pipeline::inputs::CountInputs;

/// Input flags of the commands that start from counts.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct InputArgs {
    /// Count matrix: genes × samples TSV/CSV (gzip or plain) or featureCounts output; or
    /// several HTSeq-count files, one per sample (repeat the flag or list them).
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub(crate) counts: Vec<PathBuf>,
    /// Sample sheet (TSV/CSV): first column the sample id, a header row naming the columns.
    #[arg(long, value_name = "FILE")]
    pub(crate) samples: PathBuf,
    /// Round fractional counts half to even (R's round) instead of rejecting them, e.g. the
    /// estimated counts of salmon or RSEM (nf-core's salmon.merged.gene_counts.tsv).
    #[arg(long)]
    pub(crate) round: bool,
    /// Header name of a column of gene names in the count matrix (e.g. `symbol`): every column
    /// before the first numeric one is then an annotation, not a sample, and the names map the
    /// gene ids to the gene sets' symbols (as --gene-map would). nf-core's `gene_name` and
    /// tximport-style `gene_symbol`, `symbol`, `external_gene_name`, `hgnc_symbol` columns are
    /// recognised without it.
    #[arg(long, value_name = "NAME")]
    pub(crate) gene_name_column: Option<String>,
    /// Two-column file (old name, new name; a header `old new` allowed) renaming the count
    /// table's samples before they are matched with the sample sheet.
    #[arg(long, value_name = "FILE")]
    pub(crate) rename_samples: Option<PathBuf>,
}

impl InputArgs {
    /// The pipeline's input description.
    pub(crate) fn inputs(&self) -> CountInputs {
        CountInputs {
            counts: self.counts.clone(),
            samples: self.samples.clone(),
            round: self.round,
            gene_name_column: self.gene_name_column.clone(),
            rename_samples: self.rename_samples.clone(),
        }
    }
}

/// Parses a `--contrast` value, naming the flag in the error.
pub(crate) fn contrast(spec: &str) -> anyhow::Result<Contrast> {
    spec.parse::<Contrast>().context("--contrast")
}

/// The DE flags shared by `degsea de` and `degsea run`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DeParams {
    /// Dispersion for the exact test: `tagwise` (edgeR's default: qCML common, then weighted
    /// tagwise), `common`, or a fixed value such as 0.1 (only for data without replicates).
    #[arg(long, value_name = "tagwise|common|VALUE", default_value = "tagwise", value_parser = parse_dispersion)]
    pub(crate) dispersion: DispersionMethod,
    /// Prior degrees of freedom of the tagwise dispersion (edgeR estimateTagwiseDisp prior.df).
    #[arg(long, value_name = "DF", default_value_t = degsea_de::dispersion::DEFAULT_PRIOR_DF, value_parser = parse_prior_df)]
    pub(crate) prior_df: f64,
    /// Keep every gene (skip filterByExpr).
    #[arg(long)]
    pub(crate) no_filter: bool,
    /// Normalisation method (edgeR calcNormFactors): tmm, upperquartile, rle or none.
    #[arg(long, value_name = "METHOD", default_value = "tmm", value_parser = parse_method)]
    pub(crate) norm: Method,
    /// Compute the DE statistics with edgeR 3.40.2's arithmetic step for step (Brent's end point
    /// of the common dispersion, R's quantile algorithms): bit-faithful and slower. The default
    /// computes the same statistics fast, within edgeR's own optimiser tolerance.
    #[arg(long)]
    pub(crate) edger_exact: bool,
}

/// The DE test of `--method` (`degsea de`) / `--de-method` (`degsea run`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TestArg {
    /// edgeR quasi-likelihood F-test (glmQLFit + glmQLFTest); the default with --design.
    Ql,
    /// edgeR likelihood-ratio test (glmFit + glmLRT, tagwise dispersions).
    Lrt,
    /// edgeR classic exact test (two groups, no covariates); the default without --design.
    Exact,
}

impl From<TestArg> for DeTest {
    fn from(t: TestArg) -> Self {
        match t {
            TestArg::Ql => Self::QuasiLikelihood,
            TestArg::Lrt => Self::LikelihoodRatio,
            TestArg::Exact => Self::Exact,
        }
    }
}

/// The model flag shared by `degsea de` and `degsea run`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DesignArgs {
    /// Model formula with covariates from sample-sheet columns, e.g. "~ batch + condition"
    /// (main effects, intercept always; `factor(col)` codes a numeric column as a factor). The
    /// contrast's column is the tested, last coefficient. Fitted with edgeR's GLMs
    /// (estimateDisp with the design, then the QL F-test or the LR test).
    #[arg(long, value_name = "FORMULA")]
    pub(crate) design: Option<String>,
    /// QL test: robust empirical Bayes for the QL dispersions (edgeR glmQLFit(robust = TRUE),
    /// limma fitFDistRobustly): outlying genes get less prior weight.
    #[arg(long)]
    pub(crate) robust: bool,
}

impl DeParams {
    /// The pipeline's DE options, with the model flags (`flag` names the test flag in errors).
    pub(crate) fn options(
        &self,
        design: &DesignArgs,
        test: Option<TestArg>,
        flag: &str,
    ) -> anyhow::Result<DeOptions> {
        let formula =
            design.design.as_deref().map(|f| f.parse::<Formula>().context("--design")).transpose()?;
        if test == Some(TestArg::Exact)
            && let Some(f) = formula.as_ref().filter(|f| !f.terms.is_empty())
        {
            anyhow::bail!(
                "{flag} exact compares two groups and cannot adjust for the covariates of --design \
                 `{f}`; use {flag} ql (the default with --design) or {flag} lrt"
            );
        }
        if design.robust && matches!(test, Some(TestArg::Lrt | TestArg::Exact)) {
            anyhow::bail!(
                "--robust applies to the QL F-test ({flag} ql), not to {flag} {}",
                match test {
                    Some(TestArg::Lrt) => "lrt",
                    _ => "exact",
                }
            );
        }
        if design.robust && formula.is_none() && test.is_none() {
            anyhow::bail!("--robust applies to the QL F-test: give --design FORMULA or {flag} ql");
        }
        Ok(DeOptions {
            dispersion: self.dispersion,
            prior_df: self.prior_df,
            no_filter: self.no_filter,
            norm: self.norm,
            formula,
            test: test.map(DeTest::from),
            robust: design.robust,
            tier: if self.edger_exact { Tier::EdgerExact } else { Tier::Equivalent },
        })
    }
}

/// Parses a normalisation method name.
pub(crate) fn parse_method(s: &str) -> Result<Method, String> {
    s.parse()
}

fn parse_dispersion(s: &str) -> Result<DispersionMethod, String> {
    match s {
        "tagwise" => Ok(DispersionMethod::Tagwise),
        "common" => Ok(DispersionMethod::Common),
        _ => match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(DispersionMethod::Fixed(v)),
            Ok(v) => Err(format!("a fixed dispersion must be a finite number ≥ 0, got `{v}`")),
            Err(_) => Err(format!("expected `tagwise`, `common` or a number, got `{s}`")),
        },
    }
}

fn parse_prior_df(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a finite number ≥ 0, got `{s}`")),
    }
}

/// P-value method of `--method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum MethodArg {
    /// fgseaMultilevel: 1,000 permutations, then adaptive multilevel splitting down to --eps.
    Multilevel,
    /// fgseaSimple: --nperm permutations with random sets shared across pathways.
    Permutation,
}

/// `--score-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ScoreTypeArg {
    /// Two-sided enrichment score.
    Std,
    /// Positive side only.
    Pos,
    /// Negative side only.
    Neg,
}

/// The GSEA flags shared by `degsea gsea` and `degsea run`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct GseaParams {
    /// Gene sets: a GMT file or a bundled collection name (`hallmark`); repeatable. A value
    /// naming an existing file is always read as that file, even if it is also a bundled name.
    #[arg(long, value_name = "GMT|NAME", default_value = "hallmark")]
    pub(crate) genesets: Vec<String>,
    /// Smallest number of a set's genes found in the ranks for the set to be tested.
    #[arg(long, value_name = "N", default_value_t = degsea_gsea::DEFAULT_MIN_SIZE)]
    pub(crate) min_size: usize,
    /// Largest number of a set's genes found in the ranks for the set to be tested.
    #[arg(long, value_name = "N", default_value_t = degsea_gsea::DEFAULT_MAX_SIZE)]
    pub(crate) max_size: usize,
    /// P-value method.
    #[arg(long, value_enum, default_value_t = MethodArg::Multilevel)]
    pub(crate) method: MethodArg,
    /// Permutations: of gene sets with `--method permutation` (default 10000), of sample labels
    /// with `--permute phenotype` (default 1000, as GSEApy).
    #[arg(long, value_name = "N")]
    pub(crate) nperm: Option<usize>,
    /// Multilevel: smallest reported p-value (0 = estimate arbitrarily small p-values).
    #[arg(long, value_name = "P", default_value_t = degsea_gsea::DEFAULT_EPS)]
    pub(crate) eps: f64,
    /// Master random seed; output is identical for any --threads.
    #[arg(long, value_name = "N", default_value_t = degsea_gsea::DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// Enrichment score type (fgsea scoreType).
    #[arg(long, value_enum, default_value_t = ScoreTypeArg::Std)]
    pub(crate) score_type: ScoreTypeArg,
}

impl GseaParams {
    /// The library options these arguments ask for.
    pub(crate) fn options(&self) -> GseaOptions {
        GseaOptions {
            min_size: self.min_size,
            max_size: self.max_size,
            method: match self.method {
                MethodArg::Multilevel => degsea_gsea::Method::Multilevel,
                MethodArg::Permutation => degsea_gsea::Method::Permutation {
                    nperm: self.nperm.unwrap_or(degsea_gsea::DEFAULT_NPERM),
                },
            },
            eps: self.eps,
            score_type: match self.score_type {
                ScoreTypeArg::Std => ScoreType::Std,
                ScoreTypeArg::Pos => ScoreType::Pos,
                ScoreTypeArg::Neg => ScoreType::Neg,
            },
            seed: self.seed,
            ..GseaOptions::default()
        }
    }
}

/// What `--permute` shuffles to build the null distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum PermuteArg {
    /// Preranked GSEA (fgsea): random gene sets of each size against one ranked list. Exact
    /// small p-values (multilevel), works with any group size, but ignores gene–gene
    /// correlation, so co-expressed sets look more significant than they are.
    #[default]
    #[value(name = "gene-set")]
    GeneSet,
    /// Broad GSEA (Subramanian 2005, GSEApy): sample labels are shuffled and every gene
    /// re-ranked, which keeps gene–gene correlation in the null (the method of Visram et al.).
    /// Needs an expression matrix and ≥ 7 samples per group to be informative; p-values are
    /// limited to 1/--nperm.
    Phenotype,
}

/// `--metric` of phenotype mode (Broad/GSEApy ranking metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum MetricArg {
    /// (μ₊ − μ₋)/(σ₊ + σ₋), σ floored at 0.2·|μ| (Broad default).
    #[value(name = "signal2noise")]
    SignalToNoise,
    /// Welch's t statistic.
    Ttest,
    /// μ₊ − μ₋ (for log-scale data).
    Diff,
    /// μ₊ / μ₋.
    Ratio,
    /// log2(μ₊ / μ₋).
    #[value(name = "log2ratio")]
    Log2Ratio,
}

impl From<MetricArg> for degsea_gsea::phenotype::Metric {
    fn from(m: MetricArg) -> Self {
        match m {
            MetricArg::SignalToNoise => Self::SignalToNoise,
            MetricArg::Ttest => Self::TTest,
            MetricArg::Diff => Self::Diff,
            MetricArg::Ratio => Self::Ratio,
            MetricArg::Log2Ratio => Self::Log2Ratio,
        }
    }
}

/// The phenotype-permutation flags shared by `degsea gsea` and `degsea run`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PhenotypeParams {
    /// Null distribution: `gene-set` (preranked, fgsea) or `phenotype` (shuffle sample labels,
    /// Broad GSEA / GSEApy).
    #[arg(long, value_enum, default_value_t = PermuteArg::GeneSet)]
    pub(crate) permute: PermuteArg,
    /// Phenotype mode: ranking metric of the two classes.
    #[arg(long, value_enum, default_value_t = MetricArg::SignalToNoise)]
    pub(crate) metric: MetricArg,
    /// Phenotype mode: ES weight p (0 classic KS, 1 weighted, 2 weighted²).
    #[arg(long, value_name = "P", default_value_t = degsea_gsea::phenotype::DEFAULT_WEIGHT, value_parser = parse_weight)]
    pub(crate) weight: f64,
    /// Phenotype mode: shuffle labels only within the levels of this sample-sheet column
    /// (e.g. batch or stage), so the null respects the design.
    #[arg(long, value_name = "COLUMN")]
    pub(crate) permute_within: Option<String>,
}

impl PhenotypeParams {
    /// The engine options of phenotype mode.
    pub(crate) fn options(&self, gsea: &GseaParams) -> degsea_gsea::phenotype::PhenotypeOptions {
        degsea_gsea::phenotype::PhenotypeOptions {
            metric: self.metric.into(),
            weight: self.weight,
            nperm: gsea.nperm.unwrap_or(degsea_gsea::phenotype::DEFAULT_PHENOTYPE_NPERM),
            seed: gsea.seed,
            min_size: gsea.min_size,
            max_size: gsea.max_size,
            strata: None,
        }
    }

    /// Rejects phenotype-only flags in gene-set mode, naming them.
    pub(crate) fn check_mode(&self) -> anyhow::Result<()> {
        if self.permute == PermuteArg::GeneSet && self.permute_within.is_some() {
            anyhow::bail!("--permute-within needs --permute phenotype");
        }
        Ok(())
    }
}

fn parse_weight(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a finite number ≥ 0, got `{s}`")),
    }
}

/// The process's command line, for manifests.
pub(crate) fn command_line() -> Vec<String> {
    std::env::args().collect()
}

/// Checks an FDR threshold flag.
pub(crate) fn check_fdr(fdr: f64) -> anyhow::Result<()> {
    if fdr.is_finite() && fdr > 0.0 && fdr <= 1.0 {
        Ok(())
    } else {
        anyhow::bail!("--fdr {fdr} is outside (0, 1]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispersion_values() {
        assert_eq!(parse_dispersion("tagwise"), Ok(DispersionMethod::Tagwise));
        assert_eq!(parse_dispersion("common"), Ok(DispersionMethod::Common));
        assert_eq!(parse_dispersion("0.1"), Ok(DispersionMethod::Fixed(0.1)));
        assert!(parse_dispersion("-1").is_err());
        assert!(parse_dispersion("nan").is_err());
        assert!(parse_dispersion("tagwsie").unwrap_err().contains("`tagwsie`"));
    }
}
