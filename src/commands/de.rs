//! `degsea de` (being built; see the issue tracker).

/// Arguments of `degsea de`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `degsea de`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`degsea de` is not available in this build yet")
}
