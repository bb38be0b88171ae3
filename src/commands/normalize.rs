//! `degsea normalize` (being built; see the issue tracker).

/// Arguments of `degsea normalize`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `degsea normalize`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`degsea normalize` is not available in this build yet")
}
