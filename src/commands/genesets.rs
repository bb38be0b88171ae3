//! `degsea genesets` (being built; see the issue tracker).

/// Arguments of `degsea genesets`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `degsea genesets`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`degsea genesets` is not available in this build yet")
}
