//! Gene-set collections compiled into the binary, so `--genesets hallmark` works offline.
//!
//! The GMT text lives in the repository's `genesets/` folder (see its README for source,
//! licence and checksum) and is embedded with `include_str!`; parse it with
//! `degsea_io::gmt::parse`.
//!
//! ```
//! let h = degsea_gsea::bundled::find("hallmark").expect("bundled");
//! assert_eq!(h.gmt.lines().count(), 50);
//! assert!(h.gmt.starts_with("HALLMARK_ADIPOGENESIS\t"));
//! ```

/// A collection shipped inside the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bundled {
    /// Name used on the command line (`--genesets hallmark`).
    pub name: &'static str,
    /// Upstream version.
    pub version: &'static str,
    /// Licence of the gene-set data.
    pub licence: &'static str,
    /// Attribution to print with results.
    pub citation: &'static str,
    /// File name in `genesets/`.
    pub file: &'static str,
    /// SHA-256 of the GMT file, as recorded in `genesets/README.md`.
    pub sha256: &'static str,
    /// The GMT text.
    pub gmt: &'static str,
}

/// MSigDB Hallmark gene sets v2025.1, human gene symbols (50 sets).
pub const HALLMARK: Bundled = Bundled {
    name: "hallmark",
    version: "v2025.1.Hs",
    licence: "CC BY 4.0",
    citation: "MSigDB Hallmark (Liberzon et al. 2015, Cell Systems 1:417; Subramanian et al. 2005, PNAS 102:15545)",
    file: "h.all.v2025.1.Hs.symbols.gmt",
    sha256: "f22066af72e215ccb7b89d88e492c07e1eef17534c2ca7b0f9902cfecbbdd8e9",
    gmt: include_str!("../../../genesets/h.all.v2025.1.Hs.symbols.gmt"),
};

/// Every bundled collection.
pub const ALL: &[Bundled] = &[HALLMARK];

/// The bundled collection called `name` (case-insensitive), if any.
///
/// ```
/// assert!(degsea_gsea::bundled::find("Hallmark").is_some());
/// assert!(degsea_gsea::bundled::find("kegg").is_none());
/// ```
pub fn find(name: &str) -> Option<&'static Bundled> {
    ALL.iter().find(|b| b.name.eq_ignore_ascii_case(name))
}
