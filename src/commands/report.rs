//! `degsea report`: rebuilds `report.html` from a `degsea run` output folder (job:
//! [`degsea_pipeline::report`]).

use std::path::PathBuf;

use degsea_pipeline::report::ReportConfig;

/// Arguments of `degsea report`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output folder of `degsea run` (with several contrasts: one contrast's subfolder). Reads
    /// run.json, de.tsv, norm_factors.tsv, gsea.tsv and the SVGs under plots/.
    #[arg(long, value_name = "DIR")]
    from: PathBuf,
    /// Where to write the page (default: DIR/report.html); replaced atomically.
    #[arg(short, long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Count matrix for the MDS plot and leading-edge heatmaps when the path recorded in
    /// run.json is not found (log-CPM is recomputed with the folder's library sizes and factors).
    #[arg(long, value_name = "FILE")]
    counts: Option<PathBuf>,
}

/// Runs `degsea report`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    degsea_pipeline::report::run(&ReportConfig { from: args.from, out: args.out, counts: args.counts })?;
    Ok(())
}
