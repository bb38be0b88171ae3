//! `degsea genesets`: list or export the bundled gene-set collections (job:
//! [`degsea_pipeline::genesets`]).

use std::path::PathBuf;

/// Arguments of `degsea genesets`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Print name, version, number of sets and genes, and licence of each bundled collection.
    List,
    /// Write a bundled collection as a GMT file.
    Export {
        /// Collection name (see `degsea genesets list`).
        name: String,
        /// Output GMT file.
        #[arg(short, long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// Runs `degsea genesets`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    match args.action {
        Action::List => degsea_pipeline::genesets::list(&mut std::io::stdout().lock()),
        Action::Export { name, out } => degsea_pipeline::genesets::export(&name, &out),
    }
}
