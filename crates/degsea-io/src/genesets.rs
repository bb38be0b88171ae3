//! The one gene-set loader: a `--genesets` value is a GMT path or a bundled collection name.
//!
//! **Precedence: an existing file wins.** A value that names an existing file is read as GMT
//! (its collection is named by the value as given); otherwise it must name a bundled collection
//! ([`crate::bundled::ALL`], case-insensitive). So a GMT file called `hallmark` in the working
//! folder is read instead of the bundled Hallmark sets, and nothing is ever silently ignored.
//!
//! ```
//! let h = degsea_io::genesets::load("hallmark")?;
//! assert_eq!((h.name.as_str(), h.sets.len()), ("hallmark", 50));
//! let err = degsea_io::genesets::load("no-such-collection").unwrap_err();
//! assert!(err.to_string().contains("no such file and no bundled collection"));
//! # Ok::<(), degsea_io::Error>(())
//! ```

use std::path::Path;

use degsea_core::GeneSetCollection;

use crate::bundled::{self, Bundled};
use crate::{Error, Result};

/// Loads one collection by the precedence rule of this module.
pub fn load(spec: &str) -> Result<GeneSetCollection> {
    let path = Path::new(spec);
    if path.is_file() {
        return crate::gmt::read(path, spec, "");
    }
    match bundled::find(spec) {
        Some(b) => parse_bundled(b),
        None => Err(Error::UnknownGeneSets { spec: spec.to_owned(), available: available() }),
    }
}

/// Loads every collection of a repeated `--genesets`, in order.
pub fn load_all(specs: &[String]) -> Result<Vec<GeneSetCollection>> {
    specs.iter().map(|s| load(s)).collect()
}

/// Parses a bundled collection's embedded GMT text.
///
/// ```
/// let c = degsea_io::genesets::parse_bundled(&degsea_io::bundled::HALLMARK)?;
/// assert_eq!(c.version, "v2025.1.Hs");
/// # Ok::<(), degsea_io::Error>(())
/// ```
pub fn parse_bundled(b: &Bundled) -> Result<GeneSetCollection> {
    crate::gmt::parse(b.gmt.as_bytes(), b.file, b.name, b.version)
}

/// The bundled collection called `name`, or an error listing the available ones.
pub fn find_bundled(name: &str) -> Result<&'static Bundled> {
    bundled::find(name).ok_or_else(|| Error::NoBundled { name: name.to_owned(), available: available() })
}

/// Names of the bundled collections, comma-separated.
fn available() -> String {
    bundled::ALL.iter().map(|b| b.name).collect::<Vec<_>>().join(", ")
}
