//! `degsea run` (being built; see the issue tracker).

/// Arguments of `degsea run`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `degsea run`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`degsea run` is not available in this build yet")
}
