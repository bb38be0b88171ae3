//! `degsea simulate` (being built; see the issue tracker).

/// Arguments of `degsea simulate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `degsea simulate`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`degsea simulate` is not available in this build yet")
}
