//! `degsea plot` (being built; see the issue tracker).

/// Arguments of `degsea plot`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `degsea plot`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`degsea plot` is not available in this build yet")
}
