//! `degsea count` (being built; see the issue tracker).

/// Arguments of `degsea count`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `degsea count`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`degsea count` is not available in this build yet")
}
