//! The sample-sheet reader.

use std::collections::HashMap;
use std::path::Path;

use degsea_core::SampleSheet;

use crate::lines::{Lines, detect_delimiter, field_str, split_fields};
use crate::{Error, Result};

/// Reads a sample sheet (TSV or CSV, gzip or plain): a header row naming the columns, then one
/// row per sample whose first field is the sample id and whose other fields are annotations.
/// `#` comment lines and blank lines are skipped; a header without a field for the id column
/// (R's `write.table` with row names) is accepted.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("samples.csv");
/// std::fs::write(&path, "sample,condition\nS1,treated\nS2,control\n")?;
/// let sheet = degsea_io::samples::read_sample_sheet(&path)?;
/// assert_eq!(sheet.ids(), ["S1", "S2"]);
/// assert_eq!(sheet.column("condition").unwrap(), ["treated", "control"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_sample_sheet(path: &Path) -> Result<SampleSheet> {
    let mut lines = Lines::open(path)?;
    if !lines.next_record()? {
        return Err(Error::Empty { file: lines.file });
    }
    let delim = detect_delimiter(&lines.buf);
    let mut ranges = Vec::new();
    split_fields(&lines.buf, delim, &mut ranges);
    lines.text()?;
    let header: Vec<String> = ranges.iter().map(|r| field_str(&lines.buf, r)).collect();
    let header_line = lines.line;

    // Collect the rows first: the header style is decided from all of them.
    let mut raw: Vec<(u64, Vec<String>)> = Vec::new();
    while lines.next_record()? {
        lines.text()?;
        split_fields(&lines.buf, delim, &mut ranges);
        raw.push((lines.line, ranges.iter().map(|r| field_str(&lines.buf, r)).collect()));
    }
    if raw.is_empty() {
        return Err(Error::NoRows { file: lines.file });
    }
    // R's write.table(row.names=TRUE) header has no field for the id column.
    let r_style = raw.iter().all(|(_, f)| f.len() == header.len() + 1);
    let columns: Vec<String> = if r_style { header.clone() } else { header[1..].to_vec() };
    let mut ids: Vec<String> = Vec::with_capacity(raw.len());
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(raw.len());
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (line, mut fields) in raw {
        let id = std::mem::take(&mut fields[0]);
        if id.is_empty() {
            return Err(Error::EmptyId { file: lines.file, line });
        }
        if fields.len() != columns.len() + 1 {
            return Err(Error::Ragged {
                file: lines.file,
                line,
                id,
                found: fields.len() - 1,
                expected: columns.len(),
            });
        }
        if seen.contains_key(&id) {
            return Err(Error::DuplicateSample { file: lines.file, line, sample: id });
        }
        seen.insert(id.clone(), line);
        fields.remove(0);
        rows.push(fields);
        ids.push(id);
    }
    let mut names = std::collections::HashSet::new();
    if let Some(dup) = columns.iter().find(|c| !names.insert(c.as_str())) {
        return Err(Error::DuplicateColumn { file: lines.file, line: header_line, column: dup.clone() });
    }
    SampleSheet::new(ids, columns, rows).map_err(|source| Error::Invalid { file: lines.file, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.tsv");
        for (text, needle) in [
            ("id\tk\nA\tx\nA\ty\n", "s.tsv:3: duplicate sample name `A`"),
            ("id\tk\nA\tx\ty\nB\tz\n", "s.tsv:2: row `A` has 2 value field(s) but the header names 1"),
            ("", "s.tsv: empty file"),
            ("id\tk\n", "s.tsv: no data rows"),
            ("id\tk\tk\nA\tx\ty\n", "s.tsv:1: duplicate column `k`"),
        ] {
            std::fs::write(&p, text).unwrap();
            let e = read_sample_sheet(&p).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
        std::fs::write(&p, "k\tj\nA\tx\t1\nB\ty\t2\n").unwrap();
        let s = read_sample_sheet(&p).unwrap();
        assert_eq!(s.columns(), ["k", "j"]);
    }
}
