//! `degsea normalize`: filterByExpr, normalisation factors and log-CPM (job:
//! [`degsea_pipeline::normalize`]).

use std::path::PathBuf;

use degsea_de::norm::Method;
use degsea_pipeline::normalize::NormalizeConfig;

use super::args::{InputArgs, command_line, contrast, parse_method};

/// Arguments of `degsea normalize`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// Two-group contrast `COLUMN: LEVEL[+LEVEL…] vs LEVEL[+LEVEL…]` (test vs reference): the
    /// samples and groups filterByExpr uses. Samples of other levels are dropped.
    #[arg(long, value_name = "SPEC")]
    contrast: String,
    /// Output folder: filter.tsv, norm_factors.tsv, logcpm.tsv, run.json (written atomically).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Normalisation method (edgeR calcNormFactors).
    #[arg(long, value_name = "METHOD", default_value = "tmm", value_parser = parse_method)]
    norm: Method,
    /// Keep every gene (skip filterByExpr).
    #[arg(long)]
    no_filter: bool,
}

/// Runs `degsea normalize`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let config = NormalizeConfig {
        inputs: args.input.inputs(),
        contrast: contrast(&args.contrast)?,
        out: args.out,
        norm: args.norm,
        no_filter: args.no_filter,
        command_line: command_line(),
    };
    degsea_pipeline::normalize::run(&config)
}
