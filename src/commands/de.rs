//! `degsea de`: edgeR 3.40.2's classic two-group pipeline, or its GLM pipelines with
//! `--design` (job: [`degsea_pipeline::de`]).

use std::path::PathBuf;

use degsea_pipeline::de::DeConfig;

use super::args::{DeParams, DesignArgs, InputArgs, TestArg, command_line, contrast};

/// Arguments of `degsea de`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// Two-group contrast `COLUMN: LEVEL[+LEVEL…] vs LEVEL[+LEVEL…]` (test vs reference),
    /// e.g. "cluster: cluster2+cluster3 vs cluster1". Samples of other levels are dropped.
    #[arg(long, value_name = "SPEC")]
    contrast: String,
    /// Output folder: de.tsv, filter.tsv, norm_factors.tsv, run.json (written atomically).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    params: DeParams,
    #[command(flatten)]
    model: DesignArgs,
    /// DE test: ql (default with --design), lrt, or exact (default without --design; two
    /// groups only).
    #[arg(long, value_enum, value_name = "ql|lrt|exact")]
    method: Option<TestArg>,
    /// Also write de.json (the de.tsv rows as a JSON array).
    #[arg(long)]
    json: bool,
    /// Recorded in run.json for pipeline uniformity; the DE computation uses no random numbers.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

/// Runs `degsea de`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let config = DeConfig {
        inputs: args.input.inputs(),
        contrast: contrast(&args.contrast)?,
        out: args.out,
        options: args.params.options(&args.model, args.method, "--method")?,
        json: args.json,
        seed: args.seed,
        command_line: command_line(),
    };
    degsea_pipeline::de::run(&config).map(drop)
}
