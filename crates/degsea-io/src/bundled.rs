//! Data compiled into the binary, so degsea works offline: gene-set collections (MSigDB
//! Hallmark) and the Ensembl → HGNC symbol map.
//!
//! The files live in the repository's `genesets/` folder (see its README and
//! `ATTRIBUTION-ensembl.md` for source, licence and checksum) and are embedded with
//! `include_str!`; [`crate::genesets::load`] parses a collection, [`ensembl_to_symbol`] the map.
//!
//! ```
//! let h = degsea_io::bundled::find("hallmark").expect("bundled");
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
/// assert!(degsea_io::bundled::find("Hallmark").is_some());
/// assert!(degsea_io::bundled::find("kegg").is_none());
/// ```
pub fn find(name: &str) -> Option<&'static Bundled> {
    ALL.iter().find(|b| b.name.eq_ignore_ascii_case(name))
}

/// How the bundled Ensembl → symbol map is named in logs and manifests.
pub const ENSEMBL_MAP_NAME: &str = "bundled ensembl_to_symbol.human (org.Hs.eg.db 3.16.0)";

/// The bundled Ensembl gene id → HGNC symbol table (`ENSEMBL<TAB>SYMBOL`, 40,102 rows, from
/// Bioconductor `org.Hs.eg.db` 3.16.0; Artistic-2.0, see `genesets/ATTRIBUTION-ensembl.md`).
pub const ENSEMBL_TO_SYMBOL_TSV: &str = include_str!("../../../genesets/ensembl_to_symbol.human.tsv");

/// The bundled Ensembl map's `(id, symbol)` rows in file order, parsed by the one map parser
/// [`crate::genemap::parse_pairs`].
///
/// ```
/// let pairs = degsea_io::bundled::ensembl_pairs()?;
/// assert_eq!(pairs[0], ("ENSG00000121410".to_owned(), "A1BG".to_owned()));
/// # Ok::<(), degsea_io::Error>(())
/// ```
pub fn ensembl_pairs() -> crate::Result<Vec<(String, String)>> {
    crate::genemap::parse_pairs(ENSEMBL_TO_SYMBOL_TSV.as_bytes(), ENSEMBL_MAP_NAME)
}

/// The bundled Ensembl → symbol map (first symbol per id, as `mapIds(multiVals = "first")`).
///
/// ```
/// let m = degsea_io::bundled::ensembl_to_symbol()?;
/// assert_eq!(m.get("ENSG00000121410.12"), Some("A1BG"));
/// # Ok::<(), degsea_io::Error>(())
/// ```
pub fn ensembl_to_symbol() -> crate::Result<degsea_core::GeneMap> {
    Ok(degsea_core::GeneMap::from_pairs(ensembl_pairs()?))
}
