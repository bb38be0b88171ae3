//! Gene identifier maps (e.g. Ensembl gene id → HGNC symbol).

use std::collections::HashMap;

/// A one-to-one view of an id → name map; for ids listed several times the first name wins
/// (as `AnnotationDbi::mapIds(..., multiVals = "first")`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneMap {
    map: HashMap<String, String>,
}

impl GeneMap {
    /// Builds a map from (id, name) pairs in file order; the first name of an id wins.
    ///
    /// ```
    /// let m = degsea_core::GeneMap::from_pairs([("ENSG1", "A"), ("ENSG1", "B"), ("ENSG2", "C")]);
    /// assert_eq!(m.get("ENSG1"), Some("A"));
    /// assert_eq!(m.get("ENSG1.7"), Some("A"));
    /// assert_eq!(m.len(), 2);
    /// ```
    pub fn from_pairs<I, A, B>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (A, B)>,
        A: Into<String>,
        B: Into<String>,
    {
        let mut map = HashMap::new();
        for (a, b) in pairs {
            map.entry(a.into()).or_insert_with(|| b.into());
        }
        Self { map }
    }

    /// Looks up an id, ignoring an Ensembl version suffix (`ENSG00000000003.15`).
    pub fn get(&self, id: &str) -> Option<&str> {
        self.map.get(id).or_else(|| self.map.get(strip_version(id))).map(String::as_str)
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Whether an id looks like an Ensembl gene id (`ENSG…`, `ENSMUSG…`, any `ENS[A-Z]*G` + digits).
///
/// ```
/// use degsea_core::genemap::looks_like_ensembl;
/// assert!(looks_like_ensembl("ENSG00000141510.17"));
/// assert!(looks_like_ensembl("ENSMUSG00000059552"));
/// assert!(!looks_like_ensembl("TP53"));
/// ```
pub fn looks_like_ensembl(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("ENS") else { return false };
    let letters = rest.bytes().take_while(u8::is_ascii_uppercase).count();
    // the upper-case run is an optional species code followed by the feature letter `G`
    if letters == 0 || rest.as_bytes()[letters - 1] != b'G' {
        return false;
    }
    let digits = strip_version(&rest[letters..]);
    digits.len() >= 5 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Removes an Ensembl version suffix (`.15`), if any.
pub fn strip_version(id: &str) -> &str {
    match id.rsplit_once('.') {
        Some((base, v)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => id,
    }
}
