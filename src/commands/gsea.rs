//! `degsea gsea` (being built; see the issue tracker).

/// Arguments of `degsea gsea`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `degsea gsea`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`degsea gsea` is not available in this build yet")
}
