//! The `genesets` job: list or export the gene-set collections compiled into the binary.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use degsea_io::bundled;
use degsea_io::genesets::{find_bundled, parse_bundled};

use crate::log;

/// Writes the table of bundled collections (`name version sets genes licence source`).
pub fn list(out: &mut impl Write) -> anyhow::Result<()> {
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
    Ok(())
}

/// Writes the bundled collection `name` as a GMT file, atomically.
pub fn export(name: &str, out: &Path) -> anyhow::Result<()> {
    crate::output::check_file(out, &[])?;
    let b = find_bundled(name)?;
    degsea_io::output::write_file_atomic(out, |w| w.write_all(b.gmt.as_bytes()))
        .with_context(|| format!("writing `{}`", out.display()))?;
    log::info(&format!("wrote {} ({} {}, {})", out.display(), b.name, b.version, b.licence));
    Ok(())
}
