//! `degsea gsea`: preranked GSEA (fgsea 1.31.6) of an RNK file, or phenotype-permutation GSEA
//! (Broad GSEA / GSEApy 1.3.1) of an expression matrix (jobs: [`degsea_pipeline::gsea`],
//! [`degsea_pipeline::gsea::phenotype`]).

use std::path::PathBuf;

use degsea_gsea::phenotype::Collapse;
use degsea_pipeline::gsea::GseaConfig;
use degsea_pipeline::gsea::phenotype::{Labels, PhenotypeConfig};

use super::args::{GseaParams, PermuteArg, PhenotypeParams, command_line, contrast};

/// When to use which mode (also in the README).
const AFTER_HELP: &str = "\
Which null? --permute gene-set (default; fgsea preranked, from --ranks): exact small p-values \
(multilevel), any group size, but genes are shuffled independently, so co-expressed sets look \
more significant than they are. --permute phenotype (Broad GSEA, from --expression with \
--samples/--contrast or --cls): sample labels are shuffled and all genes re-ranked each time, \
which keeps gene-gene correlation in the null — the method of Visram et al. and GSEA desktop; \
use it with >= 7 samples per group (fewer give few distinct permutations); p-values are \
limited to 1/--nperm. Phenotype output: pathway size ES NES pval fdr_q fwer_p rank_at_max \
leadingEdge.";

/// How duplicate gene ids of an expression matrix are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CollapseArg {
    /// Mean of the rows per sample (GSEApy).
    Mean,
    /// The row with the largest mean.
    Max,
    /// Refuse duplicates.
    Error,
}

/// Arguments of `degsea gsea`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct Args {
    /// Ranked genes: `gene<TAB>score` per line (.rnk; header and `#` lines allowed; .gz ok).
    /// Gene-set mode only.
    #[arg(long, value_name = "FILE")]
    ranks: Option<PathBuf>,
    /// Phenotype mode: expression matrix, genes × samples (TSV/CSV such as logcpm.tsv, or GCT).
    #[arg(long, value_name = "FILE")]
    expression: Option<PathBuf>,
    /// Phenotype mode: sample sheet (TSV/CSV) whose --contrast column gives the classes.
    #[arg(long, value_name = "FILE", conflicts_with = "cls")]
    samples: Option<PathBuf>,
    /// Phenotype mode: Broad CLS class labels (first class = test group unless --contrast).
    #[arg(long, value_name = "FILE")]
    cls: Option<PathBuf>,
    /// Phenotype mode: `COLUMN: LEVEL[+LEVEL…] vs LEVEL[+LEVEL…]` (test vs reference); with
    /// --cls the column is `class`, e.g. "class: AML vs ALL".
    #[arg(long, value_name = "SPEC")]
    contrast: Option<String>,
    /// Phenotype mode: duplicate gene ids are merged by `mean` (GSEApy), `max`, or refused.
    #[arg(long, value_enum, default_value_t = CollapseArg::Mean)]
    collapse: CollapseArg,
    #[command(flatten)]
    phenotype: PhenotypeParams,
    #[command(flatten)]
    params: GseaParams,
    /// Output folder (gsea.tsv, gsea.json, run.json; ranks.rnk in phenotype mode).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Runs `degsea gsea`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    args.phenotype.check_mode()?;
    if args.phenotype.permute == PermuteArg::Phenotype {
        return run_phenotype(args);
    }
    for (flag, given) in [
        ("--expression", args.expression.is_some()),
        ("--samples", args.samples.is_some()),
        ("--cls", args.cls.is_some()),
        ("--contrast", args.contrast.is_some()),
    ] {
        if given {
            anyhow::bail!("{flag} needs --permute phenotype (gene-set mode reads --ranks)");
        }
    }
    let Some(ranks) = args.ranks else {
        anyhow::bail!("--ranks FILE is required (or use --permute phenotype)")
    };
    let config = GseaConfig {
        ranks,
        options: args.params.options(),
        genesets: args.params.genesets,
        out: args.out,
        command_line: command_line(),
    };
    degsea_pipeline::gsea::run(&config).map(drop)
}

fn run_phenotype(args: Args) -> anyhow::Result<()> {
    if args.ranks.is_some() {
        anyhow::bail!("--ranks is for gene-set mode; --permute phenotype reads --expression");
    }
    let Some(expression) = args.expression else {
        anyhow::bail!("--permute phenotype needs --expression FILE (and --samples with --contrast, or --cls)")
    };
    let contrast = args.contrast.as_deref().map(contrast).transpose()?;
    let labels = match (args.samples, args.cls) {
        (Some(samples), None) => {
            let Some(contrast) = contrast else { anyhow::bail!("--samples needs --contrast") };
            Labels::Sheet { samples, contrast }
        }
        (None, Some(cls)) => Labels::Cls { cls, contrast },
        _ => anyhow::bail!("--permute phenotype needs --samples SHEET --contrast SPEC, or --cls FILE"),
    };
    let config = PhenotypeConfig {
        expression,
        labels,
        permute_within: args.phenotype.permute_within.clone(),
        collapse: match args.collapse {
            CollapseArg::Mean => Collapse::Mean,
            CollapseArg::Max => Collapse::Max,
            CollapseArg::Error => Collapse::Error,
        },
        options: args.phenotype.options(&args.params),
        genesets: args.params.genesets,
        out: args.out,
        command_line: command_line(),
    };
    degsea_pipeline::gsea::phenotype::run(&config).map(drop)
}
