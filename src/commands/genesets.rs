//! `degsea genesets`: list or export the gene-set collections compiled into the binary.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use degsea_core::GeneSetCollection;
use degsea_gsea::bundled::{self, Bundled};

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

/// Parses a bundled collection's embedded GMT text.
pub(crate) fn parse_bundled(b: &Bundled) -> anyhow::Result<GeneSetCollection> {
    degsea_io::gmt::parse(b.gmt.as_bytes(), b.file, b.name, b.version)
        .with_context(|| format!("parsing the bundled collection `{}`", b.name))
}

/// Looks up a bundled collection, listing the available ones when it does not exist.
pub(crate) fn find_bundled(name: &str) -> anyhow::Result<&'static Bundled> {
    bundled::find(name).with_context(|| {
        let names: Vec<&str> = bundled::ALL.iter().map(|b| b.name).collect();
        format!("no bundled gene-set collection `{name}` (available: {})", names.join(", "))
    })
}

/// Runs `degsea genesets`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    match args.action {
        Action::List => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "name\tversion\tsets\tgenes\tlicence\tsource")?;
            for b in bundled::ALL {
                let c = parse_bundled(b)?;
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    b.name,
                    b.version,
                    c.sets.len(),
                    c.n_distinct_genes(),
                    b.licence,
                    b.citation
                )?;
            }
            out.flush()?;
        }
        Action::Export { name, out } => {
            let b = find_bundled(&name)?;
            degsea_io::output::write_file_atomic(&out, |w| w.write_all(b.gmt.as_bytes()))
                .with_context(|| format!("writing `{}`", out.display()))?;
            crate::log::info(&format!("wrote {} ({} {}, {})", out.display(), b.name, b.version, b.licence));
        }
    }
    Ok(())
}
