//! `degsea gsea`: preranked GSEA (fgsea 1.31.6) of an RNK file (job: [`degsea_pipeline::gsea`]).

use std::path::PathBuf;

use degsea_pipeline::gsea::GseaConfig;

use super::args::{GseaParams, command_line};

/// Arguments of `degsea gsea`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Ranked genes: `gene<TAB>score` per line (.rnk; header and `#` lines allowed; .gz ok).
    #[arg(long, value_name = "FILE")]
    ranks: PathBuf,
    #[command(flatten)]
    params: GseaParams,
    /// Output folder (gsea.tsv, gsea.json, run.json).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Runs `degsea gsea`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let config = GseaConfig {
        ranks: args.ranks,
        options: args.params.options(),
        genesets: args.params.genesets,
        out: args.out,
        command_line: command_line(),
    };
    degsea_pipeline::gsea::run(&config).map(drop)
}
