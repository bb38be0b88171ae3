//! Two-column gene identifier maps (`id<TAB>symbol`, or comma-separated), e.g. the bundled
//! Ensembl → HGNC symbol table or a user's `--gene-map`.

use std::io::BufRead;
use std::path::Path;

use degsea_core::GeneMap;

use crate::{Error, Result};

/// Header cells recognised as a header row (case-insensitive) rather than a mapping.
const HEADER_WORDS: [&str; 6] = ["ensembl", "gene_id", "id", "gene", "from", "geneid"];

/// Parses a map from a reader. Blank and `#` lines are skipped; a first row whose first cell is
/// a usual column name (`ENSEMBL`, `gene_id`, `id`, …) is a header. Each row needs two fields;
/// rows with an empty symbol (R's `NA`) are ignored. The first symbol of an id wins.
///
/// ```
/// let m = degsea_io::genemap::parse(&b"ENSEMBL\tSYMBOL\nENSG1\tA\nENSG2\tNA\n"[..], "map.tsv")?;
/// assert_eq!(m.get("ENSG1.3"), Some("A"));
/// assert_eq!(m.get("ENSG2"), None);
/// # Ok::<(), degsea_io::Error>(())
/// ```
pub fn parse(reader: impl BufRead, name: &str) -> Result<GeneMap> {
    Ok(GeneMap::from_pairs(parse_pairs(reader, name)?))
}

/// The `(id, symbol)` rows of a map in file order, with the rules of [`parse`] (header, blank,
/// `#` and `NA` rows skipped); an empty map is an error.
///
/// ```
/// let p = degsea_io::genemap::parse_pairs(&b"id,symbol\nENSG1,A\nENSG1,B\n"[..], "map.csv")?;
/// assert_eq!(p, [("ENSG1".to_owned(), "A".to_owned()), ("ENSG1".to_owned(), "B".to_owned())]);
/// # Ok::<(), degsea_io::Error>(())
/// ```
pub fn parse_pairs(reader: impl BufRead, name: &str) -> Result<Vec<(String, String)>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut first = true;
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| Error::Io { file: name.to_owned(), cause: source })?;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let delim = if line.contains('\t') { '\t' } else { ',' };
        let fields: Vec<&str> = line.split(delim).map(|f| f.trim().trim_matches('"')).collect();
        if fields.len() < 2 {
            return Err(Error::Ragged {
                file: name.to_owned(),
                line: i as u64 + 1,
                id: crate::printable(fields[0]),
                found: fields.len().saturating_sub(1),
                expected: 1,
            });
        }
        if first {
            first = false;
            if HEADER_WORDS.contains(&fields[0].to_ascii_lowercase().as_str()) {
                continue;
            }
        }
        if fields[1].is_empty() || fields[1] == "NA" || fields[0].is_empty() {
            continue;
        }
        pairs.push((fields[0].to_owned(), fields[1].to_owned()));
    }
    if pairs.is_empty() {
        return Err(Error::Empty { file: name.to_owned() });
    }
    Ok(pairs)
}

/// Reads a map from a file (gzip or plain).
pub fn read(path: &Path) -> Result<GeneMap> {
    let (reader, _) = crate::lines::open(path)?;
    parse(reader, &path.display().to_string())
}
