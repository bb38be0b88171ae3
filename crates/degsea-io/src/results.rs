//! Reading back what degsea wrote into an output folder (for `degsea plot` and reports): the
//! shared column reader of its tab-separated result tables and the contrast recorded in
//! `run.json`. The table-specific readers are [`crate::de_table::read`] and
//! [`crate::gsea_table::read`].

use std::path::Path;

use crate::{Error, Result};

/// Reads an R-style number (`NA`, `NaN`, `Inf`, `-Inf` allowed).
///
/// ```
/// use degsea_io::results::parse_number;
/// assert!(parse_number("NA").is_some_and(f64::is_nan));
/// assert_eq!(parse_number("-Inf"), Some(f64::NEG_INFINITY));
/// assert_eq!(parse_number("1e-3"), Some(1e-3));
/// assert_eq!(parse_number("x"), None);
/// ```
pub fn parse_number(text: &str) -> Option<f64> {
    match text.trim() {
        "NA" | "NaN" | "" => Some(f64::NAN),
        "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        t => t.parse().ok(),
    }
}

/// A tab-separated table with a header (blank and `#` lines skipped): the `wanted` columns of
/// every row, with the row's 1-based line number.
pub(crate) fn read_columns(text: &str, file: &str, wanted: &[&str]) -> Result<Vec<(u64, Vec<String>)>> {
    let bad = |line: usize, reason: String| Error::Table { file: file.to_owned(), line: line as u64, reason };
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let Some((_, header)) = lines.next() else { return Err(Error::Empty { file: file.to_owned() }) };
    let names: Vec<&str> = header.split('\t').map(str::trim).collect();
    let mut index = Vec::with_capacity(wanted.len());
    for w in wanted {
        match names.iter().position(|n| n == w) {
            Some(i) => index.push(i),
            None => {
                return Err(bad(
                    1,
                    format!("missing column `{w}` (header has: {})", crate::printable(&names.join(", "))),
                ));
            }
        }
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < names.len().min(index.iter().max().map_or(0, |m| m + 1)) {
            return Err(bad(i + 1, format!("expected {} columns, found {}", names.len(), fields.len())));
        }
        rows.push((i as u64 + 1, index.iter().map(|&k| fields[k].to_owned()).collect()));
    }
    Ok(rows)
}

/// Parses a numeric cell or names file, line, column and value.
pub(crate) fn number(file: &str, line: u64, column: &str, text: &str) -> Result<f64> {
    parse_number(text).ok_or_else(|| Error::Table {
        file: file.to_owned(),
        line,
        reason: format!("{column} `{}` is not a number", crate::printable(text)),
    })
}

/// The contrast recorded in an output folder's `run.json` (the first string under a
/// `contrast` key, depth-first), if the file exists and has one.
pub fn recorded_contrast(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("run.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    find_contrast(&v)
}

/// The first string value under a `contrast` key, searched depth-first.
fn find_contrast(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(s)) = map.get("contrast") {
                return Some(s.clone());
            }
            map.values().find_map(find_contrast)
        }
        serde_json::Value::Array(items) => items.iter().find_map(find_contrast),
        _ => None,
    }
}
