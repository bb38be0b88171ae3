//! `degsea run`: counts → DE → ranking → GSEA → plots in one process (job:
//! [`degsea_pipeline::run`]).

use std::path::PathBuf;

use degsea_de::rank::RankMetric;
use degsea_pipeline::run::RunConfig;

use super::args::{
    DeParams, DesignArgs, GseaParams, InputArgs, PermuteArg, PhenotypeParams, TestArg, check_fdr,
    command_line, contrast,
};

/// Ranking metric of `--rank-by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RankBy {
    /// sign(logFC)·Φ⁻¹(1 − PValue/2), computed on the log scale (default).
    Z,
    /// The shrunk log2 fold change.
    Logfc,
    /// sign(logFC)·(−log10 PValue).
    SignedLog10p,
}

impl From<RankBy> for RankMetric {
    fn from(r: RankBy) -> Self {
        match r {
            RankBy::Z => Self::Z,
            RankBy::Logfc => Self::LogFc,
            RankBy::SignedLog10p => Self::SignedLog10P,
        }
    }
}

/// Arguments of `degsea run`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// Two-group contrast `COLUMN: LEVEL[+LEVEL…] vs LEVEL[+LEVEL…]` (test vs reference), e.g.
    /// "cluster: cluster2+cluster3 vs cluster1". Repeat for several contrasts: each then gets
    /// a subfolder of --out named after it.
    #[arg(long, value_name = "SPEC", required = true)]
    contrast: Vec<String>,
    /// Output folder (written atomically).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    de: DeParams,
    #[command(flatten)]
    model: DesignArgs,
    /// DE test: ql (default with --design), lrt, or exact (default without --design; two
    /// groups only). (`--method` is GSEA's p-value method in this command.)
    #[arg(long, value_enum, value_name = "ql|lrt|exact")]
    de_method: Option<TestArg>,
    /// Ranking metric for GSEA.
    #[arg(long, value_enum, default_value_t = RankBy::Z)]
    rank_by: RankBy,
    /// Two-column map (id, symbol; header allowed) from the matrix's gene ids to the ids of the
    /// gene sets. Default: ids that look like Ensembl gene ids are mapped with the bundled human
    /// Ensembl → symbol map; other ids are used as they are.
    #[arg(long, value_name = "FILE")]
    gene_map: Option<PathBuf>,
    #[command(flatten)]
    gsea: GseaParams,
    #[command(flatten)]
    pheno: PhenotypeParams,
    /// FDR threshold of the plots (NES bars, volcano colours, enrichment curves).
    #[arg(long, value_name = "Q", default_value_t = degsea_plot::DEFAULT_FDR)]
    fdr: f64,
    /// PNG resolution in dots per inch.
    #[arg(long, value_name = "DPI", default_value_t = degsea_plot::DEFAULT_DPI)]
    dpi: f32,
    /// Skip the plots/ folder (report.html still shows every plot, drawn inline).
    #[arg(long)]
    no_plots: bool,
    /// Skip report.html (the one-page summary: QC, DE table, GSEA, methods).
    #[arg(long)]
    no_report: bool,
}

/// Runs `degsea run`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    check_fdr(args.fdr)?;
    args.pheno.check_mode()?;
    let phenotype = (args.pheno.permute == PermuteArg::Phenotype).then(|| args.pheno.options(&args.gsea));
    let config = RunConfig {
        inputs: args.input.inputs(),
        contrasts: args.contrast.iter().map(|c| contrast(c)).collect::<anyhow::Result<_>>()?,
        out: args.out,
        de: args.de.options(&args.model, args.de_method, "--de-method")?,
        rank_by: args.rank_by.into(),
        gene_map: args.gene_map,
        gsea: args.gsea.options(),
        phenotype,
        permute_within: args.pheno.permute_within,
        genesets: args.gsea.genesets,
        fdr: args.fdr,
        dpi: args.dpi,
        plots: !args.no_plots,
        report: !args.no_report,
        command_line: command_line(),
    };
    degsea_pipeline::run::run(&config)
}
